import { sql, type Kysely, type RawBuilder } from 'kysely';
import { DAY_MS, isoDay } from '../common/utc-days.js';
import type { Database } from '../db/schema.js';
import type { EventLog, TransactionSnapshot } from '../events/event-log.js';
import type { ExperimentMetrics, ExperimentReader } from '../experiments/experiment-reader.js';
import { CLOCK_SKEW_MS, DEFAULT_CONVERSION_WINDOW_HOURS } from './fact-rules.js';
import type { AggregateCell, AggregateQuery, FactsReader, UnitExposure } from './facts-reader.js';

/** What one sweep folded: the events taken, and whether more were pending past its cap. */
export interface FoldResult {
  readonly events: number;
  readonly isCapped: boolean;
}

/** How one sweep runs: whether it waits for a sweep running elsewhere, and how much it takes. */
export interface FoldOptions {
  /** True: wait for a sweep running elsewhere, then sweep; false: leave the work to it. */
  readonly wait: boolean;
  /** Transaction ids past the cursor taken at most. */
  readonly maxTransactions: number;
  /** The clock, for the days of receipt a rebuilt unit's conversions can lie in. */
  readonly now?: number;
}

/** What the facts are folded from: the experiments' metrics and windows, and the raw events. */
export interface FactSources {
  readonly experiments: Pick<ExperimentReader, 'readMetrics' | 'withTransaction'>;
  readonly events: EventLog;
}

/**
 * The experiments' metrics and conversion windows as the tables the fold's statements join
 * (parameters, unnested): `w(experiment_id, window_hours)` and `m(experiment_id, metric)`.
 */
interface FoldRules {
  readonly windows: RawBuilder<unknown>;
  readonly metrics: RawBuilder<unknown>;
}

function foldRules(experiments: readonly ExperimentMetrics[]): FoldRules {
  const pairs = experiments.flatMap((experiment) =>
    experiment.metrics.map((metric) => ({ experimentId: experiment.experimentId, metric })),
  );
  const windowIds = experiments.map((experiment) => experiment.experimentId);
  const windowHours = experiments.map(
    (experiment) => experiment.conversionWindowHours ?? DEFAULT_CONVERSION_WINDOW_HOURS,
  );
  const metricIds = pairs.map((pair) => pair.experimentId);
  const metricNames = pairs.map((pair) => pair.metric);
  return {
    windows: sql`unnest(${windowIds}::uuid[], ${windowHours}::int[]) as w(experiment_id, window_hours)`,
    metrics: sql`unnest(${metricIds}::uuid[], ${metricNames}::text[]) as m(experiment_id, metric)`,
  };
}

/** The end of a unit's conversion window (`ue`: unit_exposures, `w`: the windows of `FoldRules`). */
const WINDOW_END = sql<Date>`ue.first_exposed_at + make_interval(hours => w.window_hours)`;

interface AggregateRow {
  variant: string;
  exposed_on: string;
  converted_on: string | null;
  is_multiple: boolean;
  is_override: boolean;
  units: number;
  conversions: number;
  value_sum: number | string;
  value_sum_of_squares: number | string;
}

/** Memory for the analysis query's hash join: ~200k converted units need ~16 MB; 64 MB holds ~800k. */
const ANALYSIS_WORK_MEM = '64MB';

/**
 * The per-unit facts (`unit_exposures`, `unit_metric_facts`) and the cursor of the sweeps that fold
 * raw events into them (`fact_fold_state`): the only code that queries those tables. Every write is
 * set-based: a handful of statements per sweep, whatever its size.
 */
export class FactsRepository implements FactsReader {
  readonly #db: Kysely<Database>;
  readonly #sources: FactSources;

  constructor(db: Kysely<Database>, sources: FactSources) {
    this.#db = db;
    this.#sources = sources;
  }

