/**
 * MurmurHash3_x86_32 (seed 0) over the UTF-8 bytes of a string, without allocating: the string is
 * encoded by hand as it is read (WHATWG rules: a lone surrogate becomes U+FFFD), so no TextEncoder
 * buffer is created per call. Bucketing spec v1 (docs/bucketing.md); a shipped version never changes.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const REPLACEMENT_CHARACTER = 0xfffd;

/** The MurmurHash3 state after some bytes: reused so a fixed prefix such as `salt + ":"` is hashed once. */
export interface HashState {
  readonly h: number;
  /** Bytes of the current, incomplete 4-byte block, little-endian. */
  readonly pending: number;
  /** How many bits of `pending` are filled: 0, 8, 16 or 24. */
  readonly pendingBits: number;
  /** Total bytes consumed so far. */
  readonly length: number;
}

const EMPTY_STATE: HashState = { h: 0, pending: 0, pendingBits: 0, length: 0 };

function scrambleBlock(k: number): number {
  const k1 = Math.imul(k, C1);
  return Math.imul((k1 << 15) | (k1 >>> 17), C2);
}

function mixBlock(h: number, k: number): number {
  const h1 = h ^ scrambleBlock(k);
  return (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
}

/**
 * Packs the UTF-8 bytes of one code point little-endian (first byte lowest). The byte count is
 * derived from the code point by the caller via {@link utf8Length}.
 */
function utf8Bytes(codePoint: number): number {
  if (codePoint < 0x80) return codePoint;
  if (codePoint < 0x800) return (0xc0 | (codePoint >>> 6)) | ((0x80 | (codePoint & 0x3f)) << 8);
  if (codePoint < 0x10000) {
    return (0xe0 | (codePoint >>> 12)) | ((0x80 | ((codePoint >>> 6) & 0x3f)) << 8) | ((0x80 | (codePoint & 0x3f)) << 16);
  }
  return (
    (0xf0 | (codePoint >>> 18)) |
    ((0x80 | ((codePoint >>> 12) & 0x3f)) << 8) |
    ((0x80 | ((codePoint >>> 6) & 0x3f)) << 16) |
    ((0x80 | (codePoint & 0x3f)) << 24)
  );
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4;
}

/**
 * Feeds the UTF-8 bytes of `input` into `state` and either returns the final unsigned hash
 * (`finish`) or writes nothing and returns the raw running hash. Kept as one loop over locals so
 * V8 keeps everything in registers.
 */
function consume(state: HashState, input: string, finish: true): number;
function consume(state: HashState, input: string, finish: false): HashState;
function consume(state: HashState, input: string, finish: boolean): number | HashState {
  let h = state.h;
  let pending = state.pending;
  let pendingBits = state.pendingBits;
  let length = state.length;
  const n = input.length;
  let i = 0;
  while (i < n) {
    // ASCII fast path: four characters make one block, whatever the alignment left by a prefix.
    if (i + 3 < n) {
      const c0 = input.charCodeAt(i);
      const c1 = input.charCodeAt(i + 1);
      const c2 = input.charCodeAt(i + 2);
      const c3 = input.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 0x80) {
        const word = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
        if (pendingBits === 0) {
          h = mixBlock(h, word);
        } else {
          h = mixBlock(h, pending | (word << pendingBits));
          pending = word >>> (32 - pendingBits);
        }
        length += 4;
        i += 4;
        continue;
      }
    }
    const c = input.charCodeAt(i);
    i += 1;
    let codePoint = c;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i < n ? input.charCodeAt(i) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        codePoint = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
      } else {
        codePoint = REPLACEMENT_CHARACTER;
      }
    }
    let bytes = utf8Bytes(codePoint);
    for (let remaining = utf8Length(codePoint); remaining > 0; remaining--) {
      pending |= (bytes & 0xff) << pendingBits;
      bytes >>>= 8;
      pendingBits += 8;
      length += 1;
      if (pendingBits === 32) {
        h = mixBlock(h, pending);
        pending = 0;
        pendingBits = 0;
      }
    }
  }
  if (!finish) return { h, pending, pendingBits, length };
  if (pendingBits > 0) h ^= scrambleBlock(pending);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3_x86_32 of the UTF-8 bytes of `input`, seed 0, as an unsigned 32-bit integer.
 * A lone surrogate is encoded as U+FFFD, as `TextEncoder` does.
 *
 * @example
 * hash('hello'); // 613153351
 */
export function hash(input: string): number {
  return consume(EMPTY_STATE, input, true);
}

/**
 * The state after hashing `prefix`: {@link hashFrom} then hashes `prefix + suffix` without
 * concatenating, so a fixed prefix (an experiment's `salt + ":"`) costs nothing per call.
 *
 * @example
 * const state = hashState('checkout-button:');
 * hashFrom(state, 'user-1') === hash('checkout-button:user-1'); // true
 */
export function hashState(prefix: string): HashState {
  return consume(EMPTY_STATE, prefix, false);
}

/**
 * The hash of the prefix captured in `state` followed by `suffix`.
 *
 * @example
 * hashFrom(hashState('a:'), 'b') === hash('a:b'); // true
 */
export function hashFrom(state: HashState, suffix: string): number {
  return consume(state, suffix, true);
}
