import { sql, type Kysely } from 'kysely';
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

export interface ExposureRecord {
  readonly variant: string;
  readonly firstExposedAt: Date;
  readonly isMultiple: boolean;
}

/** Sticky assignments, and the experiments and exposures a lookup reads. */
export class AssignmentsRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Experiments by key, whatever their status. */
  async findExperiments(keys: readonly string[]): Promise<Experiment[]> {
    if (keys.length === 0) return [];
    const rows = await this.#db.selectFrom('experiments').selectAll().where('key', 'in', [...keys]).execute();
    return rows.map(toExperiment);
  }

  /**
   * Records each variant unless the unit already has one (INSERT ... ON CONFLICT DO NOTHING: of
   * concurrent first requests, on any replica, exactly one row wins). Returns the pairs written now.
   */
  async recordSticky(entries: readonly (ExperimentUnit & { variant: string })[]): Promise<ExperimentUnit[]> {
    if (entries.length === 0) return [];
    const result = await sql<ExperimentUnit>`
      with inserted as (
        insert into sticky_assignments (experiment_id, unit, variant)
        select e.id, p.unit, p.variant
        from json_to_recordset(${JSON.stringify(entries)}::json) as p(key text, unit text, variant text)
        join experiments e on e.key = p.key
        order by e.id, p.unit
        on conflict (experiment_id, unit) do nothing
        returning experiment_id, unit
      )
      select e.key, i.unit from inserted i join experiments e on e.id = i.experiment_id`.execute(this.#db);
    return result.rows;
  }

  /** The recorded sticky variants of these experiments and units. */
  async readSticky(pairs: readonly ExperimentUnit[]): Promise<StickyRecord[]> {
    if (pairs.length === 0) return [];
    const result = await sql<{ key: string; unit: string; variant: string; assigned_at: Date }>`
      select e.key, s.unit, s.variant, s.assigned_at
      from json_to_recordset(${JSON.stringify(pairs)}::json) as p(key text, unit text)
      join experiments e on e.key = p.key
      join sticky_assignments s on s.experiment_id = e.id and s.unit = p.unit`.execute(this.#db);
    return result.rows.map((row) => ({ key: row.key, unit: row.unit, variant: row.variant, assignedAt: row.assigned_at }));
  }

  /** The unit's first exposure in the experiment, as the analysis counts it. */
  async findExposure(experimentId: string, unit: string): Promise<ExposureRecord | null> {
    const result = await sql<{ variant: string; first_exposed_at: Date; is_multiple: boolean }>`
      select variant, first_exposed_at, is_multiple from unit_exposures where experiment_id = ${experimentId} and unit = ${unit}`.execute(this.#db);
    const row = result.rows[0];
    return row === undefined ? null : { variant: row.variant, firstExposedAt: row.first_exposed_at, isMultiple: row.is_multiple };
  }
}
