import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { BACKENDS, createTestDatabase } from './support/test-database.js';
import { silentLogger } from './support/test-app.js';

describe.runIf(BACKENDS.includes('postgres'))('named prepared statements on PostgreSQL', () => {
  let database: DatabaseHandle;
  let drop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const created = await createTestDatabase('postgres');
    drop = created.drop;
    database = await openDatabase(created.target, silentLogger);
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });

  const insert = (unit: string) =>
    sql`insert into events (id, type, name, unit, occurred_at, received_on) values (${randomUUID()}::uuid, 'conversion', 'purchase', ${unit}, now(), current_date)`.compile(
      database.db,
    );
  const countOf = (unit: string) =>
    sql<{ n: number }>`select count(*)::int as n from events where unit = ${unit}`.compile(database.db);

  it('answers rows, and the rows a write changed, as Kysely does', async () => {
    const runPrepared = database.runPrepared;
    expect(runPrepared).toBeDefined();
    if (runPrepared === undefined) return;
    expect((await runPrepared('test_insert', insert('prepared-a'))).numAffectedRows).toBe(1n);
    expect((await runPrepared('test_insert', insert('prepared-a'))).numAffectedRows).toBe(1n);
    expect((await runPrepared('test_count', countOf('prepared-a'))).rows).toEqual([{ n: 2 }]);
    expect((await database.db.executeQuery(countOf('prepared-a'))).rows).toEqual([{ n: 2 }]);
  });

  it('prepares again on the new connection after the database killed the old ones', async () => {
    const runPrepared = database.runPrepared;
    if (runPrepared === undefined) return;
    await runPrepared('test_insert', insert('prepared-b'));
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(
      database.db,
    );
    // The pool may hand out a connection that was killed while idle once; after that, fresh ones.
    await runPrepared('test_count', countOf('prepared-b')).catch(() => undefined);
    await expect(runPrepared('test_insert', insert('prepared-b'))).resolves.toMatchObject({ numAffectedRows: 1n });
    expect((await runPrepared('test_count', countOf('prepared-b'))).rows).toEqual([{ n: 2 }]);
  });
});
