import type { IncomingHttpHeaders } from 'node:http';
import express, { type RequestHandler } from 'express';
import { DomainError } from '../errors/domain-error.js';

const JSON_TYPES = ['application/json', 'application/*+json'];
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether the request carries body bytes (`Content-Length: 0`, as curl and fetch send on a bare POST, does not). */
function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** A body that is present but not JSON is a 415; body-parser would silently ignore it. */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  if (METHODS_WITH_BODY.has(req.method) && hasBody(req.headers) && !req.is(JSON_TYPES)) {
    throw new DomainError(
      'unsupported-media-type',
      `Send JSON ("Content-Type: application/json"), not "${req.get('content-type') ?? 'no content type'}".`,
    );
  }
  next();
};

/** The only way JSON text can carry U+0000: the escape (raw control characters are invalid JSON). */
const ESCAPED_NUL = Buffer.from('\\u0000');
const bodiesWithNul = new WeakSet<object>();

/** Whether the request's JSON text escapes a NUL character somewhere (so `req.body` may hold one). */
export function mayHoldNul(req: object): boolean {
  return bodiesWithNul.has(req);
}

/** Parses JSON objects and arrays up to `limit`; its errors become 400/413/415 problems. */
export function parseJsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    type: JSON_TYPES,
    strict: true,
    // Bodies in an encoding other than UTF-8 (UTF-16, UTF-32) are searched after parsing, always.
    verify: (req, _res, buffer, encoding) => {
      if (encoding.toLowerCase() !== 'utf-8' || buffer.includes(ESCAPED_NUL)) bodiesWithNul.add(req);
    },
  });
}
