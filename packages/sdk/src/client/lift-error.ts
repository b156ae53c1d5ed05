/** What went wrong, for callers that branch on it in `onError`. */
export type LiftErrorCode =
  | 'config-fetch-failed'
  | 'config-invalid'
  | 'stream-failed'
  | 'events-rejected'
  | 'events-dropped'
  | 'delivery-failed'
  | 'invalid-event'
  | 'unknown-experiment'
  | 'sticky-store-failed'
  | 'callback-failed'
  | 'internal';

/** What a {@link LiftError} carries besides its code and message. */
export interface LiftErrorDetails {
  readonly count?: number;
  readonly status?: number | null;
  readonly cause?: unknown;
}

/** How the client's parts report a problem: the client turns it into a LiftError for `onError`. */
export type Report = (code: LiftErrorCode, message: string, details?: LiftErrorDetails) => void;

/**
 * The error the client reports through `onError`; it is never thrown into the host app.
 *
 * @example
 * createClient({ onError: (error) => { if (error.code === 'events-dropped') metrics.increment('lift.dropped', error.count); } });
 */
export class LiftError extends Error {
  override readonly name = 'LiftError';
  readonly code: LiftErrorCode;
  /** For `events-dropped` and `events-rejected`: how many events were lost. */
  readonly count: number;
  /** The HTTP status behind the error, when there was one. */
  readonly status: number | null;

  constructor(code: LiftErrorCode, message: string, details: LiftErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.count = details.count ?? 0;
    this.status = details.status ?? null;
  }
}
