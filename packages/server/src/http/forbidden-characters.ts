import type { RequestHandler } from 'express';
import { isRecord } from '../common/is-record.js';
import { validationError, type FieldError } from '../errors/domain-error.js';
import { formatPath } from '../validation/parse-input.js';
import { mayHoldNul } from './request-body.js';

const NUL = '\u0000';
const MAX_REPORTED = 20;

function findNulCharacters(value: unknown, path: PropertyKey[], found: FieldError[]): void {
  if (found.length >= MAX_REPORTED) return;
  if (typeof value === 'string') {
    if (value.includes(NUL))
      found.push({ path: formatPath(path), message: 'NUL characters (\\u0000) are not allowed.' });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findNulCharacters(item, [...path, index], found));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(NUL))
        found.push({ path: formatPath([...path, key]), message: 'NUL characters (\\u0000) are not allowed in keys.' });
      findNulCharacters(item, [...path, key], found);
    }
  }
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, so refuse it up front as a 400 naming the field.
 * Only a body whose text escapes one is searched.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  if (!mayHoldNul(req)) {
    next();
    return;
  }
  const found: FieldError[] = [];
  findNulCharacters(req.body, [], found);
  if (found.length > 0) throw validationError(found);
  next();
};
