import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { openDatabase, type DatabaseTarget } from '../../src/db/database.js';
import { MIGRATIONS_FOLDER, migrateToLatest } from '../../src/db/migrations.js';

export type Backend = DatabaseTarget['kind'];

/** Both backends unless LIFT_TEST_BACKENDS narrows them (e.g. `pglite` on a machine without PostgreSQL). */
export const BACKENDS: Backend[] = (process.env['LIFT_TEST_BACKENDS'] ?? 'postgres,pglite')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is Backend => name === 'postgres' || name === 'pglite');

/** The PostgreSQL database tests connect to for CREATE/DROP DATABASE. */
const ADMIN_URL = process.env['LIFT_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const TEMPLATE_LOCK = 0x11f7_7e57;
const TEST_POOL_SIZE = 4;

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Names the template after the migrations' content, so editing one never reuses a stale template. */
async function templateName(): Promise<string> {
  const index = await readFile(new URL('index.json', MIGRATIONS_FOLDER), 'utf8');
  const hash = createHash('sha256').update(index);
  for (const file of JSON.parse(index) as string[])
    hash.update(await readFile(new URL(file, MIGRATIONS_FOLDER), 'utf8'));
  return `lift_template_${hash.digest('hex').slice(0, 12)}`;
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  const result = await admin.query('select 1 from pg_database where datname = $1', [name]);
  return result.rowCount === 1;
}

/**
 * PGlite's initdb is slow (seconds of WASM); a migrated data directory dumped once to a file in the
 * temp folder, named after the migrations, loads in a fraction of that. Written atomically, so
 * concurrent test files at worst both build it.
 */
async function pgliteTemplate(template: string): Promise<Blob> {
  const file = join(tmpdir(), `${template}.pglite.tar.gz`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const pglite = await PGlite.create();
    const db = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite }) });
    try {
      await migrateToLatest(db);
      const dump = await pglite.dumpDataDir('gzip');
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
      await rename(partial, file);
      return dump;
    } finally {
      await db.destroy();
    }
  }
}

/**
 * A database for one test file: on PostgreSQL a clone of the migrated template database (built
 * once, under an advisory lock, since CREATE DATABASE ... TEMPLATE needs the template idle); on
 * PGlite a fresh in-memory one.
 */
export async function createTestDatabase(
  backend: Backend,
  options: { isEmpty?: boolean } = {},
): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  const template = await templateName();
  if (backend === 'pglite') {
    const loadDataDir = options.isEmpty === true ? undefined : await pgliteTemplate(template);
    return {
      target: { kind: 'pglite', ...(loadDataDir === undefined ? {} : { loadDataDir }) },
      drop: async () => undefined,
    };
  }
  const name = `lift_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      if (!(await databaseExists(admin, template))) {
        const building = `${template}_building`;
        await admin.query(`drop database if exists ${building} with (force)`);
        await admin.query(`create database ${building}`);
        const handle = await openDatabase(
          { kind: 'postgres', connectionString: databaseUrl(building) },
          pino({ level: 'silent' }),
        );
        try {
          await migrateToLatest(handle.db);
        } finally {
          await handle.close();
        }
        await admin.query(`alter database ${building} rename to ${template}`);
      }
      await admin.query(
        options.isEmpty === true ? `create database ${name}` : `create database ${name} template ${template}`,
      );
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  } finally {
    await admin.end();
  }
  return {
    // Small pools: many test files (and other packages' suites) share one PostgreSQL.
    target: { kind: 'postgres', connectionString: databaseUrl(name), poolSize: TEST_POOL_SIZE },
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
