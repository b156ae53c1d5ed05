import type { z } from 'zod';
import { validationError, type FieldError } from '../errors/domain-error.js';

/** Joins a zod issue path into the dotted form problem documents use (`variants.0.weight`). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

/** One field error per invalid field; an unknown key is reported at its own path. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'Unknown field.' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/**
 * Parses `input` with `schema`, or throws a 400 naming every invalid field.
 *
 * @example
 * const body = parseInput(createKeyBody, req.body);
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(toFieldErrors(result.error));
  return result.data;
}
