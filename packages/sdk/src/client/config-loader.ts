import { createParser } from 'eventsource-parser';
import { backoffDelay, retryAfterMs } from './backoff.js';
import { LiftError } from './lift-error.js';
import { host, startTimer, stopTimer, type FetchLike, type ResponseLike } from './platform.js';

/** How the client keeps its config fresh. */
export type RefreshMode = 'stream' | 'poll' | 'none';

export interface ConfigLoaderOptions {
  readonly serverUrl: string;
  readonly headers: Record<string, string>;
  readonly fetch: FetchLike;
  readonly refresh: RefreshMode;
  readonly pollIntervalMs: number;
  /** A stream silent for this long (no event, no heartbeat) is considered dead and reopened. */
  readonly streamIdleTimeoutMs: number;
  readonly accept: (snapshot: unknown, source: string) => void;
  readonly report: (error: LiftError) => void;
  readonly random?: () => number;
}

/**
 * Fetches `GET /v1/sdk/config` (with If-None-Match) and keeps it fresh through the server-sent
 * events at `GET /v1/sdk/stream`, falling back to polling while the stream is down. Every failure
 * leaves the last good config in force; reconnects back off with jitter.
 */
export class ConfigLoader {
  readonly #options: ConfigLoaderOptions;
  #etag: string | null = null;
  #timer: unknown = null;
  #idleTimer: unknown = null;
  #abort: { abort(): void } | null = null;
  #attempt = 0;
  #isStopped = false;
  #isStreamSupported = true;

  constructor(options: ConfigLoaderOptions) {
    this.#options = options;
  }

  start(): void {
    void this.#cycle();
  }

  stop(): void {
    this.#isStopped = true;
    stopTimer(this.#timer);
    stopTimer(this.#idleTimer);
    this.#timer = null;
    this.#idleTimer = null;
    this.#abort?.abort();
    this.#abort = null;
  }

  /** Fetches the config once; true when the server answered (200 or 304). */
  async fetchConfig(): Promise<boolean> {
    let response: ResponseLike;
    try {
      const headers = this.#etag === null ? this.#options.headers : { ...this.#options.headers, 'If-None-Match': this.#etag };
      response = await this.#options.fetch(`${this.#options.serverUrl}/v1/sdk/config`, { headers });
    } catch (error) {
      this.#options.report(new LiftError('config-fetch-failed', 'Could not reach the Lift server for the config; keeping the last good one.', { cause: error }));
      return false;
    }
    if (response.status === 304) return true;
    if (!response.ok) {
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      this.#options.report(new LiftError('config-fetch-failed', `The Lift server answered ${response.status} for the config; keeping the last good one.`, { status: response.status }));
      if (retryAfter !== null) await new Promise<void>((resolve) => startTimer(resolve, Math.min(retryAfter, 60_000)));
      return false;
    }
    try {
      const snapshot: unknown = JSON.parse(await response.text());
      this.#etag = response.headers.get('etag');
      this.#options.accept(snapshot, 'fetch');
      return true;
    } catch (error) {
      this.#options.report(new LiftError('config-invalid', 'The config was not valid JSON; keeping the last good one.', { cause: error }));
      return false;
    }
  }

  async #cycle(): Promise<void> {
    if (this.#isStopped) return;
    const isFetched = await this.fetchConfig();
    if (this.#isStopped || this.#options.refresh === 'none') return;
    if (this.#options.refresh === 'stream' && this.#isStreamSupported && isFetched) {
      const isClean = await this.#stream();
      if (this.#isStopped) return;
      if (isClean) this.#attempt = 0;
      this.#scheduleCycle(backoffDelay(this.#attempt++, this.#options.random, 500, 30_000));
      return;
    }
    // Polling, or the stream's fallback while the server cannot be reached.
    if (isFetched) this.#attempt = 0;
    const delay = isFetched ? this.#options.pollIntervalMs : Math.min(this.#options.pollIntervalMs, backoffDelay(this.#attempt++, this.#options.random, 1000, 60_000));
    this.#scheduleCycle(delay);
  }

  #scheduleCycle(delayMs: number): void {
    stopTimer(this.#timer);
    this.#timer = startTimer(() => {
      this.#timer = null;
      void this.#cycle();
    }, delayMs);
  }

  /** Reads the event stream until it ends; true when it had worked (so reconnecting starts fresh). */
  async #stream(): Promise<boolean> {
    const Controller = host.AbortController;
    const Decoder = host.TextDecoder;
    if (Decoder === undefined) {
      this.#isStreamSupported = false;
      return false;
    }
    const controller = Controller === undefined ? null : new Controller();
    this.#abort = controller;
    let hasReceived = false;
    try {
      const response = await this.#options.fetch(`${this.#options.serverUrl}/v1/sdk/stream`, {
        headers: { ...this.#options.headers, Accept: 'text/event-stream' },
        signal: controller?.signal,
      });
      if (response.status === 404 || response.status === 405 || response.status === 501 || !response.body) {
        // This server or proxy cannot stream: poll from now on.
        this.#isStreamSupported = false;
        await response.body?.getReader().cancel().catch(() => {});
        return false;
      }
      if (!response.ok) {
        this.#options.report(new LiftError('stream-failed', `The config stream answered ${response.status}; retrying.`, { status: response.status }));
        return false;
      }
      const parser = createParser({
        onEvent: (message) => {
          if (message.event !== undefined && message.event !== 'config') return;
          try {
            this.#options.accept(JSON.parse(message.data), 'stream');
            hasReceived = true;
          } catch (error) {
            this.#options.report(new LiftError('config-invalid', 'The stream sent a config that was not valid JSON; keeping the last good one.', { cause: error }));
          }
        },
      });
      const reader = response.body.getReader();
      const decoder = new Decoder();
      this.#armIdleTimer(controller);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#armIdleTimer(controller);
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (!this.#isStopped) this.#options.report(new LiftError('stream-failed', 'The config stream broke; keeping the last good config and reconnecting.', { cause: error }));
    } finally {
      stopTimer(this.#idleTimer);
      this.#idleTimer = null;
      if (this.#abort === controller) this.#abort = null;
    }
    return hasReceived;
  }

  #armIdleTimer(controller: { abort(): void } | null): void {
    stopTimer(this.#idleTimer);
    this.#idleTimer = startTimer(() => controller?.abort(), this.#options.streamIdleTimeoutMs);
  }
}
