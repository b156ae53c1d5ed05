import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Experiment } from '../experiments/experiment-schemas.js';
import { toExperiment } from '../experiments/experiments-repository.js';

/**
 * One cell of the per-unit aggregate: the units of one variant first exposed on `exposedOn` that
 * first converted on `convertedOn` (null: not converted), split by why a unit may be excluded.
 */
export interface AggregateCell {
  readonly variant: string;
  /** UTC day of the unit's first exposure, `YYYY-MM-DD`. */
  readonly exposedOn: string;
  /** UTC day of the unit's first qualifying conversion; null for units without one. */
  readonly convertedOn: string | null;
  /** Exposed to more than one variant. */
  readonly isMultiple: boolean;
  /** Listed in the experiment's forced overrides (QA). */
  readonly isOverride: boolean;
  readonly units: number;
  /** Units with a metric facts row (at least one qualifying conversion). */
  readonly conversions: number;
  /** Sum over units of the unit's value (0 for units without facts). */
  readonly valueSum: number;
  readonly valueSumOfSquares: number;
}

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

/** Reads experiments and the per-unit tables that ingestion maintains; never raw events. */
export class ResultsRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findExperiment(key: string): Promise<Experiment | undefined> {
    const row = await this.#db.selectFrom('experiments').selectAll().where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : toExperiment(row);
  }

  async #analysisQuery(query: RawBuilder<AggregateRow>): Promise<AggregateRow[]> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`set local jit = off`.execute(trx);
      await sql`set local work_mem = ${sql.lit(ANALYSIS_WORK_MEM)}`.execute(trx);
      return (await query.execute(trx)).rows;
    });
  }

  /**
   * The per-unit aggregates of one metric from the per-unit tables, never raw events (cost grows
   * with units, not events): units grouped by variant, day of first exposure and exclusion flags;
   * converted units (unit_metric_facts JOIN unit_exposures) also by day of first conversion, with
   * their value sums. Totals and the daily cumulative series are both sums over these few hundred
   * cells. Overrides are joined as a set (a hash join), not tested per row against a list.
   */
  async aggregateCells(
    experimentId: string,
    metric: string,
    overrideUnits: readonly string[],
  ): Promise<AggregateCell[]> {
    // Two queries on two connections at once, each about half the work: the units by exposure
    // day (every exposed unit, no join) and the converted units with their values (driven by the
    // metric's facts rows). The cells are only ever summed, so units and conversions may sit in
    // separate cells. Each runs in a short transaction so its settings stay local: JIT costs
    // more than it saves here, and the join's hash table should fit in memory.
    const overrides = [...overrideUnits];
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
        where e.experiment_id = ${experimentId}
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
        where f.experiment_id = ${experimentId} and f.metric = ${metric}
        group by 1, 2, 3, 4, 5`),
    ]);
    const result = { rows: [...units, ...converted] };
    return result.rows.map((row) => ({
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
}
