import { describe, expect, it } from 'vitest';
import { hasOwn, isJsonLike, isOperatorKey, isOperatorObject, isRecord } from './condition-shape.js';

describe('isOperatorObject', () => {
  it('is true only for non-empty objects whose keys all start with $', () => {
    expect(isOperatorObject({ $gt: 1 })).toBe(true);
    expect(isOperatorObject({ $gt: 1, $lt: 5 })).toBe(true);
    expect(isOperatorObject({ $gt: 1, b: 1 })).toBe(false);
    expect(isOperatorObject({})).toBe(false);
    expect(isOperatorObject(['$gt'])).toBe(false);
    expect(isOperatorObject(null)).toBe(false);
  });
});

describe('isRecord, isOperatorKey, isJsonLike and hasOwn', () => {
  it('tell condition shapes apart', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isOperatorKey('$in')).toBe(true);
    expect(isOperatorKey('in')).toBe(false);
    for (const value of [null, 0, '', false, [], {}]) expect(isJsonLike(value)).toBe(true);
    for (const value of [undefined, () => 1, Symbol('s'), 1n]) expect(isJsonLike(value)).toBe(false);
    expect(hasOwn({ a: 1 }, 'a')).toBe(true);
    expect(hasOwn({}, 'constructor')).toBe(false);
  });
});
