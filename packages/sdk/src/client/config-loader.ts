import { backoffDelay, retryAfterMs, type BackoffOptions } from './backoff.js';
import type { ConfigStream, ConfigStreamOpener } from './config-stream.js';
import type { Report } from './lift-error.js';
import { sleep, startTimer, stopTimer, type FetchLike } from './platform.js';

/** How the client keeps its config fresh. */
export type RefreshMode = 'stream' | 'poll' | 'none';

/** A Retry-After on the config longer than this is not waited out. */
const MAX_RETRY_AFTER_MS = 60_000;
/** Between reopenings of a stream that ended. */
const STREAM_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };
/** Between fetches while the server cannot be reached (never longer than the poll interval). */
const UNREACHABLE_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };

export interface ConfigLoaderOptions {
  readonly serverUrl: string;
  readonly sdkKey: string | undefined;
  readonly headers: Record<string, string>;
  readonly fetch: FetchLike;
  readonly refresh: RefreshMode;
  readonly pollIntervalMs: number;
  readonly openStream: ConfigStreamOpener;
  readonly accept: (snapshot: unknown, source: string) => void;
  readonly report: Report;
}

/**
 * Fetches `GET /v1/sdk/config` (with If-None-Match) and keeps it fresh through the server-sent
 * events at `GET /v1/sdk/stream`, falling back to polling while the stream is down. Every failure
 * leaves the last good config in force; reconnects back off with jitter. Returns its stop function.
 */
export function startConfigLoader(options: ConfigLoaderOptions): () => void {
  const { serverUrl, headers, fetch, refresh, pollIntervalMs, accept, report } = options;
  let etag: string | null = null;
  let timer: unknown = null;
  let stream: ConfigStream | null = null;
  let attempt = 0;
  let isStopped = false;
  let isStreamSupported = refresh === 'stream';

  const acceptJson = (text: string, source: string): boolean => {
    try {
      accept(JSON.parse(text), source);
      return true;
    } catch (cause) {
      report('config-invalid', `The ${source} config is not JSON; keeping the last good one.`, { cause });
      return false;
    }
  };

  /** True when the server answered (200 or 304). A Retry-After on an error is waited out, up to a minute. */
  const fetchConfig = async (): Promise<boolean> => {
    try {
      const response = await fetch(`${serverUrl}/v1/sdk/config`, {
        headers: etag === null ? headers : { ...headers, 'If-None-Match': etag },
      });
      const { status } = response;
      if (status === 304) return true;
      if (response.ok) {
        if (!acceptJson(await response.text(), 'fetched')) return false;
        etag = response.headers.get('etag');
        return true;
      }
      report('config-fetch-failed', `The config fetch answered ${status}; keeping the last good one.`, { status });
      await sleep(Math.min(retryAfterMs(response.headers.get('retry-after')) ?? 0, MAX_RETRY_AFTER_MS));
    } catch (cause) {
      report('config-fetch-failed', 'Could not fetch the config; keeping the last good one.', { cause });
    }
    return false;
  };

  const cycle = async (): Promise<void> => {
    const isFetched = await fetchConfig();
    if (isStopped || refresh === 'none') return;
    let delay: number;
    if (isStreamSupported && isFetched) {
      stream = options.openStream({ ...options, onConfig: (data) => acceptJson(data, 'streamed') });
      const outcome = await stream.done;
      stream = null;
      if (isStopped) return;
      if (outcome === 'unsupported') isStreamSupported = false;
      if (outcome === 'received') attempt = 0;
      delay = backoffDelay(attempt++, STREAM_BACKOFF);
    } else {
      // Polling, or the stream's fallback while the server cannot be reached.
      if (isFetched) attempt = 0;
      delay = isFetched ? pollIntervalMs : Math.min(pollIntervalMs, backoffDelay(attempt++, UNREACHABLE_BACKOFF));
    }
    timer = startTimer(() => void cycle(), delay);
  };

  void cycle();
  return () => {
    isStopped = true;
    stopTimer(timer);
    stream?.close();
  };
}
