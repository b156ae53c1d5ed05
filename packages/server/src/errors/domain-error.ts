/** Every way a request can fail on purpose. `problem-table.ts` maps each to an HTTP status. */
export type ErrorCode =
  | 'validation-failed'
  | 'malformed-json'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'route-not-found'
  | 'invalid-transition'
  | 'edit-not-allowed'
  | 'layer-overlap'
  | 'key-taken'
  | 'version-mismatch'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'shutting-down'
  | 'database-unavailable'
  | 'overloaded'
  | 'internal';

/** One invalid input field: `path` is dotted (`variants.0.weight`), `message` says what is wrong. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Extra members of the problem document, e.g. the field errors or the current state. */
export type ProblemExtensions = Readonly<Record<string, unknown>>;

/**
 * A failure the caller can act on. Services throw these; only the HTTP layer turns them into
 * status codes, through the one table in `problem-table.ts`.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly extensions: ProblemExtensions;

  constructor(code: ErrorCode, detail: string, extensions: ProblemExtensions = {}) {
    super(detail);
    this.name = 'DomainError';
    this.code = code;
    this.extensions = extensions;
  }
}

/** A 400 naming every invalid field. */
export function validationError(errors: readonly FieldError[]): DomainError {
  const fields = errors.map((error) => error.path || '(body)').join(', ');
  return new DomainError('validation-failed', `Invalid request: ${fields}.`, { errors });
}
