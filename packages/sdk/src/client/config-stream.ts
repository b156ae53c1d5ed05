import type { Report } from './lift-error.js';
import type { FetchLike } from './platform.js';

/** How a config stream ended: it delivered a config, it failed, or this host or server cannot stream (poll instead). */
export type StreamOutcome = 'received' | 'failed' | 'unsupported';

/** What a stream transport is given by the config loader. */
export interface ConfigStreamRequest {
  readonly serverUrl: string;
  readonly sdkKey: string | undefined;
  readonly headers: Record<string, string>;
  readonly fetch: FetchLike;
  /** Takes the data of a `config` event (JSON text); true when it was a usable JSON document. */
  readonly onConfig: (data: string) => boolean;
  readonly report: Report;
}

/** An open config stream: `done` settles, never rejects, when the stream ends or is closed. */
export interface ConfigStream {
  readonly done: Promise<StreamOutcome>;
  close(): void;
}

/**
 * Opens `GET /v1/sdk/stream`. Node and other hosts read it with fetch (`fetch-config-stream.ts`);
 * the browser build uses the browser's own EventSource (`event-source-config-stream.ts`).
 */
export type ConfigStreamOpener = (request: ConfigStreamRequest) => ConfigStream;
