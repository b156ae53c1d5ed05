import { sql, type Kysely, type Selectable } from 'kysely';
import { KEYS_CHANNEL } from '../db/change-feed.js';
import type { ApiKeysTable, Database } from '../db/schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export interface NewApiKeyRow {
  readonly name: string;
  readonly role: string;
  readonly lookup: string;
  readonly secretHash: string;
  readonly createdBy: string | null;
}

/** Bootstrapping runs once across replicas: they serialize on this advisory lock. */
const BOOTSTRAP_LOCK = 0x11f7_b007;

async function countActiveAdmins(db: Kysely<Database>): Promise<number> {
  const { count } = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Tells every replica (on commit: NOTIFY is transactional) to drop the key from its cache. */
async function announceKeyChange(db: Kysely<Database>, id: string): Promise<void> {
  await sql`select pg_notify(${KEYS_CHANNEL}, ${id})`.execute(db);
}

/** How other modules learn the names of API keys, e.g. for the actors of an experiment's history. */
export interface KeyNameReader {
  /** The names of the keys with these ids, revoked ones too, by id; unknown ids are left out. */
  findNames(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** The api_keys table: the only code that queries it. */
export class KeysRepository implements KeyNameReader {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(key: NewApiKeyRow, db: Kysely<Database> = this.#db): Promise<ApiKeyRow> {
    return db
      .insertInto('api_keys')
      .values({
        name: key.name,
        role: key.role,
        lookup: key.lookup,
        secret_hash: key.secretHash,
        created_by: key.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findActiveByLookup(lookup: string): Promise<ApiKeyRow[]> {
    return this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('lookup', '=', lookup)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async list(): Promise<ApiKeyRow[]> {
    return this.#db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  async findNames(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('api_keys')
      .select(['id', 'name'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async findById(id: string): Promise<ApiKeyRow | undefined> {
    return this.#db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Revokes `id` unless it is the last active admin key; returns what happened. */
  async revoke(id: string): Promise<'revoked' | 'already-revoked' | 'not-found' | 'last-admin'> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
      const key = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (key === undefined) return 'not-found';
      if (key.revoked_at !== null) return 'already-revoked';
      if (key.role === 'admin' && (await countActiveAdmins(trx)) <= 1) return 'last-admin';
      await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
      await announceKeyChange(trx, id);
      return 'revoked';
    });
  }

  /**
   * Renames an active key or changes its role, unless that would leave no active admin key;
   * returns the updated row or what prevented it.
   */
  async update(
    id: string,
    changes: { readonly name?: string; readonly role?: string },
  ): Promise<ApiKeyRow | 'not-found' | 'revoked' | 'last-admin'> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
      const key = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (key === undefined) return 'not-found';
      if (key.revoked_at !== null) return 'revoked';
      if (
        key.role === 'admin' &&
        changes.role !== undefined &&
        changes.role !== 'admin' &&
        (await countActiveAdmins(trx)) <= 1
      )
        return 'last-admin';
      const updated = await trx
        .updateTable('api_keys')
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.role === undefined ? {} : { role: changes.role }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await announceKeyChange(trx, id);
      return updated;
    });
  }

  /**
   * Inserts the bootstrap admin when `decide` says so, given whether any key exists and whether
   * one with `secretHash` exists; serialized across replicas.
   */
  async bootstrap(
    secretHash: string | null,
    decide: (state: { hasAnyKey: boolean; hasThisKey: boolean }) => NewApiKeyRow | null,
  ): Promise<ApiKeyRow | null> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
      const any = await trx.selectFrom('api_keys').select('id').limit(1).executeTakeFirst();
      const same =
        secretHash === null
          ? undefined
          : await trx.selectFrom('api_keys').select('id').where('secret_hash', '=', secretHash).executeTakeFirst();
      const row = decide({ hasAnyKey: any !== undefined, hasThisKey: same !== undefined });
      return row === null ? null : this.insert(row, trx);
    });
  }
}
