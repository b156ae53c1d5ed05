import { sql, type Kysely } from 'kysely';
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

  /**
   * The per-unit aggregates of one metric, in one pass over the experiment's exposed units (cost
   * grows with units, not events): unit_exposures LEFT JOIN unit_metric_facts, grouped by variant,
   * day of first exposure, day of first conversion and exclusion flags. Totals and the daily
   * cumulative series are both sums over these few hundred cells. Overrides are joined as a set
   * (a hash join), not tested per row against a list.
   */
  async aggregateCells(experimentId: string, metric: string, overrideUnits: readonly string[]): Promise<AggregateCell[]> {
    // One short transaction so the settings stay local to this query: JIT compilation costs more
    // than it saves on a one-second query, and the join's hash table (the converted units) should
    // fit in memory instead of spilling to temporary files.
    const result = await this.#db.transaction().execute(async (trx) => {
      await sql`set local jit = off`.execute(trx);
      await sql`set local work_mem = ${sql.lit(ANALYSIS_WORK_MEM)}`.execute(trx);
      return sql<AggregateRow>`
      with overrides as (select distinct unnest(${[...overrideUnits]}::text[]) as unit),
      cells as (
        select e.variant,
               (e.first_exposed_at at time zone 'UTC')::date as exposed_on,
               (f.first_converted_at at time zone 'UTC')::date as converted_on,
               e.is_multiple,
               o.unit is not null as is_override,
               count(*)::int as units,
               count(f.unit)::int as conversions,
               coalesce(sum(f.value_sum), 0)::float8 as value_sum,
               coalesce(sum(f.value_sum * f.value_sum), 0)::float8 as value_sum_of_squares
        from unit_exposures e
        left join unit_metric_facts f
          on f.experiment_id = e.experiment_id and f.metric = ${metric} and f.unit = e.unit
        left join overrides o on o.unit = e.unit
        where e.experiment_id = ${experimentId}
        group by 1, 2, 3, 4, 5
      )
      select variant, exposed_on::text as exposed_on, converted_on::text as converted_on, is_multiple, is_override,
             units, conversions, value_sum, value_sum_of_squares
      from cells`.execute(trx);
    });
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
