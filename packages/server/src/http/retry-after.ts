import type { ErrorRequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/database-errors.js';
import { DomainError } from '../errors/domain-error.js';

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

const RETRYABLE_CODES = new Set(['database-unavailable', 'overloaded', 'shutting-down']);

/**
 * Error middleware for routes whose clients retry (the SDK's event delivery): a lost or refused
 * database connection becomes a 503 problem with Retry-After, never a 500, so the client resends
 * the same batch and idempotency on event ids makes the resend harmless.
 */
export const translateUnavailable: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (error instanceof DomainError) {
    if (RETRYABLE_CODES.has(error.code)) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    next(error);
    return;
  }
  if (isDatabaseUnavailable(error)) {
    res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    next(
      new DomainError(
        'database-unavailable',
        'The database is unavailable; nothing was stored. Retry after the delay in Retry-After.',
      ),
    );
    return;
  }
  next(error);
};
