import type { ConfigStreamOpener, StreamOutcome } from './config-stream.js';
import { host } from './platform.js';

/**
 * Reads the config stream with the browser's EventSource. EventSource cannot send headers, so
 * the SDK key goes in the `apiKey` query parameter (SDK keys ship in browser code anyway; the
 * server redacts it from its logs). On any error the stream is closed and the loader reconnects
 * with its own backoff, polling meanwhile, instead of EventSource's fixed retry.
 */
export const openEventSourceConfigStream: ConfigStreamOpener = ({ serverUrl, sdkKey, onConfig, report }) => {
  const EventSourceClass = host.EventSource;
  if (EventSourceClass === undefined) return { done: Promise.resolve('unsupported'), close: () => {} };
  const query = sdkKey === undefined ? '' : `?apiKey=${encodeURIComponent(sdkKey)}`;
  const source = new EventSourceClass(`${serverUrl}/v1/sdk/stream${query}`);
  let hasReceived = false;
  let end!: (outcome: StreamOutcome) => void;
  const done = new Promise<StreamOutcome>((resolve) => (end = resolve));
  const receive = (event: { data: string }): void => {
    if (onConfig(event.data)) hasReceived = true;
  };
  source.addEventListener('config', receive);
  source.addEventListener('message', receive);
  source.addEventListener('error', () => {
    source.close();
    report('stream-failed', 'The config stream broke; reconnecting.');
    end(hasReceived ? 'received' : 'failed');
  });
  return {
    done,
    close: () => {
      source.close();
      end('failed');
    },
  };
};
