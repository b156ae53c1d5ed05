import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDnsLabel, toObjectName } from '../src/naming.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('naming', () => {
  it('keeps valid DNS labels and repairs the rest with a hash, so distinct inputs stay distinct', () => {
    expect(toDnsLabel('reviews-v2-v1')).toBe('reviews-v2-v1');
    expect(toDnsLabel('checkout.flow-control')).toMatch(/^checkout-flow-control-[0-9a-f]{8}$/);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 120 }), fc.string({ minLength: 1, maxLength: 120 }), (a, b) => {
        const left = toDnsLabel(a);
        expect(left).toMatch(DNS_LABEL);
        expect(left.length).toBeLessThanOrEqual(63);
        if (a !== b) expect(left).not.toBe(toDnsLabel(b));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('names objects after their host', () => {
    expect(toObjectName('lift', 'reviews.prod.svc.cluster.local')).toBe('lift-reviews.prod.svc.cluster.local');
    expect(toObjectName('lift', '*.example.com')).toMatch(/^lift-wildcard\.example\.com-[0-9a-f]{8}$/);
  });
});
