import type { ErrorCode } from './domain-error.js';

interface ProblemKind {
  readonly status: number;
  readonly title: string;
}

/** The one place where error codes become HTTP statuses; `satisfies` keeps it exhaustive. */
export const PROBLEM_TABLE = {
  'validation-failed': { status: 400, title: 'Invalid request' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'route-not-found': { status: 404, title: 'No such route' },
  'invalid-transition': { status: 409, title: 'Invalid state transition' },
  'edit-not-allowed': { status: 409, title: 'Edit not allowed in this state' },
  'layer-overlap': { status: 409, title: 'Layer ranges overlap' },
  'key-taken': { status: 409, title: 'Key already exists' },
  'version-mismatch': { status: 412, title: 'Version mismatch' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'shutting-down': { status: 503, title: 'Shutting down' },
  'database-unavailable': { status: 503, title: 'Database unavailable' },
  overloaded: { status: 503, title: 'Overloaded' },
  internal: { status: 500, title: 'Internal server error' },
} as const satisfies Record<ErrorCode, ProblemKind>;

/** The `type` URI of a problem: stable, documented per code. */
export function problemType(code: ErrorCode): string {
  return `urn:lift:problem:${code}`;
}
