import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { stdSerializers, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** The level pino-http writes its "request completed" lines at. */
const REQUEST_LINE_LEVEL = 'info';

/** The caller's X-Request-Id when it is a plain token, else a new UUID; echoed in the response. */
function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** A request as logged (pino's shape), with a key sent as `?apiKey=` (SSE) redacted. */
function serializeRequest(req: { url?: string } & Record<string, unknown>): Record<string, unknown> {
  return { ...req, url: req.url?.replace(/([?&]apiKey=)[^&]*/g, '$1[redacted]') };
}

/**
 * Request ids (`req.id`, `X-Request-Id`), request logs, and `req.log` bound to the request.
 *
 * pino-http binds every request to a child logger up front, which serializes the request: a
 * tenth of a millisecond per request whether or not anything is logged. When the level drops its
 * "request completed" lines anyway (above info), requests get only their id, and `req.log` is
 * built the first time something logs through it (an error), with the same bindings.
 */
export function createRequestLogging(logger: Logger): RequestHandler {
  if (logger.isLevelEnabled(REQUEST_LINE_LEVEL)) {
    return pinoHttp({
      logger,
      genReqId: assignRequestId,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: { req: serializeRequest },
    });
  }
  return (req, res, next) => {
    req.id = assignRequestId(req, res);
    Object.defineProperty(req, 'log', {
      configurable: true,
      get(this: IncomingMessage) {
        const log = logger.child({
          req: serializeRequest(stdSerializers.req(this) as unknown as Record<string, unknown>),
        });
        Object.defineProperty(this, 'log', { configurable: true, writable: true, value: log });
        return log;
      },
    });
    next();
  };
}
