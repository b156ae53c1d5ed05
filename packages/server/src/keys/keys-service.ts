import { DomainError } from '../errors/domain-error.js';
import { ROLES, type Principal, type Role } from '../http/principal.js';
import { generateSecret, hashesMatch, hashSecret, lookupOf } from './key-secret.js';
import type { ApiKeyRow, KeysRepository } from './keys-repository.js';
import type { ApiKey, CreatedKey, CreateKeyInput } from './keys-schemas.js';

const BOOTSTRAP_KEY_NAME = 'bootstrap admin';

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

  constructor(repository: KeysRepository) {
    this.#repository = repository;
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
    if (outcome === 'not-found') throw new DomainError('not-found', `No API key with id ${id}.`);
    if (outcome === 'last-admin') {
      throw new DomainError('edit-not-allowed', 'This is the last active admin key; create another admin key before revoking it.');
    }
  }

  /** The key a secret belongs to, or null when unknown or revoked. Hashes compare in constant time. */
  async authenticate(secret: string): Promise<Principal | null> {
    const secretHash = hashSecret(secret);
    const candidates = await this.#repository.findActiveByLookup(lookupOf(secretHash));
    const match = candidates.find((row) => hashesMatch(row.secret_hash, secretHash));
    if (match === undefined || !isRole(match.role)) return null;
    return { keyId: match.id, name: match.name, role: match.role };
  }

  /**
   * Makes sure an admin can get in: with `adminKey`, registers it unless it is already known (a
   * revoked bootstrap key stays revoked); without, generates one on first start only.
   */
  async bootstrapAdmin(adminKey: string | undefined): Promise<BootstrapOutcome> {
    const secret = adminKey ?? generateSecret();
    const secretHash = hashSecret(secret);
    const row = await this.#repository.bootstrap(adminKey === undefined ? null : secretHash, ({ hasAnyKey, hasThisKey }) => {
      const isNeeded = adminKey === undefined ? !hasAnyKey : !hasThisKey;
      return isNeeded ? { name: BOOTSTRAP_KEY_NAME, role: 'admin', lookup: lookupOf(secretHash), secretHash, createdBy: null } : null;
    });
    if (row === null) return { created: false };
    return adminKey === undefined ? { created: true, generatedKey: secret } : { created: true };
  }
}
