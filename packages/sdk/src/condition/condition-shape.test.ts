import { describe, expect, it } from 'vitest';
import { isJsonLike, isOperatorKey, isOperatorObject } from './condition-shape.js';

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

describe('isOperatorKey and isJsonLike', () => {
  it('tell condition shapes apart', () => {
    expect(isOperatorKey('$in')).toBe(true);
    expect(isOperatorKey('in')).toBe(false);
    for (const value of [null, 0, '', false, [], {}]) expect(isJsonLike(value)).toBe(true);
    for (const value of [undefined, () => 1, Symbol('s'), 1n]) expect(isJsonLike(value)).toBe(false);
  });
});
