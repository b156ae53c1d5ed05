import { describe, expect, it } from 'vitest';
import { generateSecret, hashesMatch, hashSecret, lookupOf } from './key-secret.js';

describe('key secrets', () => {
  it('generates distinct 256-bit secrets', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^lift_[A-Za-z0-9_-]{43}$/);
  });

  it('hashes with SHA-256 and compares hashes exactly', () => {
    const hash = hashSecret('abc');
    expect(hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(lookupOf(hash)).toBe('ba7816bf8f01cfea');
    expect(hashesMatch(hash, hashSecret('abc'))).toBe(true);
    expect(hashesMatch(hash, hashSecret('abd'))).toBe(false);
    expect(hashesMatch(hash, 'ba78')).toBe(false);
  });
});
