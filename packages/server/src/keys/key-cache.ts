import type { Principal } from '../http/principal.js';

interface Entry {
  readonly principal: Principal;
  readonly secretHash: string;
  readonly expiresAt: number;
}

/** What `AuthenticatedKeyCache.beginRead` hands out: cache the read's result only with this ticket. */
export interface ReadTicket {
  readonly generation: number;
}

/**
 * Keys that authenticated recently, by the SHA-256 of their secret: bounded (least recently used
 * dropped first), each entry kept at most `maxAgeMs`, and dropped on revocation or role change.
 *
 * A lookup by the full hash in a Map is safe from timing attacks: it can only tell an attacker
 * something about the hash of a secret they sent, never about a stored one.
 *
 * A read that was in flight while any key changed is not cached (its row may predate the change):
 * every invalidation bumps a generation, and `store` needs the generation the read began with.
 */
export class AuthenticatedKeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #hashByKeyId = new Map<string, string>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(options: { maxEntries: number; maxAgeMs: number; now?: () => number }) {
    this.#maxEntries = options.maxEntries;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached key of this secret hash, if fresh. */
  get(secretHash: string): Principal | undefined {
    const entry = this.#entries.get(secretHash);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#delete(entry);
      return undefined;
    }
    // Map order is insertion order: re-inserting marks the entry most recently used.
    this.#entries.delete(secretHash);
    this.#entries.set(secretHash, entry);
    return entry.principal;
  }

  beginRead(): ReadTicket {
    return { generation: this.#generation };
  }

  /** Caches what a read found, unless some key changed while it was in flight. */
  store(ticket: ReadTicket, secretHash: string, principal: Principal): void {
    if (ticket.generation !== this.#generation) return;
    const previous = this.#hashByKeyId.get(principal.keyId);
    const stale = previous === undefined ? undefined : this.#entries.get(previous);
    if (stale !== undefined) this.#delete(stale);
    this.#entries.set(secretHash, { principal, secretHash, expiresAt: this.#now() + this.#maxAgeMs });
    this.#hashByKeyId.set(principal.keyId, secretHash);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.values().next();
      if (oldest.done === true) break;
      this.#delete(oldest.value);
    }
  }

  /** Drops one key (revoked, or its role changed). */
  invalidate(keyId: string): void {
    this.#generation += 1;
    const secretHash = this.#hashByKeyId.get(keyId);
    const entry = secretHash === undefined ? undefined : this.#entries.get(secretHash);
    if (entry !== undefined) this.#delete(entry);
  }

  /** Drops every key (changes may have been missed). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#hashByKeyId.clear();
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.secretHash);
    if (this.#hashByKeyId.get(entry.principal.keyId) === entry.secretHash)
      this.#hashByKeyId.delete(entry.principal.keyId);
  }
}
