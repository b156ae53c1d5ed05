import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExposureCache } from './exposure-cache.js';

describe('createExposureCache', () => {
  it('logs a unit once per variant, and again when its variant changes', () => {
    const cache = createExposureCache(10);
    expect(cache.add('e', 'u', 'a')).toBe(true);
    expect(cache.add('e', 'u', 'a')).toBe(false);
    expect(cache.add('e', 'u', 'b')).toBe(true);
    expect(cache.add('other', 'u', 'b')).toBe(true);
  });

  it('stays within twice its capacity per experiment over any number of units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.string(), { maxLength: 500 }), (capacity, units) => {
        const cache = createExposureCache(capacity);
        for (const unit of units) cache.add('e', unit, 'a');
        expect(cache.size()).toBeLessThanOrEqual(2 * capacity);
      }),
    );
  });

  it('remembers at least the last `capacity` distinct units', () => {
    const cache = createExposureCache(100);
    for (let i = 0; i < 10_000; i++) cache.add('e', `u-${i}`, 'a');
    for (let i = 9_900; i < 10_000; i++) expect(cache.add('e', `u-${i}`, 'a')).toBe(false);
  });
});
