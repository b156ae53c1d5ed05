import { createParser } from 'eventsource-parser';
import type { ConfigStreamOpener, StreamOutcome } from './config-stream.js';
import { host, startTimer, stopTimer } from './platform.js';

/** A stream silent for this long (no event, no heartbeat) is considered dead and reopened. */
const IDLE_TIMEOUT_MS = 90_000;

/** Answers of a server or proxy that cannot stream at all: poll from then on. */
const NO_STREAM_STATUSES: readonly number[] = [404, 405, 501];

/**
 * Reads the config stream with fetch and eventsource-parser, with the SDK key in the
 * Authorization header, and aborts a stream that stays silent past its heartbeats.
 */
export const openFetchConfigStream: ConfigStreamOpener = ({ serverUrl, headers, fetch, onConfig, report }) => {
  const controller = host.AbortController === undefined ? null : new host.AbortController();
  let isClosed = false;
  let idleTimer: unknown = null;
  const armIdleTimer = (): void => {
    stopTimer(idleTimer);
    idleTimer = startTimer(() => controller?.abort(), IDLE_TIMEOUT_MS);
  };

  const read = async (): Promise<StreamOutcome> => {
    const Decoder = host.TextDecoder;
    if (Decoder === undefined) return 'unsupported';
    let hasReceived = false;
    try {
      const response = await fetch(`${serverUrl}/v1/sdk/stream`, {
        headers: { ...headers, Accept: 'text/event-stream' },
        signal: controller?.signal,
      });
      if (NO_STREAM_STATUSES.includes(response.status) || !response.body) {
        await response.body
          ?.getReader()
          .cancel()
          .catch(() => {});
        return 'unsupported';
      }
      if (!response.ok) {
        report('stream-failed', `The config stream answered ${response.status}; retrying.`, {
          status: response.status,
        });
        return 'failed';
      }
      const parser = createParser({
        onEvent: (message) => {
          if ((message.event === undefined || message.event === 'config') && onConfig(message.data)) hasReceived = true;
        },
      });
      const reader = response.body.getReader();
      const decoder = new Decoder();
      for (;;) {
        armIdleTimer();
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (!isClosed) report('stream-failed', 'The config stream broke; reconnecting.', { cause: error });
    } finally {
      stopTimer(idleTimer);
    }
    return hasReceived ? 'received' : 'failed';
  };

  return {
    done: read(),
    close: () => {
      isClosed = true;
      controller?.abort();
    },
  };
};
