import type { ChangeFeed } from '../db/change-feed.js';
import { DomainError } from '../errors/domain-error.js';
import { ROLES, type Principal, type Role } from '../http/principal.js';
import { AuthenticatedKeyCache } from './key-cache.js';
import { generateSecret, hashesMatch, hashSecret, lookupOf } from './key-secret.js';
import type { ApiKeyRow, KeysRepository } from './keys-repository.js';
import type { ApiKey, CreatedKey, CreateKeyInput, UpdateKeyInput } from './keys-schemas.js';

const BOOTSTRAP_KEY_NAME = 'bootstrap admin';
const DEFAULT_CACHED_KEYS = 10_000;
/** A backstop only: revocations and role changes reach every replica through the change feed. */
const DEFAULT_CACHE_MAX_AGE_MS = 60_000;

export interface KeysServiceOptions {
  /**
   * Announces key changes from every replica. With a live feed, authenticated keys are cached in
   * memory; without one (or while it is down) every request reads its key from the database.
   */
  readonly feed?: ChangeFeed;
  readonly cacheSize?: number;
  readonly cacheMaxAgeMs?: number;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

function toApiKey(row: ApiKeyRow): ApiKey {
  if (!isRole(row.role)) throw new Error(`api key ${row.id} has unknown role ${row.role}`);
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** What bootstrapping did: `generatedKey` is set only when a new secret was generated. */
export interface BootstrapOutcome {
  readonly created: boolean;
  readonly generatedKey?: string;
}

/** API keys: issuing (secret shown once), listing, revoking, and authenticating secrets. */
export class KeysService {
  readonly #repository: KeysRepository;
  readonly #feed: ChangeFeed | null;
  readonly #cache: AuthenticatedKeyCache | null;
  readonly #unsubscribe: () => void;

  constructor(repository: KeysRepository, options: KeysServiceOptions = {}) {
    this.#repository = repository;
    const feed = options.feed;
    if (feed?.subscribeKeyChanges === undefined) {
      this.#feed = null;
      this.#cache = null;
      this.#unsubscribe = () => undefined;
      return;
    }
    const cache = new AuthenticatedKeyCache({
      maxEntries: options.cacheSize ?? DEFAULT_CACHED_KEYS,
      maxAgeMs: options.cacheMaxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS,
    });
    this.#feed = feed;
    this.#cache = cache;
    this.#unsubscribe = feed.subscribeKeyChanges((keyId) => (keyId === null ? cache.clear() : cache.invalidate(keyId)));
  }

  async create(input: CreateKeyInput, actor: Principal): Promise<CreatedKey> {
    const secret = generateSecret();
    const secretHash = hashSecret(secret);
    const row = await this.#repository.insert({
      name: input.name,
      role: input.role,
      lookup: lookupOf(secretHash),
      secretHash,
      createdBy: actor.keyId,
    });
    return { ...toApiKey(row), key: secret };
  }

  async get(id: string): Promise<ApiKey> {
    const row = await this.#repository.findById(id);
    if (row === undefined) throw new DomainError('not-found', `No API key with id ${id}.`);
    return toApiKey(row);
  }

  async list(): Promise<ApiKey[]> {
    return (await this.#repository.list()).map(toApiKey);
  }

  /** Revokes a key at once; the last active admin key cannot be revoked (nobody could manage keys). */
  async revoke(id: string): Promise<void> {
    const outcome = await this.#repository.revoke(id);
    // Other replicas hear of it through the change feed; this one forgets the key before answering.
    this.#cache?.invalidate(id);
    if (outcome === 'not-found') throw new DomainError('not-found', `No API key with id ${id}.`);
    if (outcome === 'last-admin') {
      throw new DomainError(
        'edit-not-allowed',
        'This is the last active admin key; create another admin key before revoking it.',
      );
    }
  }

  /**
   * Renames a key or changes its role, effective immediately on every replica; the last active
   * admin key keeps its role, and a revoked key stays as it was.
   */
  async update(id: string, input: UpdateKeyInput): Promise<ApiKey> {
    const outcome = await this.#repository.update(id, input);
    this.#cache?.invalidate(id);
    if (outcome === 'not-found') throw new DomainError('not-found', `No API key with id ${id}.`);
    if (outcome === 'revoked')
      throw new DomainError('edit-not-allowed', `API key ${id} is revoked; issue a new key instead.`);
    if (outcome === 'last-admin') {
      throw new DomainError(
        'edit-not-allowed',
        'This is the last active admin key; create another admin key before changing its role.',
      );
    }
    return toApiKey(outcome);
  }

  /**
   * The key a secret belongs to, or null when unknown or revoked. Hashes compare in constant time.
   * Keys found are cached while the change feed is live (unknown secrets never are).
   */
  async authenticate(secret: string): Promise<Principal | null> {
    const secretHash = hashSecret(secret);
    const cache = this.#feed?.isLive === true ? this.#cache : null;
    const cached = cache?.get(secretHash);
    if (cached !== undefined) return cached;
    const ticket = cache?.beginRead();
    const candidates = await this.#repository.findActiveByLookup(lookupOf(secretHash));
    const match = candidates.find((row) => hashesMatch(row.secret_hash, secretHash));
    if (match === undefined || !isRole(match.role)) return null;
    const principal: Principal = { keyId: match.id, name: match.name, role: match.role };
    if (ticket !== undefined) cache?.store(ticket, secretHash, principal);
    return principal;
  }

  /** Stops listening to key changes. */
  close(): void {
    this.#unsubscribe();
  }

  /**
   * Makes sure an admin can get in: with `adminKey`, registers it unless it is already known (a
   * revoked bootstrap key stays revoked); without, generates one on first start only.
   */
  async bootstrapAdmin(adminKey: string | undefined): Promise<BootstrapOutcome> {
    const secret = adminKey ?? generateSecret();
    const secretHash = hashSecret(secret);
    const row = await this.#repository.bootstrap(
      adminKey === undefined ? null : secretHash,
      ({ hasAnyKey, hasThisKey }) => {
        const isNeeded = adminKey === undefined ? !hasAnyKey : !hasThisKey;
        return isNeeded
          ? { name: BOOTSTRAP_KEY_NAME, role: 'admin', lookup: lookupOf(secretHash), secretHash, createdBy: null }
          : null;
      },
    );
    if (row === null) return { created: false };
    return adminKey === undefined ? { created: true, generatedKey: secret } : { created: true };
  }
}
