import { host } from './platform.js';

/** Random hex digits after the 12 of the timestamp and the version: 3, the variant, then 15. */
const RANDOM_DIGITS = 19;
/** Where the variant digit goes among the random ones. */
const VARIANT_DIGIT = 3;

/**
 * A time-ordered RFC 9562 version-7 UUID: the Unix time in milliseconds (48 bits), then random
 * bits (from `crypto.getRandomValues` where the host has it). Events written together get nearby
 * ids, so the server's index on them grows at one end instead of everywhere.
 *
 * @example
 * createEventId(); // '019ac6f2-3b1e-7a4c-9d2f-5e8b1c0a7f36'
 */
export function createEventId(): string {
  const bytes = new Uint8Array(RANDOM_DIGITS);
  if (host.crypto?.getRandomValues) host.crypto.getRandomValues(bytes);
  else bytes.forEach((_, i) => (bytes[i] = Math.random() * 256));
  let hex = `${Date.now().toString(16).padStart(12, '0')}7`;
  // The variant is binary 10xx: 8, 9, a or b.
  bytes.forEach((byte, i) => (hex += (i === VARIANT_DIGIT ? 8 | (byte & 3) : byte & 15).toString(16)));
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
