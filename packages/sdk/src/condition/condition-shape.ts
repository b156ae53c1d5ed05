/**
 * The shape of a targeting condition, shared by the compiler (which makes a malformed condition
 * match nobody) and by the static checks (which say what is malformed and where). Kept small: the
 * compiler, and so every browser bundle, imports it.
 */
import { isRecord } from '../value-guards.js';

/**
 * How deeply conditions may nest; deeper is malformed: no real targeting rule needs it, and it
 * bounds recursion (a cyclic condition object is refused, not followed forever).
 *
 * @example
 * findConditionIssues(deeplyNested); // [{ path: '$not.$not...', message: 'is nested deeper than 64 levels' }]
 */
export const MAX_CONDITION_DEPTH = 64;

/**
 * The names `$type` accepts: what `typeof` says, except `array` and `null`. A missing attribute
 * has type `null`.
 *
 * @example
 * TYPE_NAMES.includes('array'); // true
 */
export const TYPE_NAMES: readonly string[] = ['string', 'number', 'boolean', 'object', 'array', 'null'];

/**
 * Whether `key` names an operator (`$in`, `$and`...) rather than an attribute or a literal's field.
 *
 * @example
 * isOperatorKey('$in'); // true
 * isOperatorKey('city'); // false
 */
export function isOperatorKey(key: string): boolean {
  return key.startsWith('$');
}

/**
 * Whether `value` is an operator object: a non-empty object whose keys all start with `$`, such as
 * `{ $gt: 1, $lt: 5 }`. Any other object or array under an attribute is a literal compared by deep
 * equality.
 *
 * @example
 * isOperatorObject({ $in: ['NC', 'SC'] }); // true
 * isOperatorObject({ city: 'Raleigh' }); // false
 * isOperatorObject({}); // false
 */
export function isOperatorObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every(isOperatorKey);
}

/**
 * Whether `value` could have come from JSON, as every value in a condition must: not undefined, a
 * function, a symbol or a bigint. Only the value itself is looked at, not what it holds.
 *
 * @example
 * isJsonLike(null); // true
 * isJsonLike(undefined); // false
 */
export function isJsonLike(value: unknown): boolean {
  const type = typeof value;
  return type !== 'undefined' && type !== 'function' && type !== 'symbol' && type !== 'bigint';
}
