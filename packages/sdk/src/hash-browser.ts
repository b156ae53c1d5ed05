/**
 * The browser build's `hash.ts` (the `browser` field of package.json swaps it in): the same
 * MurmurHash3_x86_32 (seed 0) over the same UTF-8 bytes (bucketing spec v1), encoded by the
 * browser's own `TextEncoder` into a reused buffer instead of by hand, which is much less code to
 * ship. A lone surrogate becomes U+FFFD, as there.
 *
 * The MurmurHash3 steps are repeated here, not shared: this file cannot import them from
 * `hash.ts` (the `browser` field maps that module to this one), and `hash.ts` keeps them beside
 * its loop because calls into another module measured 20-70% slower there.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;
/** Characters below this are one UTF-8 byte each. */
const ASCII_LIMIT = 0x80;

/** The UTF-8 bytes of a prefix such as `salt + ":"`, encoded once. */
export interface HashState {
  readonly prefixBytes: Uint8Array;
}

interface Utf8Encoder {
  encode(input: string): Uint8Array;
  encodeInto(input: string, destination: Uint8Array): { written: number };
}

const encoder = new (globalThis as unknown as { TextEncoder: new () => Utf8Encoder }).TextEncoder();
let buffer = new Uint8Array(256);
const EMPTY_STATE: HashState = { prefixBytes: new Uint8Array(0) };

function scramble(k: number): number {
  const k1 = Math.imul(k, C1);
  return Math.imul((k1 << 15) | (k1 >>> 17), C2);
}

/**
 * MurmurHash3_x86_32 of the UTF-8 bytes of `input`, seed 0, as an unsigned 32-bit integer.
 *
 * @example
 * hash('hello'); // 613153351
 */
export function hash(input: string): number {
  return hashFrom(EMPTY_STATE, input);
}

/**
 * The state after hashing `prefix`, for {@link hashFrom}.
 *
 * @example
 * hashFrom(hashState('checkout-button:'), 'user-1') === hash('checkout-button:user-1'); // true
 */
export function hashState(prefix: string): HashState {
  return { prefixBytes: encoder.encode(prefix) };
}

/**
 * The hash of the prefix captured in `state` followed by `suffix`, each encoded on its own.
 *
 * @example
 * hashFrom(hashState('a:'), 'b') === hash('a:b'); // true
 */
export function hashFrom(state: HashState, suffix: string): number {
  const { prefixBytes } = state;
  const capacity = prefixBytes.length + MAX_BYTES_PER_UNIT * suffix.length;
  if (buffer.length < capacity) buffer = new Uint8Array(2 * capacity);
  buffer.set(prefixBytes);
  let length = prefixBytes.length;
  // ASCII, what ids almost always are, is copied as it is: the encoder's call costs more.
  for (let i = 0; i < suffix.length; i++) {
    const c = suffix.charCodeAt(i);
    if (c >= ASCII_LIMIT) {
      length = prefixBytes.length + encoder.encodeInto(suffix, buffer.subarray(prefixBytes.length)).written;
      break;
    }
    buffer[length++] = c;
  }
  let h = 0;
  let k = 0;
  for (let i = 0; i < length; i++) {
    k |= (buffer[i] as number) << (8 * (i & 3));
    if ((i & 3) === 3) {
      h ^= scramble(k);
      h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
      k = 0;
    }
  }
  if (length & 3) h ^= scramble(k);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
