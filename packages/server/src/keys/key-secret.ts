import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;
const SECRET_PREFIX = 'lift_';
/** Hex characters of the hash used to find candidate rows before the constant-time comparison. */
const LOOKUP_LENGTH = 16;

/** A new high-entropy key secret, e.g. `lift_3q2...` (256 random bits). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/** SHA-256 (hex) of a secret: enough for 256-bit random keys, which need no slow hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The indexed prefix of a secret hash. */
export function lookupOf(secretHash: string): string {
  return secretHash.slice(0, LOOKUP_LENGTH);
}

/** Compares two hex hashes in time independent of where they differ. */
export function hashesMatch(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
