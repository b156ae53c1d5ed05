import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, type ErrorCode } from './domain-error.js';
import { PROBLEM_TABLE, problemType } from './problem-table.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Writes an RFC 9457 problem document; never a stack trace. */
export function sendProblem(req: Request, res: Response, error: DomainError): void {
  const { status, title } = PROBLEM_TABLE[error.code];
  res
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: problemType(error.code),
        title,
        status,
        detail: error.message,
        instance: req.originalUrl.split('?')[0],
        code: error.code,
        requestId: String(req.id),
        ...error.extensions,
      }),
    );
}

/** Errors raised by body-parser carry a `type`; these are the client's fault, not ours. */
const BODY_PARSER_ERRORS: Readonly<Record<string, { code: ErrorCode; detail: string }>> = {
  'entity.parse.failed': { code: 'malformed-json', detail: 'The request body is not valid JSON.' },
  'request.size.invalid': { code: 'malformed-json', detail: 'The request body does not match its Content-Length.' },
  'entity.too.large': { code: 'payload-too-large', detail: 'The request body is over the size limit.' },
  'encoding.unsupported': { code: 'unsupported-media-type', detail: 'The content encoding is not supported.' },
  'charset.unsupported': { code: 'unsupported-media-type', detail: 'The charset is not supported; use utf-8.' },
};

function fromBodyParser(error: unknown): DomainError | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  const known = BODY_PARSER_ERRORS[String(error.type)];
  return known === undefined ? null : new DomainError(known.code, known.detail);
}

/** The one error handler: domain errors map through the table; anything else is a logged 500. */
export function createProblemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const domainError =
      error instanceof DomainError
        ? error
        : (fromBodyParser(error) ?? new DomainError('internal', 'The server failed to handle this request.'));
    if (domainError.code === 'internal') {
      (req.log ?? logger).error({ err: error }, 'request failed');
    }
    sendProblem(req, res, domainError);
  };
}
