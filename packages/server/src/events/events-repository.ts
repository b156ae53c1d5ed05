import { sql, type Kysely } from 'kysely';
import { encodeCopyRow } from '../db/copy-text.js';
import { preparedRunner, type CopyFrom, type RunPrepared } from '../db/database.js';
import type { Database } from '../db/schema.js';

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

/** What an exposure must name: an experiment and one of its variants. */
export interface ExperimentVariants {
  readonly id: string;
  readonly key: string;
  readonly variants: ReadonlySet<string>;
  /**
   * Whether the experiment has left draft: from then on its id and variant keys never change and
   * it is never deleted (only drafts are), so this answer holds for good.
   */
  readonly isFixed: boolean;
}

/** What one sweep folded: the events taken, and whether more were pending past its cap. */
export interface FoldResult {
  readonly events: number;
  readonly isCapped: boolean;
}

/** The snapshot a sweep folds up to, as stored in `fact_fold_state`. */
interface FoldCursor {
  readonly xmax: string;
  readonly xip: readonly string[];
}

/** A metric of an experiment: its primary one and its guardrails, from `experiments.metrics`. */
const EXPERIMENT_METRICS = sql`
  select e.metrics->>'primary' as metric
  union select jsonb_array_elements_text(coalesce(e.metrics->'guardrails', '[]'::jsonb))`;

/** Whether the conversion name in `column` is a metric (primary or guardrail) of experiment `e`. */
function isMetricOfExperiment(column: string) {
  const name = sql.ref(column);
  return sql`(${name} = e.metrics->>'primary' or coalesce(e.metrics->'guardrails', '[]'::jsonb) ? ${name})`;
}

/** The end of a unit's conversion window for an experiment (`ue`: unit_exposures, `e`: experiments). */
const WINDOW_END = sql`ue.first_exposed_at + make_interval(hours => coalesce((e.metrics->>'conversionWindowHours')::int, 168))`;

