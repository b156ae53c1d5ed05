import { hasOwn } from './value-guards.js';
import type { AttributeValue } from './types.js';

/**
 * Splits a dotted attribute path once, so that hot paths only walk the segments.
 *
 * @example
 * splitPath('father.age'); // ['father', 'age']
 */
export function splitPath(path: string): readonly string[] {
  return path.split('.');
}

/**
 * Reads the value at pre-split `segments` from `value`, or undefined when any step is missing.
 *
 * @example
 * readPath({ father: { age: 70 } }, ['father', 'age']); // 70
 */
export function readPath(value: unknown, segments: readonly string[]): AttributeValue {
  let current: unknown = value;
  for (let i = 0; i < segments.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const segment = segments[i] as string;
    // Own properties only: an attribute named "constructor" must not read the prototype.
    if (!hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current as AttributeValue;
}
