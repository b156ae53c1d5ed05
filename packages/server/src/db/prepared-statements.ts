/**
 * Named prepared statements beside Kysely, for the per-request statements whose text never
 * changes: the sticky record and read of first contacts, and ingest's INSERT and lookback probe.
 *
 * What it buys (bench:assignments): PostgreSQL parses a named statement once per connection (and
 * plans it once, if it finds a generic plan as good) where an unnamed one is parsed and planned on
 * every call. The sticky statement measured ~690 -> ~90 µs of PostgreSQL CPU alone; first contacts
 * ~20% less PostgreSQL CPU.
 *
 * Elsewhere (PGlite, or inside a transaction) the same statements run through Kysely like any
 * other query. Behind PgBouncer in transaction mode this needs 1.21+ with max_prepared_statements
 * (docs/operations.md).
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

/** Runs a statement whose text never changes under `name`, as a named prepared statement where the database keeps them. */
export type RunPrepared = <Row>(name: string, query: CompiledQuery<Row>) => Promise<QueryResult<Row>>;

/** `runPrepared` where the database has it; elsewhere the same statements run on `db` like any other query. */
export function preparedRunner(db: Kysely<Database>, runPrepared: RunPrepared | undefined): RunPrepared {
  return runPrepared ?? ((_name, query) => db.executeQuery(query));
}

/** Commands whose row count pg reports as the rows they changed. */
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Named prepared statements on a pg pool, each parsed once per connection; answers as Kysely does. */
export function preparedRunnerOnPool(pool: pg.Pool): RunPrepared {
  return async <Row>(name: string, query: CompiledQuery<Row>): Promise<QueryResult<Row>> => {
    const result = await pool.query({ name, text: query.sql, values: [...query.parameters] });
    const rows = result.rows as Row[];
    return WRITE_COMMANDS.has(result.command) && result.rowCount !== null
      ? { rows, numAffectedRows: BigInt(result.rowCount) }
      : { rows };
  };
}
