import type { RequestHandler } from 'express';
import { DomainError } from '../errors/domain-error.js';
import { RETRY_AFTER_SECONDS } from '../http/retry-after.js';

/** Ingest requests a replica works on at once by default (bodies up to 1 MB each). */
export const DEFAULT_MAX_IN_FLIGHT_INGEST = 16;

/**
 * Bounds the ingest requests in flight on this replica, before their bodies are read: past the
 * bound a request gets 503 with Retry-After at once, so a burst costs neither unbounded memory
 * nor a queue of database work; the SDK backs off and resends.
 */
export class IngestGate {
  readonly #limit: number;
  #inFlight = 0;

  constructor(limit: number = DEFAULT_MAX_IN_FLIGHT_INGEST) {
    this.#limit = limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  readonly middleware: RequestHandler = (req, res, next) => {
    if (req.method !== 'POST') {
      next();
      return;
    }
    if (this.#inFlight >= this.#limit) {
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      // The body is left unread; closing the connection after the answer discards it.
      res.set('Connection', 'close');
      throw new DomainError(
        'overloaded',
        `This replica is already ingesting ${this.#limit} batches; retry after the delay in Retry-After.`,
      );
    }
    this.#inFlight += 1;
    let isReleased = false;
    res.once('close', () => {
      if (isReleased) return;
      isReleased = true;
      this.#inFlight -= 1;
    });
    next();
  };
}
