import { sql, type Kysely, type RawBuilder } from 'kysely';
import { compactDay, DAY_MS, isoDay, nextDay } from '../common/utc-days.js';
import type { CopyFrom } from '../db/database.js';
import { CHECK_VIOLATION, DUPLICATE_TABLE, sqlStateOf } from '../db/database-errors.js';
import { preparedRunner, type RunPrepared } from '../db/prepared-statements.js';
import type { Database } from '../db/schema.js';
import { storeNewEvents } from './copy-ingest.js';
import type {
  EventLog,
  LoggedConversion,
  LoggedEvent,
  TransactionSnapshot,
  UnitConversionsQuery,
} from './event-log.js';

/** An event ready to store: the experiment resolved to its id, the time parsed. */
export interface EventRow {
  readonly id: string;
  readonly type: 'exposure' | 'conversion';
  readonly experiment_id: string | null;
  readonly variant: string | null;
  readonly name: string | null;
  readonly unit: string;
  readonly value: number | null;
  readonly properties: Readonly<Record<string, unknown>> | null;
  readonly occurred_at: string;
}

/** Partitioned tables whose partitions are one day of receipt each. */
const PARTITIONED_TABLES = ['events'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const PARTITION_NAME = /^(events)_p(\d{4})(\d{2})(\d{2})$/;
const MAINTENANCE_LOCK = 0x11f7_e7e1;

/**
 * Raw events and their daily partitions: the only code that queries them. Ingest stores a batch in
 * one statement, whatever its size; the per-unit facts read the events as an `EventLog`.
 */
export class EventsRepository implements EventLog {
  readonly #db: Kysely<Database>;
  readonly #copyFrom: CopyFrom | undefined;
  readonly #runPrepared: RunPrepared;

  /**
   * With `copyFrom` (PostgreSQL), large batches of new events are stored by COPY; without, by one
   * INSERT. `runPrepared` runs ingest's fixed statements as prepared ones.
   */
  constructor(
    db: Kysely<Database>,
    options: { readonly copyFrom?: CopyFrom | undefined; readonly runPrepared?: RunPrepared | undefined } = {},
  ) {
    this.#db = db;
    this.#copyFrom = options.copyFrom;
    this.#runPrepared = preparedRunner(db, options.runPrepared);
  }

  /**
   * Stores the events whose id is new and returns how many: all of them, or none. An id counts as
   * seen if it was received today (the primary key) or on one of the `lookbackDays` days before
   * (one index probe per event and day, into that day's partition). Large batches go by COPY
   * where the database takes it (`copy-ingest.ts`). The per-unit facts are not touched here: sweeps
   * fold them (`facts/`).
   */
  async insertRaw(events: readonly EventRow[], lookbackDays: number, now: number = Date.now()): Promise<number> {
    // Days as parameters (not computed in SQL), so the earlier days' partitions are probed by index
    // rather than hashed whole.
    const today = isoDay(now);
    const earlier = Array.from({ length: lookbackDays }, (_, offset) => isoDay(now - (offset + 1) * DAY_MS));
    return storeNewEvents(events, {
      copyFrom: this.#copyFrom,
      today,
      findStoredEarlier: (batch) =>
        earlier.length === 0 ? Promise.resolve(new Set()) : this.#findStoredOn(earlier, batch),
      insertNew: (batch) => this.#insertNew(batch, today, earlier),
    });
  }

  /**
   * Which of `events` were stored on one of `days`: an index probe per event and day, whatever the
   * statistics say. The ids go as one comma-separated text (uuids hold no comma), cheaper to send
   * than an array parameter.
   */
  async #findStoredOn(days: readonly string[], events: readonly EventRow[]): Promise<Set<string>> {
    const query = sql<{ id: string }>`
      select i.id::text as id from unnest(string_to_array(${events.map((event) => event.id).join(',')}, ',')::uuid[]) as i(id)
      where exists (
        select 1 from unnest(${days}::date[]) as d(day)
        cross join lateral (select 1 from events p where p.received_on = d.day and p.id = i.id limit 1) as stored)`;
    const result = await this.#runPrepared('lift_events_stored_on', query.compile(this.#db));
    return new Set(result.rows.map((row) => row.id));
  }

  /** One INSERT of the events whose id was stored neither today nor on the `earlier` days. */
  async #insertNew(events: readonly EventRow[], today: string, earlier: readonly string[]): Promise<number> {
    const query = sql`
      insert into events (id, type, experiment_id, variant, name, unit, value, properties, occurred_at, received_on)
      select i.id, i.type, i.experiment_id, i.variant, i.name, i.unit, i.value, i.properties, i.occurred_at, ${today}::date
      from json_to_recordset(${JSON.stringify(events)}::json) as i(
        id uuid, type text, experiment_id uuid, variant text, name text, unit text,
        value double precision, properties jsonb, occurred_at timestamptz)
      where not exists (select 1 from events p where p.received_on = any(${earlier}::date[]) and p.id = i.id)
      on conflict do nothing`;
    const result = await this.#runPrepared('lift_events_insert', query.compile(this.#db));
    return Number(result.numAffectedRows ?? 0n);
  }

  async hasWrittenSince(since: TransactionSnapshot): Promise<boolean> {
    // Ordered by the indexed column, so that even with stale statistics (a partition filling fast)
    // this is an index probe, never a scan from the start of the table to its pending tail.
    const result = await sql<{ pending: boolean }>`
      select exists (select 1 from (select written_by_xact from events where written_by_xact >= ${since.xmax}::bigint order by written_by_xact limit 1) as past)
        or exists (select 1 from (select written_by_xact from events where written_by_xact = any(${[...since.xip]}::bigint[]) order by written_by_xact limit 1) as running)
        as pending`.execute(this.#db);
    return result.rows[0]?.pending === true;
  }

  writtenBetween(from: TransactionSnapshot, to: TransactionSnapshot): RawBuilder<LoggedEvent> {
    // Finished in `to`, and not finished in `from`: at or past its xmax, or then running.
    return sql<LoggedEvent>`
      select type, experiment_id, variant, name, unit, value, occurred_at from events
      where ((written_by_xact >= ${from.xmax}::bigint and written_by_xact < ${to.xmax}::bigint) or written_by_xact = any(${[...from.xip]}::bigint[]))
        and not written_by_xact = any(${[...to.xip]}::bigint[])`;
  }

  conversionsOf(query: UnitConversionsQuery): RawBuilder<LoggedConversion> {
    // OFFSET 0 keeps the subquery apart, so it stays index probes by unit.
    return sql<LoggedConversion>`
      select ev.name, ev.occurred_at, ev.value from events ev
      where ev.type = 'conversion' and ev.unit = ${query.unit}
        and ev.received_on between ${query.receivedFrom}::date and ${query.receivedTo}::date
        and ev.occurred_at >= ${query.occurredFrom} and ev.occurred_at < ${query.occurredBefore}
        and ev.written_by_xact < ${query.asOf.xmax}::bigint and not ev.written_by_xact = any(${[...query.asOf.xip]}::bigint[])
      offset 0`;
  }

  /**
   * Creates the daily partitions of `events` for `days` (UTC dates). A day whose
   * rows already sit in the DEFAULT partition is skipped (PostgreSQL refuses to create it then).
   * Returns the partitions created.
   */
  async createDailyPartitions(days: readonly string[]): Promise<string[]> {
    const created: string[] = [];
    await this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MAINTENANCE_LOCK})`.execute(trx);
      const existing = new Set((await new EventsRepository(trx).listPartitions()).map((partition) => partition.name));
      for (const day of days) {
        const next = nextDay(day);
        for (const table of PARTITIONED_TABLES) {
          const name = `${table}_p${compactDay(day)}`;
          if (existing.has(name)) continue;
          try {
            await sql`savepoint partition_create`.execute(trx);
            await sql
              .raw(`create table ${name} partition of ${table} for values from ('${day}') to ('${next}')`)
              .execute(trx);
            await sql`release savepoint partition_create`.execute(trx);
            created.push(name);
          } catch (error) {
            if (sqlStateOf(error) !== CHECK_VIOLATION && sqlStateOf(error) !== DUPLICATE_TABLE) throw error;
            await sql`rollback to savepoint partition_create`.execute(trx);
          }
        }
      }
    });
    return created;
  }

  /** The daily partitions, with the day each holds. */
  async listPartitions(): Promise<{ table: PartitionedTable; name: string; day: string }[]> {
    const result = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname = 'events' order by c.relname`.execute(this.#db);
    return result.rows.flatMap((row) => {
      const match = PARTITION_NAME.exec(row.name);
      if (match === null) return [];
      const [, table, year, month, day] = match;
      return [{ table: table as PartitionedTable, name: row.name, day: `${year}-${month}-${day}` }];
    });
  }

  /** Drops the daily partitions of `table` that hold days before `before` (a UTC date). */
  async dropPartitionsBefore(table: PartitionedTable, before: string): Promise<string[]> {
    const dropped: string[] = [];
    for (const partition of await this.listPartitions()) {
      if (partition.table !== table || partition.day >= before) continue;
      await sql.raw(`drop table if exists ${partition.name}`).execute(this.#db);
      dropped.push(partition.name);
    }
    return dropped;
  }
}
