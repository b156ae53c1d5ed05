import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { bucket, hash as indexHash } from '../src/index.js';
import * as browserHash from '../src/hash-browser.js';
import * as nodeHash from '../src/hash.js';

// The npm murmurhash package (v3 over TextEncoder bytes) is the independent oracle.
const oracle = (input: string): number => murmurhash.v3(input, 0);

// The browser build swaps in hash-browser.ts (package.json `browser` field): both must agree with the oracle.
/** The functions both files export, over each file's own opaque prefix state. */
interface HashFunctions {
  hash(input: string): number;
  hashState(prefix: string): unknown;
  hashFrom(state: never, suffix: string): number;
}

describe.each<[string, HashFunctions]>([
  ['hash.ts', nodeHash],
  ['hash-browser.ts', browserHash],
])('hash (%s)', (_file, { hash, hashFrom, hashState }) => {
  it('agrees with the murmurhash oracle on arbitrary Unicode, including lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (input) => {
        expect(hash(input)).toBe(oracle(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the oracle on arbitrary UTF-16 code units', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
        (input) => {
          expect(hash(input)).toBe(oracle(input));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('gives an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (input) => {
        const value = hash(input);
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(2 ** 32);
      }),
    );
  });

  it('hashes a prefix state and a suffix as the concatenation', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (prefix, suffix) => {
          expect(hashFrom(hashState(prefix) as never, suffix)).toBe(hash(prefix + suffix));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('treats a surrogate pair split across prefix and suffix as two lone surrogates, as TextEncoder does per string', () => {
    // Prefixes in Lift always end with ':', so this never arises in bucketing; the behaviour is still defined.
    expect(hashFrom(hashState('\ud83d') as never, '\ude00')).toBe(hash('\ufffd\ufffd'));
  });
});

describe('bucket', () => {
  it('is hash mod 10000: an integer in [0, 10000), deterministic', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const b = bucket(input);
        expect(Number.isInteger(b)).toBe(true);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(10_000);
        expect(bucket(input)).toBe(b);
        expect(b).toBe(indexHash(input) % 10_000);
      }),
    );
  });
});
