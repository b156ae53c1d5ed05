import { describe, expect, it } from 'vitest';
import { hasOwn, isNullish, isRecord } from './value-guards.js';

describe('hasOwn, isRecord and isNullish', () => {
  it('tell values apart without reading what an object inherits', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(hasOwn({ a: 1 }, 'a')).toBe(true);
    expect(hasOwn({}, 'constructor')).toBe(false);
    for (const value of [null, undefined]) expect(isNullish(value)).toBe(true);
    for (const value of [0, '', false, [], {}]) expect(isNullish(value)).toBe(false);
  });
});
