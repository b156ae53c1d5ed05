/**
 * Event ids as time-ordered RFC 9562 version-7 UUIDs, so that the primary key of the server's
 * events (`(received_on, id)`) grows at its right edge instead of at random pages; retries stay
 * idempotent as with any UUID.
 *
 * What it buys, on PostgreSQL 15 (the measurement is in the commit that added this header): in a
 * table with just that primary key and 500,000 events of one day, right after a checkpoint,
 * 100,000 more events wrote 16.6 MB of WAL with these ids against 35.8 MB with random version-4
 * UUIDs, and took 5.1-6.2 µs each to insert instead of 8.0-8.8 µs (about 30% less).
 */
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
