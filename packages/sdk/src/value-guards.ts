/**
 * Checks on values whose shape is not known yet (a config from the network, a condition, a host's
 * context), shared by the condition compiler, the experiment checks and the client.
 */

/**
 * Whether `target` has `key` as an own property, so that `constructor` or `toString` never read
 * what an object inherits.
 *
 * @example
 * hasOwn({ a: 1 }, 'a'); // true
 * hasOwn({}, 'constructor'); // false
 */
export const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);

/**
 * Whether `value` is a non-null, non-array object.
 *
 * @example
 * isRecord({ platform: 'iOS' }); // true
 * isRecord(['iOS']); // false
 */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `value` is null or undefined: a missing attribute, or an optional field left out.
 *
 * @example
 * isNullish(undefined); // true
 * isNullish(0); // false
 */
export function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}