/** Partitioned tables whose partitions are one day of receipt each. */
const PARTITIONED_TABLES = ['events'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const PARTITION_NAME = /^(events)_p(\d{4})(\d{2})(\d{2})$/;
const CHECK_VIOLATION = '23514';
const UNIQUE_VIOLATION = '23505';
/**
 * From this many events on, a batch is stored by COPY: below, COPY's two extra round trips (the
 * lookback probe, a connection of its own) cost more than it saves per row, and one INSERT wins.
 */
const MIN_COPY_EVENTS = 100;
const COPY_EVENTS =
  'copy events (id, type, experiment_id, variant, name, unit, value, properties, occurred_at, received_on) from stdin';
const DUPLICATE_TABLE = '42P07';
const MAINTENANCE_LOCK = 0x11f7_e7e1;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function compactDay(day: string): string {
  return day.replaceAll('-', '');
}

function sqlStateOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * Raw events and the per-unit facts folded from them. Every write is set-based: one statement per
 * ingested batch, a handful per sweep, whatever their size.
 */
export class EventsRepository {
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

  /** Runs `work` in one transaction, with a repository bound to it. */
  async transaction<T>(work: (repository: EventsRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new EventsRepository(trx)));
  }

  /** The experiments named by `keys`, with their variant keys. */
  async findExperiments(keys: readonly string[]): Promise<Map<string, ExperimentVariants>> {
    if (keys.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('experiments')
      .select(['id', 'key', 'variants', 'status'])
      .where('key', 'in', [...keys])
      .execute();
    return new Map(
      rows.map((row) => [
        row.key,
        {
          id: row.id,
          key: row.key,
          variants: new Set(row.variants.map((variant) => String((variant as { key?: unknown }).key))),
          isFixed: row.status !== 'draft',
        },
      ]),
    );
  }

  /**
   * Stores the events whose id is new and returns how many: all of them, or none. An id counts as
   * seen if it was received today (the primary key) or on one of the `lookbackDays` days before
   * (one index probe per event and day, into that day's partition). The per-unit facts are not
   * touched here: sweeps fold them (`foldPending`).
   *
   * With COPY, a batch of at least MIN_COPY_EVENTS has the ids seen on the days before looked up
   * first and the others copied in one statement, the cheapest way into PostgreSQL. A COPY that meets an id already stored today
   * (a resent batch) fails whole; the batch is then stored by the INSERT that skips stored ids.
   */
  async insertRaw(events: readonly EventRow[], lookbackDays: number, now: number = Date.now()): Promise<number> {
    // Days as parameters (not computed in SQL), so the earlier days' partitions are probed by index
    // rather than hashed whole.
    const today = isoDay(new Date(now));
    const earlier = Array.from({ length: lookbackDays }, (_, offset) =>
      isoDay(new Date(now - (offset + 1) * 86_400_000)),
    );
    if (this.#copyFrom === undefined || events.length < MIN_COPY_EVENTS) return this.#insertNew(events, today, earlier);
    const seen = earlier.length === 0 ? new Set<string>() : await this.#findStoredOn(earlier, events);
    const fresh = seen.size === 0 ? events : events.filter((event) => !seen.has(event.id));
    if (fresh.length === 0) return 0;
    let rows = '';
    for (const event of fresh) {
      const properties = event.properties === null ? null : JSON.stringify(event.properties);
      rows += encodeCopyRow([
        event.id,
        event.type,
        event.experiment_id,
        event.variant,
        event.name,
        event.unit,
        event.value,
        properties,
        event.occurred_at,
        today,
      ]);
    }
    try {
      return await this.#copyFrom(COPY_EVENTS, rows);
    } catch (error) {
      if (sqlStateOf(error) !== UNIQUE_VIOLATION) throw error;
      return this.#insertNew(fresh, today, earlier);
    }
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

  /**
   * One sweep: folds the events written by transactions that finished since the last sweep into
   * the per-unit facts, and moves the cursor, in this transaction (call it inside `transaction`).
   * Sweeps are serialized by the cursor's row lock: with `wait` false a sweep already running
   * elsewhere makes this one return null at once; with `wait` true this one runs after it.
   * At most `maxTransactions` transaction ids past the cursor are taken per sweep.
   */
  async foldPending(
    options: { readonly wait: boolean; readonly maxTransactions: number },
    now: number = Date.now(),
  ): Promise<FoldResult | null> {
    const locked = await sql<FoldCursor>`
      select snapshot_xmax::text as xmax, snapshot_xip::text[] as xip from fact_fold_state
      for update ${options.wait ? sql`` : sql`skip locked`}`.execute(this.#db);
    const previous = locked.rows[0];
    if (previous === undefined) return null;
    // Every statement after this one sees every transaction this snapshot calls finished.
    const snapshot = await sql<FoldCursor & { isCapped: boolean }>`
      select least(xmax, cap)::text as xmax, xmax > cap as "isCapped",
        array(select x::text from pg_snapshot_xip(s) as x where x::text::bigint < cap) as xip
      from (select pg_current_snapshot() as s) as current
      cross join lateral (select pg_snapshot_xmax(s)::text::bigint as xmax, ${previous.xmax}::bigint + ${options.maxTransactions} as cap) as bounds`.execute(
      this.#db,
    );
    const next = snapshot.rows[0];
    if (next === undefined) return null;
    await sql`create temp table fold_events (
      type text, experiment_id uuid, variant text, name text, unit text, value double precision, occurred_at timestamptz
    ) on commit drop`.execute(this.#db);
    // Finished now, and not finished at the last sweep: at or past its xmax, or then running.
    const taken = await sql`
      insert into fold_events
      select type, experiment_id, variant, name, unit, value, occurred_at from events
      where ((written_by_xact >= ${previous.xmax}::bigint and written_by_xact < ${next.xmax}::bigint) or written_by_xact = any(${[...previous.xip]}::bigint[]))
        and not written_by_xact = any(${[...next.xip]}::bigint[])`.execute(this.#db);
    const events = Number(taken.numAffectedRows ?? 0n);
    if (events > 0) await this.#foldEvents(next, now);
    await sql`update fact_fold_state set snapshot_xmax = ${next.xmax}::bigint, snapshot_xip = ${[...next.xip]}::bigint[], folded_at = now()`.execute(
      this.#db,
    );
    return { events, isCapped: next.isCapped };
  }

  /**
   * Whether a committed event awaits a sweep: written at or past the cursor's xmax, or by a
   * transaction then running (a read, no lock; an event still uncommitted is not seen).
   */
  async hasPending(): Promise<boolean> {
    const cursor = (
      await sql<FoldCursor>`select snapshot_xmax::text as xmax, snapshot_xip::text[] as xip from fact_fold_state`.execute(
        this.#db,
      )
    ).rows[0];
    if (cursor === undefined) return false;
    // Ordered by the indexed column, so that even with stale statistics (a partition filling fast)
    // this is an index probe, never a scan from the start of the table to its pending tail.
    const result = await sql<{ pending: boolean }>`
      select exists (select 1 from (select written_by_xact from events where written_by_xact >= ${cursor.xmax}::bigint order by written_by_xact limit 1) as past)
        or exists (select 1 from (select written_by_xact from events where written_by_xact = any(${[...cursor.xip]}::bigint[]) order by written_by_xact limit 1) as running)
        as pending`.execute(this.#db);
    return result.rows[0]?.pending === true;
  }

  /** Folds the rows of `fold_events` into `unit_exposures` and `unit_metric_facts`. */
  async #foldEvents(snapshot: FoldCursor, now: number): Promise<void> {
    // Exposures: the earliest decides the variant; a second variant flags the unit. The pairs whose
    // first exposure is new (inserted: xmax 0) or now one of this sweep's (moved earlier) get their
    // metric facts rebuilt from raw conversions; a row that would not change is not rewritten.
    // Keyed, so that skipping its pairs below is an index probe whatever the planner expects.
    await sql`create temp table fold_changed (experiment_id uuid, unit text, is_new boolean, primary key (experiment_id, unit)) on commit drop`.execute(
      this.#db,
    );
    await sql`
      with incoming as (
        select experiment_id, unit, (array_agg(variant order by occurred_at, variant))[1] as variant,
          min(occurred_at) as first_exposed_at, count(distinct variant) > 1 as is_multiple
        from fold_events where type = 'exposure'
        group by experiment_id, unit
      ),
      upserted as (
        insert into unit_exposures as ue (experiment_id, unit, variant, first_exposed_at, is_multiple)
        select experiment_id, unit, variant, first_exposed_at, is_multiple from incoming order by experiment_id, unit
        on conflict (experiment_id, unit) do update set
          variant = case when excluded.first_exposed_at < ue.first_exposed_at then excluded.variant else ue.variant end,
          first_exposed_at = least(ue.first_exposed_at, excluded.first_exposed_at),
          is_multiple = ue.is_multiple or excluded.is_multiple or excluded.variant <> ue.variant
        where excluded.first_exposed_at < ue.first_exposed_at or excluded.is_multiple or excluded.variant <> ue.variant
        returning ue.experiment_id, ue.unit, ue.first_exposed_at, ue.xmax = 0 as is_new
      )
      insert into fold_changed (experiment_id, unit, is_new)
      select u.experiment_id, u.unit, u.is_new from upserted u
      join incoming i on i.experiment_id = u.experiment_id and i.unit = u.unit
      where u.is_new or u.first_exposed_at = i.first_exposed_at`.execute(this.#db);
    await sql`analyze fold_changed`.execute(this.#db);
    // The partitions a rebuilt unit's conversions can be in: a conversion at or after the unit's
    // first exposure was received at most 5 minutes (the allowed clock skew) before it, and every
    // changed pair's first exposure is one of this sweep's; and none is received after tomorrow
    // (another replica's clock may be a little ahead). As parameters, so the planner prunes.
    const bounds = await sql<{ from: string | null }>`
      select to_char(((min(occurred_at) - interval '5 minutes') at time zone 'UTC')::date, 'YYYY-MM-DD') as "from"
      from fold_events where type = 'exposure'`.execute(this.#db);
    const fromDay = bounds.rows[0]?.from ?? isoDay(new Date(now));
    const toDay = isoDay(new Date(now + 86_400_000));
    // A pair whose first exposure moved earlier loses its facts (deleted by primary key, one probe
    // per metric of the experiment); a new pair has none yet.
    await sql`
      delete from unit_metric_facts f
      using fold_changed c
      join experiments e on e.id = c.experiment_id
      cross join lateral (${EXPERIMENT_METRICS}) as m
      where not c.is_new and f.experiment_id = c.experiment_id and f.metric = m.metric and f.unit = c.unit`.execute(
      this.#db,
    );
    // Rebuilt from the raw conversions at or after the first exposure and inside the window, as of
    // the sweep's snapshot (a conversion committed since is added by the next sweep). The lookups
    // per unit are LATERAL subqueries kept apart (OFFSET 0): index probes per changed unit, whatever
    // the statistics of a partition filling fast say, never a pass over the day's conversions.
    await sql`
      insert into unit_metric_facts (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
      select ue.experiment_id, ev.name, ue.unit, min(ev.occurred_at), count(*), coalesce(sum(ev.value), 0)
      from fold_changed c
      join unit_exposures ue on ue.experiment_id = c.experiment_id and ue.unit = c.unit
      join experiments e on e.id = ue.experiment_id
      cross join lateral (
        select ev.name, ev.occurred_at, ev.value from events ev
        where ev.type = 'conversion' and ev.unit = ue.unit
          and ev.received_on between ${fromDay}::date and ${toDay}::date
          and ev.occurred_at >= ue.first_exposed_at and ev.occurred_at < ${WINDOW_END}
          and ev.written_by_xact < ${snapshot.xmax}::bigint and not ev.written_by_xact = any(${[...snapshot.xip]}::bigint[])
        offset 0
      ) as ev
      where ${isMetricOfExperiment('ev.name')}
      group by ue.experiment_id, ev.name, ue.unit
      order by 1, 2, 3`.execute(this.#db);
    // The sweep's other conversions add to the facts of every experiment their unit was exposed
    // to (the rebuilt pairs already include them).
    await sql`
      insert into unit_metric_facts as f (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
      select ue.experiment_id, c.name, c.unit, min(c.occurred_at), count(*), coalesce(sum(c.value), 0)
      from fold_events c
      cross join lateral (
        select ue.experiment_id, ue.first_exposed_at from unit_exposures ue where ue.unit = c.unit offset 0
      ) as ue
      join experiments e on e.id = ue.experiment_id
      where c.type = 'conversion'
        and ${isMetricOfExperiment('c.name')}
        and c.occurred_at >= ue.first_exposed_at and c.occurred_at < ${WINDOW_END}
        and not exists (select 1 from fold_changed s where s.experiment_id = ue.experiment_id and s.unit = c.unit)
      group by ue.experiment_id, c.name, c.unit
      order by 1, 2, 3
      on conflict (experiment_id, metric, unit) do update set
        conversions = f.conversions + excluded.conversions,
        value_sum = f.value_sum + excluded.value_sum,
        first_converted_at = least(f.first_converted_at, excluded.first_converted_at)`.execute(this.#db);
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
        const next = isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000));
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