  /** Runs `work` in one transaction, with a repository (and its experiment reader) bound to it. */
  async transaction<T>(work: (repository: FactsRepository) => Promise<T>): Promise<T> {
    return this.#db
      .transaction()
      .execute((trx) =>
        work(
          new FactsRepository(trx, { ...this.#sources, experiments: this.#sources.experiments.withTransaction(trx) }),
        ),
      );
  }

  /**
   * One sweep: folds the events written by transactions that finished since the last sweep into
   * the per-unit facts, and moves the cursor, in this transaction (call it inside `transaction`).
   * Sweeps are serialized by the cursor's row lock: without `wait` a sweep already running
   * elsewhere makes this one return null at once; with it this one runs after it.
   */
  async foldPending(options: FoldOptions): Promise<FoldResult | null> {
    const previous = await this.#lockCursor(options);
    if (previous === null) return null;
    // Every statement after this one sees every transaction this snapshot calls finished.
    const next = await this.#takeSnapshot(previous, options.maxTransactions);
    if (next === null) return null;
    const events = await this.#stagePending(previous, next);
    if (events > 0) await this.#foldStaged(next, options.now ?? Date.now());
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
      await sql<TransactionSnapshot>`select snapshot_xmax::text as xmax, snapshot_xip::text[] as xip from fact_fold_state`.execute(
        this.#db,
      )
    ).rows[0];
    return cursor !== undefined && (await this.#sources.events.hasWrittenSince(cursor));
  }

  async aggregateCells(query: AggregateQuery): Promise<AggregateCell[]> {
    // Two queries on two connections at once, each about half the work: the units by exposure
    // day (every exposed unit, no join) and the converted units with their values (driven by the
    // metric's facts rows). The cells are only ever summed, so units and conversions may sit in
    // separate cells. Overrides are joined as a set (a hash join), not tested per row against a list.
    const overrides = [...query.overrideUnits];
    const [units, converted] = await Promise.all([
      this.#analysisQuery(sql<AggregateRow>`
        with overrides as (select distinct unnest(${overrides}::text[]) as unit)
        select e.variant,
               ((e.first_exposed_at at time zone 'UTC')::date)::text as exposed_on,
               null::text as converted_on,
               e.is_multiple,
               o.unit is not null as is_override,
               count(*)::int as units,
               0 as conversions,
               0::float8 as value_sum,
               0::float8 as value_sum_of_squares
        from unit_exposures e
        left join overrides o on o.unit = e.unit
        where e.experiment_id = ${query.experimentId}
        group by 1, 2, 4, 5`),
      this.#analysisQuery(sql<AggregateRow>`
        with overrides as (select distinct unnest(${overrides}::text[]) as unit)
        select e.variant,
               ((e.first_exposed_at at time zone 'UTC')::date)::text as exposed_on,
               ((f.first_converted_at at time zone 'UTC')::date)::text as converted_on,
               e.is_multiple,
               o.unit is not null as is_override,
               0 as units,
               count(*)::int as conversions,
               sum(f.value_sum)::float8 as value_sum,
               sum(f.value_sum * f.value_sum)::float8 as value_sum_of_squares
        from unit_metric_facts f
        join unit_exposures e on e.experiment_id = f.experiment_id and e.unit = f.unit
        left join overrides o on o.unit = f.unit
        where f.experiment_id = ${query.experimentId} and f.metric = ${query.metric}
        group by 1, 2, 3, 4, 5`),
    ]);
    return [...units, ...converted].map((row) => ({
      variant: row.variant,
      exposedOn: row.exposed_on,
      convertedOn: row.converted_on,
      isMultiple: row.is_multiple,
      isOverride: row.is_override,
      units: Number(row.units),
      conversions: Number(row.conversions),
      valueSum: Number(row.value_sum),
      valueSumOfSquares: Number(row.value_sum_of_squares),
    }));
  }

  async findExposure(experimentId: string, unit: string): Promise<UnitExposure | null> {
    const result = await sql<{ variant: string; first_exposed_at: Date; is_multiple: boolean }>`
      select variant, first_exposed_at, is_multiple from unit_exposures where experiment_id = ${experimentId} and unit = ${unit}`.execute(
      this.#db,
    );
    const row = result.rows[0];
    return row === undefined
      ? null
      : { variant: row.variant, firstExposedAt: row.first_exposed_at, isMultiple: row.is_multiple };
  }

  /** Each analysis query runs in a short transaction so its settings stay local. */
  async #analysisQuery(query: RawBuilder<AggregateRow>): Promise<AggregateRow[]> {
    return this.#db.transaction().execute(async (trx) => {
      // JIT costs more than it saves here, and the join's hash table should fit in memory.
      await sql`set local jit = off`.execute(trx);
      await sql`set local work_mem = ${sql.lit(ANALYSIS_WORK_MEM)}`.execute(trx);
      return (await query.execute(trx)).rows;
    });
  }

  /** Locks the cursor (the snapshot the last sweep folded up to); null if another sweep holds it and `wait` is off. */
  async #lockCursor(options: Pick<FoldOptions, 'wait'>): Promise<TransactionSnapshot | null> {
    const locked = await sql<TransactionSnapshot>`
      select snapshot_xmax::text as xmax, snapshot_xip::text[] as xip from fact_fold_state
      for update ${options.wait ? sql`` : sql`skip locked`}`.execute(this.#db);
    return locked.rows[0] ?? null;
  }

  /** The snapshot this sweep folds up to: the current one, capped at `maxTransactions` ids past `previous`. */
  async #takeSnapshot(
    previous: TransactionSnapshot,
    maxTransactions: number,
  ): Promise<(TransactionSnapshot & { isCapped: boolean }) | null> {
    const snapshot = await sql<TransactionSnapshot & { isCapped: boolean }>`
      select least(xmax, cap)::text as xmax, xmax > cap as "isCapped",
        array(select x::text from pg_snapshot_xip(s) as x where x::text::bigint < cap) as xip
      from (select pg_current_snapshot() as s) as current
      cross join lateral (select pg_snapshot_xmax(s)::text::bigint as xmax, ${previous.xmax}::bigint + ${maxTransactions} as cap) as bounds`.execute(
      this.#db,
    );
    return snapshot.rows[0] ?? null;
  }

  /**
   * Copies the events finished now, and not finished at the last sweep (at or past its xmax, or
   * then running), into `fold_events`; returns how many.
   */
  async #stagePending(previous: TransactionSnapshot, next: TransactionSnapshot): Promise<number> {
    await sql`create temp table fold_events (
      type text, experiment_id uuid, variant text, name text, unit text, value double precision, occurred_at timestamptz
    ) on commit drop`.execute(this.#db);
    const taken = await sql`
      insert into fold_events (type, experiment_id, variant, name, unit, value, occurred_at)
      select type, experiment_id, variant, name, unit, value, occurred_at
      from (${this.#sources.events.writtenBetween(previous, next)}) as pending`.execute(this.#db);
    return Number(taken.numAffectedRows ?? 0n);
  }

  /** Folds the rows of `fold_events` into `unit_exposures` and `unit_metric_facts`. */
  async #foldStaged(snapshot: TransactionSnapshot, now: number): Promise<void> {
    await this.#foldExposures();
    const rules = foldRules(await this.#sources.experiments.readMetrics());
    await this.#rebuildChangedFacts(snapshot, rules, now);
    await this.#addConversions(rules);
  }

  /**
   * Exposures: the earliest decides the variant; a second variant flags the unit. The pairs whose
   * first exposure is new (inserted: xmax 0) or now one of this sweep's (moved earlier) are kept
   * in `fold_changed`, for their metric facts to be rebuilt; a row that would not change is not
   * rewritten.
   */
  async #foldExposures(): Promise<void> {
    // Keyed, so that skipping its pairs later is an index probe whatever the planner expects.
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
  }

  /**
   * The changed pairs' facts, rebuilt from the raw conversions at or after the first exposure and
   * inside the window, as of the sweep's snapshot (a conversion committed since is added by the
   * next sweep). A pair whose first exposure moved earlier loses its old facts first (deleted by
   * primary key, one probe per metric of the experiment); a new pair has none yet.
   */
  async #rebuildChangedFacts(snapshot: TransactionSnapshot, rules: FoldRules, now: number): Promise<void> {
    const days = await this.#receiptDaysOfChanged(now);
    await sql`
      delete from unit_metric_facts f
      using fold_changed c
      join ${rules.metrics} on m.experiment_id = c.experiment_id
      where not c.is_new and f.experiment_id = c.experiment_id and f.metric = m.metric and f.unit = c.unit`.execute(
      this.#db,
    );
    // The lookups per unit are LATERAL subqueries kept apart: index probes per changed unit,
    // whatever the statistics of a partition filling fast say, never a pass over the day's conversions.
    const conversions = this.#sources.events.conversionsOf({
      unit: sql.ref<string>('ue.unit'),
      receivedFrom: days.from,
      receivedTo: days.to,
      occurredFrom: sql.ref<Date>('ue.first_exposed_at'),
      occurredBefore: WINDOW_END,
      asOf: snapshot,
    });
    await sql`
      insert into unit_metric_facts (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
      select ue.experiment_id, ev.name, ue.unit, min(ev.occurred_at), count(*), coalesce(sum(ev.value), 0)
      from fold_changed c
      join unit_exposures ue on ue.experiment_id = c.experiment_id and ue.unit = c.unit
      join ${rules.windows} on w.experiment_id = ue.experiment_id
      cross join lateral (${conversions}) as ev
      join ${rules.metrics} on m.experiment_id = ue.experiment_id and m.metric = ev.name
      group by ue.experiment_id, ev.name, ue.unit
      order by 1, 2, 3`.execute(this.#db);
  }

  /**
   * The days of receipt a changed pair's conversions can lie in: a conversion at or after the
   * unit's first exposure was received at most the allowed clock skew before it, and every changed
   * pair's first exposure is one of this sweep's; none is received after tomorrow (another
   * replica's clock may be a little ahead). As parameters, so the planner prunes partitions.
   */
  async #receiptDaysOfChanged(now: number): Promise<{ from: string; to: string }> {
    const bounds = await sql<{ earliest: Date | null }>`
      select min(occurred_at) as earliest from fold_events where type = 'exposure'`.execute(this.#db);
    const earliest = bounds.rows[0]?.earliest ?? null;
    return {
      from: isoDay(earliest === null ? now : earliest.getTime() - CLOCK_SKEW_MS),
      to: isoDay(now + DAY_MS),
    };
  }

  /**
   * The sweep's other conversions add to the facts of every experiment their unit was exposed to
   * (the rebuilt pairs already include them).
   */
  async #addConversions(rules: FoldRules): Promise<void> {
    await sql`
      insert into unit_metric_facts as f (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
      select ue.experiment_id, c.name, c.unit, min(c.occurred_at), count(*), coalesce(sum(c.value), 0)
      from fold_events c
      cross join lateral (
        select ue.experiment_id, ue.first_exposed_at from unit_exposures ue where ue.unit = c.unit offset 0
      ) as ue
      join ${rules.windows} on w.experiment_id = ue.experiment_id
      join ${rules.metrics} on m.experiment_id = ue.experiment_id and m.metric = c.name
      where c.type = 'conversion'
        and c.occurred_at >= ue.first_exposed_at and c.occurred_at < ${WINDOW_END}
        and not exists (select 1 from fold_changed s where s.experiment_id = ue.experiment_id and s.unit = c.unit)
      group by ue.experiment_id, c.name, c.unit
      order by 1, 2, 3
      on conflict (experiment_id, metric, unit) do update set
        conversions = f.conversions + excluded.conversions,
        value_sum = f.value_sum + excluded.value_sum,
        first_converted_at = least(f.first_converted_at, excluded.first_converted_at)`.execute(this.#db);
  }
}
