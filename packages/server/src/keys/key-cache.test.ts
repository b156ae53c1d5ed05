import { describe, expect, it } from 'vitest';
import type { Principal } from '../http/principal.js';
import { AuthenticatedKeyCache } from './key-cache.js';

const principal = (keyId: string): Principal => ({ keyId, name: keyId, role: 'sdk' });

describe('AuthenticatedKeyCache', () => {
  it('answers stored keys until invalidated, cleared or too old', () => {
    let now = 0;
    const cache = new AuthenticatedKeyCache({ maxEntries: 10, maxAgeMs: 1_000, now: () => now });
    cache.store(cache.beginRead(), 'hash-a', principal('a'));
    cache.store(cache.beginRead(), 'hash-b', principal('b'));
    expect(cache.get('hash-a')).toEqual(principal('a'));
    cache.invalidate('a');
    expect(cache.get('hash-a')).toBeUndefined();
    expect(cache.get('hash-b')).toEqual(principal('b'));
    now = 1_000;
    expect(cache.get('hash-b')).toBeUndefined();
    cache.store(cache.beginRead(), 'hash-c', principal('c'));
    cache.clear();
    expect(cache.get('hash-c')).toBeUndefined();
  });

  it('does not store a read that was in flight while any key changed', () => {
    const cache = new AuthenticatedKeyCache({ maxEntries: 10, maxAgeMs: 1_000 });
    const ticket = cache.beginRead();
    cache.invalidate('some-other-key');
    cache.store(ticket, 'hash-a', principal('a'));
    expect(cache.get('hash-a')).toBeUndefined();
  });

  it('drops the least recently used key beyond its bound', () => {
    const cache = new AuthenticatedKeyCache({ maxEntries: 2, maxAgeMs: 1_000 });
    cache.store(cache.beginRead(), 'hash-a', principal('a'));
    cache.store(cache.beginRead(), 'hash-b', principal('b'));
    expect(cache.get('hash-a')).toBeDefined();
    cache.store(cache.beginRead(), 'hash-c', principal('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('hash-b')).toBeUndefined();
    expect(cache.get('hash-a')).toBeDefined();
    expect(cache.get('hash-c')).toBeDefined();
  });
});
