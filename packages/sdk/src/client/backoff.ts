const DEFAULT_BASE_MS = 500;
const DEFAULT_MAX_MS = 30_000;
/** Past this many doublings the ceiling is `maxMs` anyway; the cap keeps `2 ** attempt` finite. */
const MAX_DOUBLINGS = 30;

/** The range of a backoff: the first ceiling and the largest. */
export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)], so
 * clients that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  { baseMs = DEFAULT_BASE_MS, maxMs = DEFAULT_MAX_MS }: BackoffOptions = {},
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, MAX_DOUBLINGS));
  return Math.floor(Math.random() * ceiling);
}

/** The delay a `Retry-After` header asks for (seconds or an HTTP date), in ms, or null. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
