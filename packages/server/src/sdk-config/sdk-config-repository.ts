import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { SERVED_STATUSES } from '../experiments/experiment-lifecycle.js';
import type { Experiment } from '../experiments/experiment-schemas.js';
import { toExperiment } from '../experiments/experiments-repository.js';

/** What the SDK config is built from: the version counter and the served experiments. */
export interface ServedExperiments {
  readonly version: number;
  readonly experiments: readonly Experiment[];
}

export class SdkConfigRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async readVersion(): Promise<number> {
    const row = await this.#db
      .selectFrom('sdk_config_state')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return row.version;
  }

  /** The version and the experiments it describes, read from one snapshot of the database. */
  async readServed(): Promise<ServedExperiments> {
    return this.#db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const { version } = await trx
          .selectFrom('sdk_config_state')
          .select('version')
          .where('id', '=', 1)
          .executeTakeFirstOrThrow();
        const rows = await trx
          .selectFrom('experiments')
          .selectAll()
          .where('status', 'in', [...SERVED_STATUSES])
          .orderBy('key')
          .execute();
        return { version, experiments: rows.map(toExperiment) };
      });
  }
}
