/**
 * PostgreSQL SQLSTATE classes and codes that mean "the database cannot serve this right now; the
 * same request may succeed later": connection exceptions, a terminated backend, too many
 * connections, and the serialization failures and deadlocks that a retry resolves.
 */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '57', '53'];
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection (?:is )?closed/i,
  /client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /terminating connection/i,
];

/** SQLSTATEs a caller branches on. */
export const UNIQUE_VIOLATION = '23505';
export const CHECK_VIOLATION = '23514';
export const DUPLICATE_TABLE = '42P07';

function fieldOf(error: object, name: string): unknown {
  return (error as Record<string, unknown>)[name];
}

/** The SQLSTATE a database error carries, if any. */
export function sqlStateOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? fieldOf(error, 'code') : undefined;
}

/**
 * Whether `error` means the database is unreachable or dropped the connection, so the request
 * failed without effect and the client should retry (503 + Retry-After), rather than a bug (500).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    typeof current === 'object' && current !== null && depth < 5;
    depth += 1
  ) {
    const code = fieldOf(current, 'code');
    if (typeof code === 'string') {
      if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
    }
    const message = fieldOf(current, 'message');
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = fieldOf(current, 'cause');
  }
  return false;
}
