/**
 * MurmurHash3_x86_32 (seed 0) over the UTF-8 bytes of a string, without allocating: the string is
 * encoded by hand as it is read (WHATWG rules: a lone surrogate becomes U+FFFD), so no TextEncoder
 * buffer is created per call. Bucketing spec v1 (docs/bucketing.md); a shipped version never changes.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
/** Characters below this are one UTF-8 byte each. */
const ASCII_LIMIT = 0x80;
const REPLACEMENT_CHARACTER = 0xfffd;
/** The UTF-8 lead byte markers for 0 to 3 continuation bytes, one per byte: 0, 0xc0, 0xe0, 0xf0. */
const LEAD_MARKERS = 0xf0e0c000;

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
 * Feeds the UTF-8 bytes of `input` into `state` and either returns the final unsigned hash
 * (`finish`) or the state reached. Kept as one loop over locals so V8 keeps everything in registers.
 */
function consume(state: HashState, input: string, finish: true): number;
function consume(state: HashState, input: string, finish: false): HashState;
function consume(state: HashState, input: string, finish: boolean): number | HashState {
  let { h, pending, pendingBits, length } = state;
  const n = input.length;
  let i = 0;
  while (i < n) {
    // Four ASCII characters make one block, whatever the alignment left by a prefix.
    if (i + 3 < n) {
      const c0 = input.charCodeAt(i);
      const c1 = input.charCodeAt(i + 1);
      const c2 = input.charCodeAt(i + 2);
      const c3 = input.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < ASCII_LIMIT) {
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
    // One code point, as 1 to 4 bytes: the lead byte, then `extra` continuation bytes.
    let c = input.charCodeAt(i++);
    let extra = 0;
    if (c >= ASCII_LIMIT) {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = input.charCodeAt(i);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i += 1;
        } else {
          c = REPLACEMENT_CHARACTER;
        }
      }
      extra = c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    }
    for (let k = extra; k >= 0; k--) {
      // The lead byte's marker (none, 110, 1110, 11110) is the `extra`-th byte of LEAD_MARKERS.
      const byte =
        k === extra ? ((LEAD_MARKERS >>> (8 * extra)) & 0xff) | (c >>> (6 * extra)) : 0x80 | ((c >>> (6 * k)) & 0x3f);
      pending |= byte << pendingBits;
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
