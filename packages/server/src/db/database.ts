import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { Logger } from 'pino';
import { createPgliteChangeFeed, createPostgresChangeFeed, type ChangeFeed } from './change-feed.js';
import { preparedRunnerOnPool, type RunPrepared } from './prepared-statements.js';
import type { Database } from './schema.js';

const DEFAULT_POOL_SIZE = 10;

/** Where the data lives: PostgreSQL over pg, or the embedded PGlite (a folder, or memory). */
export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly poolSize?: number }
  | {
      readonly kind: 'pglite';
      /** A folder to persist in; unset = in memory. */
      readonly dataDir?: string;
      /** Start from a dumped data directory (`PGlite#dumpDataDir`), e.g. a migrated template. */
      readonly loadDataDir?: Blob;
    };

/**
 * Runs one `COPY ... FROM STDIN` statement with `rows` (COPY's text format) as its input and
 * returns how many rows it stored: all of them, or none.
 */
export type CopyFrom = (statement: string, rows: string) => Promise<number>;

/** An open database with its change feed; `close` releases both. */
export interface DatabaseHandle {
  readonly kind: DatabaseTarget['kind'];
  readonly db: Kysely<Database>;
  readonly feed: ChangeFeed;
  /** Bulk loading by COPY, where the driver streams it (PostgreSQL over pg). */
  readonly copyFrom?: CopyFrom;
  /** Named prepared statements, where the driver keeps them (PostgreSQL over pg): see prepared-statements.ts. */
  readonly runPrepared?: RunPrepared;
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the database and its config change feed.
 *
 * @example
 * const handle = await openDatabase({ kind: 'pglite' }, logger); // in memory
 */
export async function openDatabase(target: DatabaseTarget, logger: Logger): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.connectionString, max: target.poolSize ?? DEFAULT_POOL_SIZE });
    pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
    // A connection that dies while checked out (e.g. pg_terminate_backend between two statements of a
    // transaction) emits 'error' on its client, which the pool only listens to while idle: without
    // this listener that is an uncaught exception. The query in flight fails on its own.
    pool.on('connect', (client) =>
      client.on('error', (error) => logger.warn({ err: error }, 'database connection lost')),
    );
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const feed = createPostgresChangeFeed(target.connectionString, logger);
    try {
      await feed.ready;
    } catch (error) {
      await feed.close();
      await db.destroy();
      throw error;
    }
    return {
      ...handle('postgres', db, feed),
      copyFrom: (statement, rows) => copyThroughPool(pool, statement, rows),
      runPrepared: preparedRunnerOnPool(pool),
    };
  }
  if (target.dataDir !== undefined) await mkdir(target.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(target.dataDir === undefined ? {} : { dataDir: target.dataDir }),
    ...(target.loadDataDir === undefined ? {} : { loadDataDir: target.loadDataDir }),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return handle('pglite', db, await createPgliteChangeFeed(pglite));
}

async function copyThroughPool(pool: pg.Pool, statement: string, rows: string): Promise<number> {
  const client = await pool.connect();
  try {
    const stream = client.query(copyFromStdin(statement));
    await new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
      stream.end(rows);
    });
    client.release();
    return stream.rowCount;
  } catch (error) {
    // A COPY that failed midway may leave the connection in any state: it is closed, not reused.
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

function handle(kind: DatabaseTarget['kind'], db: Kysely<Database>, feed: ChangeFeed): DatabaseHandle {
  return {
    kind,
    db,
    feed,
    async isReachable() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await feed.close();
      await db.destroy();
    },
  };
}
