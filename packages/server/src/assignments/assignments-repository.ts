import { sql, type Kysely } from 'kysely';
import { preparedRunner, type RunPrepared } from '../db/prepared-statements.js';
import type { Database } from '../db/schema.js';

/** One experiment (by id) and unit, e.g. a sticky assignment to read or record. */
export interface ExperimentUnit {
  readonly experimentId: string;
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

/** Sticky assignments: the only code that queries them. */
export class AssignmentsRepository {
  readonly #db: Kysely<Database>;
  readonly #runPrepared: RunPrepared;

  /** `runPrepared` runs the sticky statements, one per group of first contacts, as prepared ones. */
  constructor(db: Kysely<Database>, options: { readonly runPrepared?: RunPrepared | undefined } = {}) {
    this.#db = db;
    this.#runPrepared = preparedRunner(db, options.runPrepared);
  }

  /**
   * In one statement, for each pair: records `proposed` unless the unit already has a variant (or
   * `proposed` is null), and answers the variant now recorded, in input order. `variant` is null
   * when none is recorded, and also when a concurrent transaction recorded one after this
   * statement began (its row is not in this statement's snapshot): read those again.
   */
  async recordOrReadSticky(pairs: readonly StickyProposal[]): Promise<StickyOutcome[]> {
    if (pairs.length === 0) return [];
    const input = pairs.map((pair, index) => ({
      i: index,
      experiment_id: pair.experimentId,
      unit: pair.unit,
      variant: pair.proposed,
    }));
    const query = sql<{ i: number; variant: string | null; is_written: boolean }>`
      with p as (
        select * from json_to_recordset(${JSON.stringify(input)}::json) as p(i int, experiment_id uuid, unit text, variant text)
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
    const input = pairs.map((pair) => ({ experiment_id: pair.experimentId, unit: pair.unit }));
    const query = sql<{ experiment_id: string; unit: string; variant: string; assigned_at: Date }>`
      select s.experiment_id, s.unit, s.variant, s.assigned_at
      from json_to_recordset(${JSON.stringify(input)}::json) as p(experiment_id uuid, unit text)
      join sticky_assignments s on s.experiment_id = p.experiment_id and s.unit = p.unit`;
    const result = await this.#runPrepared('lift_sticky_read', query.compile(this.#db));
    return result.rows.map((row) => ({
      experimentId: row.experiment_id,
      unit: row.unit,
      variant: row.variant,
      assignedAt: row.assigned_at,
    }));
  }
}
