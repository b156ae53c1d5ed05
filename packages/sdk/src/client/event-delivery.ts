import { backoffDelay, retryAfterMs } from './backoff.js';
import type { LiftEvent } from './events.js';
import { LiftError } from './lift-error.js';
import { startTimer, stopTimer, type FetchLike } from './platform.js';

// Browsers cap the bodies of keepalive requests in flight at 64 KiB.
const KEEPALIVE_BODY_LIMIT = 60_000;
// The server accepts at most 1 MB per batch; stay clear of it whatever maxBatchSize says.
const BATCH_BODY_LIMIT = 900_000;

export interface EventDeliveryOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly fetch: FetchLike;
  readonly flushIntervalMs: number;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  readonly report: (error: LiftError) => void;
  readonly random?: () => number;
}

function isRetryable(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * A bounded queue of events sent in batches: retried with exponential backoff and jitter on
 * network errors, 408, 429 and 5xx (honouring Retry-After); dropped and reported on other 4xx.
 * Overflow drops the oldest events and reports how many. Event ids make redelivery harmless.
 */
export class EventDelivery {
  readonly #options: EventDeliveryOptions;
  #queue: LiftEvent[] = [];
  #inFlight: Promise<void> | null = null;
  #attempt = 0;
  #retryAt = 0;
  #timer: unknown = null;
  #timerAt = 0;
  #dropped = 0;
  #isClosed = false;

  constructor(options: EventDeliveryOptions) {
    this.#options = options;
  }

  get pending(): number {
    return this.#queue.length;
  }

  enqueue(event: LiftEvent): void {
    if (this.#isClosed) {
      this.#options.report(new LiftError('events-dropped', 'The client is closed; the event was dropped.', { count: 1 }));
      return;
    }
    this.#queue.push(event);
    this.#trimOverflow();
    if (this.#queue.length >= this.#options.maxBatchSize) this.#schedule(0);
    else this.#schedule(this.#options.flushIntervalMs);
  }

  /** Sends what is queued now; resolves (never rejects) when done or when a retry is scheduled. */
  flush(): Promise<void> {
    if (this.#inFlight !== null) return this.#inFlight;
    if (this.#queue.length === 0) return Promise.resolve();
    this.#inFlight = this.#drain().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  /** Flushes, retrying until the queue is empty or `timeoutMs` has passed; then stops. */
  async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    stopTimer(this.#timer);
    this.#timer = null;
    while (this.#queue.length > 0 || this.#inFlight !== null) {
      const wait = Math.max(0, this.#retryAt - Date.now());
      if (Date.now() + wait >= deadline) break;
      if (wait > 0) await new Promise<void>((resolve) => startTimer(resolve, wait));
      await this.flush();
    }
    this.#isClosed = true;
    stopTimer(this.#timer);
    this.#timer = null;
    if (this.#queue.length > 0) {
      const count = this.#queue.length;
      this.#queue = [];
      this.#options.report(new LiftError('events-dropped', `Closed with ${count} events undelivered.`, { count }));
    }
  }

  /** Hands everything queued to keepalive requests that outlive the page (on `pagehide`). */
  sendBeforeUnload(): void {
    const events = this.#queue;
    this.#queue = [];
    let chunk: string[] = [];
    let size = 0;
    const send = (): void => {
      if (chunk.length === 0) return;
      const body = `{"events":[${chunk.join(',')}]}`;
      this.#options.fetch(this.#options.url, { method: 'POST', headers: this.#options.headers, body, keepalive: true }).catch(() => {});
      chunk = [];
      size = 0;
    };
    for (const event of events) {
      const json = JSON.stringify(event);
      if (size + json.length + 16 > KEEPALIVE_BODY_LIMIT) send();
      chunk.push(json);
      size += json.length + 1;
    }
    send();
  }

  /** Drops the oldest events past maxQueueSize; one report per burst of drops, not one per event. */
  #trimOverflow(): void {
    let overflow = this.#queue.length - this.#options.maxQueueSize;
    if (overflow <= 0) return;
    if (this.#dropped === 0) {
      void Promise.resolve().then(() => {
        const count = this.#dropped;
        this.#dropped = 0;
        this.#options.report(new LiftError('events-dropped', `The event queue is full; dropped the ${count} oldest events.`, { count }));
      });
    }
    this.#dropped += overflow;
    // shift() is amortized O(1) on V8's arrays, unlike splice(0, n).
    while (overflow-- > 0) this.#queue.shift();
  }

  #schedule(delayMs: number): void {
    if (this.#isClosed) return;
    const at = Math.max(Date.now() + delayMs, this.#retryAt);
    if (this.#timer !== null) {
      // A flush already due no later than asked for stays put: re-arming it on every event
      // would postpone it forever under a steady stream of events.
      if (this.#timerAt <= at) return;
      stopTimer(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = startTimer(() => {
      this.#timer = null;
      void this.flush().then(() => {
        if (this.#queue.length > 0) this.#schedule(this.#options.flushIntervalMs);
      });
    }, Math.max(0, at - Date.now()));
  }

  #takeBatch(): LiftEvent[] {
    let count = Math.min(this.#options.maxBatchSize, this.#queue.length);
    let batch = this.#queue.slice(0, count);
    while (count > 1 && JSON.stringify(batch).length > BATCH_BODY_LIMIT) {
      count = Math.ceil(count / 2);
      batch = batch.slice(0, count);
    }
    this.#queue.splice(0, count);
    return batch;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && Date.now() >= this.#retryAt) {
      const batch = this.#takeBatch();
      const outcome = await this.#send(batch);
      if (outcome === 'retry') {
        this.#queue.unshift(...batch);
        this.#trimOverflow();
        return;
      }
    }
  }

  async #send(batch: LiftEvent[]): Promise<'done' | 'retry'> {
    let response;
    try {
      response = await this.#options.fetch(this.#options.url, {
        method: 'POST',
        headers: this.#options.headers,
        body: JSON.stringify({ events: batch }),
      });
    } catch (error) {
      this.#backOff(null, new LiftError('delivery-failed', 'Could not reach the Lift server; will retry.', { cause: error }));
      return 'retry';
    }
    if (response.ok) {
      this.#attempt = 0;
      this.#retryAt = 0;
      return 'done';
    }
    const detail = await response.text().catch(() => '');
    if (isRetryable(response.status)) {
      this.#backOff(retryAfterMs(response.headers.get('retry-after')), new LiftError('delivery-failed', `The Lift server answered ${response.status}; will retry.`, { status: response.status }));
      return 'retry';
    }
    this.#options.report(
      new LiftError('events-rejected', `The Lift server rejected a batch of ${batch.length} events (${response.status}): ${detail.slice(0, 500)}`, {
        status: response.status,
        count: batch.length,
      }),
    );
    return 'done';
  }

  #backOff(retryAfter: number | null, error: LiftError): void {
    const delay = Math.max(retryAfter ?? 0, backoffDelay(this.#attempt, this.#options.random));
    this.#attempt += 1;
    this.#retryAt = Date.now() + delay;
    this.#options.report(error);
    this.#schedule(delay);
  }
}
