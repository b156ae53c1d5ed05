import { backoffDelay, retryAfterMs } from './backoff.js';
import type { LiftEvent } from './events.js';
import type { Report } from './lift-error.js';
import { sleep, startTimer, stopTimer, type FetchLike, type ResponseLike } from './platform.js';

// Browsers cap the bodies of keepalive requests in flight at 64 KiB; this leaves room for the envelope.
const KEEPALIVE_BODY_LIMIT = 60_000;
// The server accepts at most 1 MB per batch; stay clear of it whatever maxBatchSize says.
const BATCH_BODY_LIMIT = 900_000;
const MAX_DETAIL_LENGTH = 500;

export interface EventDeliveryOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly fetch: FetchLike;
  readonly flushIntervalMs: number;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  readonly report: Report;
}

/** The queue the client hands events to. */
export interface EventDelivery {
  /** How many events wait. */
  pending(): number;
  enqueue(event: LiftEvent): void;
  /** Sends what is queued now; resolves (never rejects) when done or when a retry is scheduled. */
  flush(): Promise<void>;
  /** Flushes, retrying until the queue is empty or `timeoutMs` has passed; then stops. */
  close(timeoutMs: number): Promise<void>;
  /** Hands everything queued to keepalive requests that outlive the page (on `pagehide`). */
  sendBeforeUnload(): void;
}

type Post = (body: string, options?: { readonly keepalive?: boolean }) => Promise<ResponseLike>;

/** The events at the head of `queue` that make the next request: at most `maxBatchSize`, halved until the body fits. */
export function nextBatch(queue: readonly LiftEvent[], maxBatchSize: number): LiftEvent[] {
  let batch = queue.slice(0, maxBatchSize);
  while (batch.length > 1 && JSON.stringify(batch).length > BATCH_BODY_LIMIT)
    batch = batch.slice(0, Math.ceil(batch.length / 2));
  return batch;
}

/** The bodies of the keepalive requests that carry `events`, each within what browsers allow in flight. */
export function keepaliveBodies(events: readonly LiftEvent[]): string[] {
  const bodies: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  const endChunk = (): void => {
    if (chunk.length > 0) bodies.push(`{"events":[${chunk.join()}]}`);
    chunk = [];
    size = 0;
  };
  for (const event of events) {
    const json = JSON.stringify(event);
    if (size + json.length > KEEPALIVE_BODY_LIMIT) endChunk();
    chunk.push(json);
    size += json.length + 1;
  }
  endChunk();
  return bodies;
}

/** Reports events dropped from a full queue once per burst (all that one task drops), not once per event. */
function createOverflowReport(reportDropped: (count: number, why: string) => void): (count: number) => void {
  let dropped = 0;
  return (count) => {
    if (dropped === 0) {
      void Promise.resolve().then(() => {
        reportDropped(dropped, 'the queue is full');
        dropped = 0;
      });
    }
    dropped += count;
  };
}

/**
 * The one timer of the next flush. A flush already due no later than asked for stays put:
 * re-arming it on every event would postpone it forever under a steady stream of events.
 */
function createFlushTimer(onFire: () => void): { arm(at: number): void; stop(): void } {
  let timer: unknown = null;
  let timerAt = 0;
  const stop = (): void => {
    stopTimer(timer);
    timer = null;
  };
  return {
    arm: (at) => {
      if (timer !== null && timerAt <= at) return;
      stop();
      timerAt = at;
      timer = startTimer(() => {
        timer = null;
        onFire();
      }, at - Date.now());
    },
    stop,
  };
}

/**
 * A bounded queue of events sent in batches: retried with exponential backoff and jitter on
 * network errors, 408, 429 and 5xx (honouring Retry-After); dropped and reported on other 4xx.
 * Overflow drops the oldest events and reports how many. Event ids make redelivery harmless.
 */
export function createEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { url, headers, fetch, flushIntervalMs, maxBatchSize, maxQueueSize, report } = options;
  let queue: LiftEvent[] = [];
  let inFlight: Promise<void> | null = null;
  let attempt = 0;
  let retryAt = 0;
  let isClosed = false;

  const post: Post = (body, { keepalive } = {}) => fetch(url, { method: 'POST', headers, body, keepalive });

  const reportDropped = (count: number, why: string): void =>
    report('events-dropped', `Dropped ${count} events: ${why}.`, { count });

  const reportOverflow = createOverflowReport(reportDropped);

  /** Drops the oldest events past maxQueueSize. */
  const trimOverflow = (): void => {
    let overflow = queue.length - maxQueueSize;
    if (overflow <= 0) return;
    reportOverflow(overflow);
    // shift() is amortized O(1) on V8's arrays, unlike splice(0, n).
    while (overflow-- > 0) queue.shift();
  };

  const flushTimer = createFlushTimer(() => {
    void flush().then(() => queue.length > 0 && schedule(flushIntervalMs));
  });

  /** Flushes in `delayMs`, or when a retry is due if that is later. */
  const schedule = (delayMs: number): void => {
    const at = Math.max(Date.now() + delayMs, retryAt);
    if (!isClosed) flushTimer.arm(at);
  };

  /** Sends one batch; false when it must be retried, which is then scheduled. */
  const send = async (batch: LiftEvent[]): Promise<boolean> => {
    let status: number | null = null;
    let retryAfter: number | null = null;
    let cause: unknown;
    try {
      const response = await post(JSON.stringify({ events: batch }));
      status = response.status;
      if (response.ok) {
        attempt = 0;
        retryAt = 0;
        return true;
      }
      const detail = await response.text().catch(() => '');
      // Timeouts, rate limits and server errors are retried; any other 4xx would fail the same way again.
      if (status !== 408 && status !== 429 && status < 500) {
        const count = batch.length;
        report(
          'events-rejected',
          `The server rejected ${count} events (${status}): ${detail.slice(0, MAX_DETAIL_LENGTH)}`,
          { status, count },
        );
        return true;
      }
      retryAfter = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      cause = error;
    }
    const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt++));
    retryAt = Date.now() + delay;
    report('delivery-failed', `Sending events failed (${status ?? 'network'}); will retry.`, { status, cause });
    schedule(delay);
    return false;
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0 && Date.now() >= retryAt) {
      const batch = nextBatch(queue, maxBatchSize);
      queue.splice(0, batch.length);
      if (!(await send(batch))) {
        queue.unshift(...batch);
        trimOverflow();
        return;
      }
    }
  };

  const flush = (): Promise<void> => {
    if (inFlight === null && queue.length > 0) inFlight = drain().finally(() => (inFlight = null));
    return inFlight ?? Promise.resolve();
  };

  return {
    pending: () => queue.length,
    enqueue: (event) => {
      if (isClosed) return reportDropped(1, 'the client is closed');
      queue.push(event);
      trimOverflow();
      schedule(queue.length >= maxBatchSize ? 0 : flushIntervalMs);
    },
    flush,
    close: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      flushTimer.stop();
      while (queue.length > 0 || inFlight !== null) {
        const wait = Math.max(0, retryAt - Date.now());
        if (Date.now() + wait >= deadline) break;
        await sleep(wait);
        await flush();
      }
      isClosed = true;
      flushTimer.stop();
      if (queue.length > 0) reportDropped(queue.length, 'closed before they were delivered');
      queue = [];
    },
    sendBeforeUnload: () => {
      for (const body of keepaliveBodies(queue)) post(body, { keepalive: true }).catch(() => {});
      queue = [];
    },
  };
}
