import { sql, type Kysely } from 'kysely';
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
}

/** An (experiment, unit) pair whose first exposure is new or moved earlier. */
export interface ChangedExposure {
  readonly experiment_id: string;
  readonly unit: string;
  readonly is_new: boolean;
}

/** Partitioned tables whose partitions are one day of receipt each. */
const PARTITIONED_TABLES = ['events', 'event_ids'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const PARTITION_NAME = /^(events|event_ids)_p(\d{4})(\d{2})(\d{2})$/;
const CHECK_VIOLATION = '23514';
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
 * Raw events, idempotency keys and the per-unit facts derived from them. Every write of a batch
 * is set-based: a handful of statements per batch, whatever its size.
 */
export class EventsRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Runs `work` in one transaction, with a repository bound to it. */
  async transaction<T>(work: (repository: EventsRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new EventsRepository(trx)));
  }

  /** The experiments named by `keys`, with their variant keys. */
  async findExperiments(keys: readonly string[]): Promise<Map<string, ExperimentVariants>> {
    if (keys.length === 0) return new Map();
    const rows = await this.#db.selectFrom('experiments').select(['id', 'key', 'variants']).where('key', 'in', [...keys]).execute();
    return new Map(
      rows.map((row) => [
        row.key,
        { id: row.id, key: row.key, variants: new Set(row.variants.map((variant) => String((variant as { key?: unknown }).key))) },
      ]),
    );
  }

  /**
   * Stores the events whose id is new and returns those ids. An id counts as seen if it was
   * received today (the primary key) or on one of the `lookbackDays` days before (one index probe
   * per event and day, into that day's partition).
   */
  async insertRaw(events: readonly EventRow[], lookbackDays: number, now: number = Date.now()): Promise<Set<string>> {
    // Days as parameters (not computed in SQL), so the earlier days' partitions are probed by index
    // rather than hashed whole.
    const today = isoDay(new Date(now));
    const earlier = Array.from({ length: lookbackDays }, (_, offset) => isoDay(new Date(now - (offset + 1) * 86_400_000)));
    const result = await sql<{ id: string }>`
      with input as (
        select * from json_to_recordset(${JSON.stringify(events)}::json) as t(
          id uuid, type text, experiment_id uuid, variant text, name text, unit text,
          value double precision, properties jsonb, occurred_at timestamptz)
      ),
      fresh as (
        insert into event_ids (id, received_on)
        select i.id, ${today}::date from input i
        where not exists (select 1 from event_ids p where p.received_on = any(${earlier}::date[]) and p.id = i.id)
        order by i.id
        on conflict do nothing
        returning id
      ),
      stored as (
        insert into events (id, type, experiment_id, variant, name, unit, value, properties, occurred_at, received_on)
        select i.id, i.type, i.experiment_id, i.variant, i.name, i.unit, i.value, i.properties, i.occurred_at, ${today}::date
        from input i join fresh f on f.id = i.id
        returning id
      )
      select id from stored`.execute(this.#db);
    return new Set(result.rows.map((row) => row.id));
  }

  /**
   * Orders fact maintenance across concurrent batches (and replicas) by unit: a batch with an
   * exposure of a unit holds that unit's lock exclusively, a batch with only conversions of it
   * shares it. So a batch that recomputes a unit's facts and a batch that adds conversions to them
   * never overlap (whichever goes second sees the other's committed raw rows), while batches of
   * conversions alone (row-level upserts) run side by side. Locks are taken in one fixed order,
   * so batches never deadlock.
   */
  async lockUnits(exposedUnits: readonly string[], convertedUnits: readonly string[]): Promise<void> {
    await sql`
      select count(case when exclusive then pg_advisory_xact_lock(k) else pg_advisory_xact_lock_shared(k) end) from (
        select k, bool_or(exclusive) as exclusive from (
          select hashtextextended(u, 0) as k, true as exclusive from unnest(${[...new Set(exposedUnits)]}::text[]) as u
          union all
          select hashtextextended(u, 0), false from unnest(${[...new Set(convertedUnits)]}::text[]) as u
        ) as wanted group by k order by k
      ) as keys`.execute(this.#db);
  }

  /**
   * Folds exposures into `unit_exposures`: the earliest exposure decides the variant; a second
   * variant flags the unit. Returns the (experiment, unit) pairs whose first exposure is new or
   * moved earlier (`is_new` false), whose metric facts must be recomputed.
   */
  async upsertExposures(exposures: readonly { experiment_id: string; unit: string; variant: string; occurred_at: string }[]): Promise<ChangedExposure[]> {
    if (exposures.length === 0) return [];
    const result = await sql<ChangedExposure>`
      with incoming as (
        select experiment_id, unit, (array_agg(variant order by occurred_at, variant))[1] as variant,
          min(occurred_at) as first_exposed_at, count(distinct variant) > 1 as is_multiple
        from json_to_recordset(${JSON.stringify(exposures)}::json) as x(experiment_id uuid, unit text, variant text, occurred_at timestamptz)
        group by experiment_id, unit
      ),
      before as (
        select ue.experiment_id, ue.unit, ue.first_exposed_at from unit_exposures ue
        join incoming i on i.experiment_id = ue.experiment_id and i.unit = ue.unit
      ),
      upserted as (
        insert into unit_exposures as ue (experiment_id, unit, variant, first_exposed_at, is_multiple)
        select experiment_id, unit, variant, first_exposed_at, is_multiple from incoming order by experiment_id, unit
        on conflict (experiment_id, unit) do update set
          variant = case when excluded.first_exposed_at < ue.first_exposed_at then excluded.variant else ue.variant end,
          first_exposed_at = least(ue.first_exposed_at, excluded.first_exposed_at),
          is_multiple = ue.is_multiple or excluded.is_multiple or excluded.variant <> ue.variant
        returning ue.experiment_id, ue.unit, ue.first_exposed_at
      )
      select u.experiment_id, u.unit, b.unit is null as is_new from upserted u
      left join before b on b.experiment_id = u.experiment_id and b.unit = u.unit
      where b.unit is null or u.first_exposed_at < b.first_exposed_at`.execute(this.#db);
    return result.rows;
  }

  /**
   * Rebuilds the metric facts of these (experiment, unit) pairs from their raw conversions: the
   * ones at or after the first exposure and inside the experiment's conversion window.
   */
  async recomputeFacts(pairs: readonly ChangedExposure[]): Promise<void> {
    if (pairs.length === 0) return;
    const json = JSON.stringify(pairs.map(({ experiment_id, unit }) => ({ experiment_id, unit })));
    // A unit exposed for the first time has no facts yet; the others' are deleted by primary key
    // (experiment, metric, unit), one probe per metric of the experiment.
    const moved = pairs.filter((pair) => !pair.is_new).map(({ experiment_id, unit }) => ({ experiment_id, unit }));
    if (moved.length > 0) {
      await sql`
        delete from unit_metric_facts f
        using json_to_recordset(${JSON.stringify(moved)}::json) as p(experiment_id uuid, unit text)
        join experiments e on e.id = p.experiment_id
        cross join lateral (
          select e.metrics->>'primary' as metric
          union select jsonb_array_elements_text(coalesce(e.metrics->'guardrails', '[]'::jsonb))
        ) as m
        where f.experiment_id = p.experiment_id and f.metric = m.metric and f.unit = p.unit`.execute(this.#db);
    }
    await sql`
      insert into unit_metric_facts (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
      select ue.experiment_id, m.metric, ue.unit, min(ev.occurred_at), count(*), coalesce(sum(ev.value), 0)
      from json_to_recordset(${json}::json) as p(experiment_id uuid, unit text)
      join unit_exposures ue on ue.experiment_id = p.experiment_id and ue.unit = p.unit
      join experiments e on e.id = ue.experiment_id
      cross join lateral (
        select e.metrics->>'primary' as metric
        union select jsonb_array_elements_text(coalesce(e.metrics->'guardrails', '[]'::jsonb))
      ) as m
      join events ev on ev.type = 'conversion' and ev.unit = ue.unit and ev.name = m.metric
        and ev.occurred_at >= ue.first_exposed_at
        and ev.occurred_at < ue.first_exposed_at + make_interval(hours => coalesce((e.metrics->>'conversionWindowHours')::int, 168))
      group by ue.experiment_id, m.metric, ue.unit
      order by 1, 2, 3`.execute(this.#db);
  }

  /**
   * Adds new conversions to the facts of every experiment their unit was exposed to (skipping the
   * pairs just recomputed, which already include them).
   */
  async addConversions(
    conversions: readonly { name: string; unit: string; value: number | null; occurred_at: string }[],
    recomputed: readonly { experiment_id: string; unit: string }[],
  ): Promise<void> {
    if (conversions.length === 0) return;
    await sql`
      with c as (
        select * from json_to_recordset(${JSON.stringify(conversions)}::json) as c(name text, unit text, value double precision, occurred_at timestamptz)
      ),
      skipped as (
        select * from json_to_recordset(${JSON.stringify(recomputed)}::json) as p(experiment_id uuid, unit text)
      )
      insert into unit_metric_facts as f (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
      select ue.experiment_id, c.name, c.unit, min(c.occurred_at), count(*), coalesce(sum(c.value), 0)
      from c
      join unit_exposures ue on ue.unit = c.unit
      join experiments e on e.id = ue.experiment_id
      where (c.name = e.metrics->>'primary' or coalesce(e.metrics->'guardrails', '[]'::jsonb) ? c.name)
        and c.occurred_at >= ue.first_exposed_at
        and c.occurred_at < ue.first_exposed_at + make_interval(hours => coalesce((e.metrics->>'conversionWindowHours')::int, 168))
        and not exists (select 1 from skipped s where s.experiment_id = ue.experiment_id and s.unit = ue.unit)
      group by ue.experiment_id, c.name, c.unit
      order by 1, 2, 3
      on conflict (experiment_id, metric, unit) do update set
        conversions = f.conversions + excluded.conversions,
        value_sum = f.value_sum + excluded.value_sum,
        first_converted_at = least(f.first_converted_at, excluded.first_converted_at)`.execute(this.#db);
  }

  /**
   * Creates the daily partitions of `events` and `event_ids` for `days` (UTC dates). A day whose
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
            await sql.raw(`create table ${name} partition of ${table} for values from ('${day}') to ('${next}')`).execute(trx);
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
      where p.relname in ('events', 'event_ids') order by c.relname`.execute(this.#db);
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
