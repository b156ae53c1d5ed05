import { sql, type Kysely } from 'kysely';
import { preparedRunner, type RunPrepared } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Experiment } from '../experiments/experiment-schemas.js';
import { toExperiment } from '../experiments/experiments-repository.js';

/** One experiment and unit, e.g. a sticky assignment to read or record. */
export interface ExperimentUnit {
  readonly key: string;
  readonly unit: string;
}

export interface StickyRecord extends ExperimentUnit {
  readonly variant: string;
  readonly assignedAt: Date;
}

/** A sticky variant to record for a unit if it has none yet (null: only read). */
export interface StickyProposal extends ExperimentUnit {
  readonly proposed: string | null;
}

/** The variant recorded for a unit, and whether this statement wrote it. */
export interface StickyOutcome {
  readonly variant: string | null;
  readonly isWritten: boolean;
}

export interface ExposureRecord {
  readonly variant: string;
  readonly firstExposedAt: Date;
  readonly isMultiple: boolean;
}

/** Sticky assignments, and the experiments and exposures a lookup reads. */
export class AssignmentsRepository {
  readonly #db: Kysely<Database>;
  readonly #runPrepared: RunPrepared;

  /** `runPrepared` runs the sticky statements, one per group of first contacts, as prepared ones. */
  constructor(db: Kysely<Database>, options: { readonly runPrepared?: RunPrepared | undefined } = {}) {
    this.#db = db;
    this.#runPrepared = preparedRunner(db, options.runPrepared);
  }

  /** Experiments by key, whatever their status. */
  async findExperiments(keys: readonly string[]): Promise<Experiment[]> {
    if (keys.length === 0) return [];
    const rows = await this.#db
      .selectFrom('experiments')
      .selectAll()
      .where('key', 'in', [...keys])
      .execute();
    return rows.map(toExperiment);
  }

  /**
   * In one statement, for each pair: records `proposed` unless the unit already has a variant (or
   * `proposed` is null), and answers the variant now recorded, in input order. `variant` is null
   * when none is recorded, and also when a concurrent transaction recorded one after this
   * statement began (its row is not in this statement's snapshot): read those again.
   */
  async recordOrReadSticky(pairs: readonly StickyProposal[]): Promise<StickyOutcome[]> {
    if (pairs.length === 0) return [];
    const input = pairs.map((pair, index) => ({ i: index, key: pair.key, unit: pair.unit, variant: pair.proposed }));
    const query = sql<{ i: number; variant: string | null; is_written: boolean }>`
      with p as (
        select p.i, e.id as experiment_id, p.unit, p.variant
        from json_to_recordset(${JSON.stringify(input)}::json) as p(i int, key text, unit text, variant text)
        join experiments e on e.key = p.key
      ), inserted as (
        insert into sticky_assignments (experiment_id, unit, variant)
        select experiment_id, unit, variant from p where variant is not null
        order by experiment_id, unit
        on conflict (experiment_id, unit) do nothing
        returning experiment_id, unit, variant
      )
      select p.i, coalesce(i.variant, s.variant) as variant, i.unit is not null and i.variant = p.variant as is_written
      from p
      left join inserted i on i.experiment_id = p.experiment_id and i.unit = p.unit
      left join sticky_assignments s on s.experiment_id = p.experiment_id and s.unit = p.unit`;
    const result = await this.#runPrepared('lift_sticky_record', query.compile(this.#db));
    const outcomes: StickyOutcome[] = pairs.map(() => ({ variant: null, isWritten: false }));
    for (const row of result.rows) outcomes[row.i] = { variant: row.variant, isWritten: row.is_written };
    return outcomes;
  }

  /** The recorded sticky variants of these experiments and units. */
  async readSticky(pairs: readonly ExperimentUnit[]): Promise<StickyRecord[]> {
    if (pairs.length === 0) return [];
    const query = sql<{ key: string; unit: string; variant: string; assigned_at: Date }>`
      select e.key, s.unit, s.variant, s.assigned_at
      from json_to_recordset(${JSON.stringify(pairs)}::json) as p(key text, unit text)
      join experiments e on e.key = p.key
      join sticky_assignments s on s.experiment_id = e.id and s.unit = p.unit`;
    const result = await this.#runPrepared('lift_sticky_read', query.compile(this.#db));
    return result.rows.map((row) => ({
      key: row.key,
      unit: row.unit,
      variant: row.variant,
      assignedAt: row.assigned_at,
    }));
  }

  /** The unit's first exposure in the experiment, as the analysis counts it. */
  async findExposure(experimentId: string, unit: string): Promise<ExposureRecord | null> {
    const result = await sql<{ variant: string; first_exposed_at: Date; is_multiple: boolean }>`
      select variant, first_exposed_at, is_multiple from unit_exposures where experiment_id = ${experimentId} and unit = ${unit}`.execute(
      this.#db,
    );
    const row = result.rows[0];
    return row === undefined
      ? null
      : { variant: row.variant, firstExposedAt: row.first_exposed_at, isMultiple: row.is_multiple };
  }
}
