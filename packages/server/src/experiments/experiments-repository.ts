import { sql, type Kysely, type Selectable } from 'kysely';
import { historyRecordOf, type HistoryRecord } from '../common/history-entries.js';
import { CONFIG_CHANNEL } from '../db/change-feed.js';
import type { Database, ExperimentsTable } from '../db/schema.js';
import { SERVED_STATUSES } from './experiment-lifecycle.js';
import {
  metricsOf,
  type ExperimentMetrics,
  type ExperimentReader,
  type ExperimentVariants,
  type ServedExperiments,
} from './experiment-reader.js';
import type {
  Experiment,
  ExperimentDefinitionInput,
  ExperimentStatusName,
  FieldChange,
  ListExperimentsQuery,
} from './experiment-schemas.js';

type ExperimentRow = Selectable<ExperimentsTable>;

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** Maps a row to the REST shape; the database CHECK constraints guarantee the enums. */
function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    hypothesis: row.hypothesis,
    owner: row.owner,
    description: row.description,
    status: row.status as ExperimentStatusName,
    variants: row.variants as Experiment['variants'],
    coverage: row.coverage,
    unitAttribute: row.unit_attribute,
    salt: row.salt,
    targeting: row.targeting as Experiment['targeting'],
    layer: row.layer_key === null ? null : { key: row.layer_key, range: [row.layer_from ?? 0, row.layer_to ?? 0] },
    overrides: row.overrides,
    sticky: row.sticky,
    metrics: row.metrics as Experiment['metrics'],
    routing: row.routing as Experiment['routing'],
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    startedAt: iso(row.started_at),
    stoppedAt: iso(row.stopped_at),
    archivedAt: iso(row.archived_at),
  };
}

function definitionColumns(definition: ExperimentDefinitionInput) {
  return {
    name: definition.name,
    hypothesis: definition.hypothesis,
    owner: definition.owner ?? null,
    description: definition.description ?? null,
    variants: JSON.stringify(definition.variants),
    coverage: definition.coverage,
    unit_attribute: definition.unitAttribute,
    salt: definition.salt ?? null,
    targeting: JSON.stringify(definition.targeting),
    layer_key: definition.layer?.key ?? null,
    layer_from: definition.layer?.range[0] ?? null,
    layer_to: definition.layer?.range[1] ?? null,
    overrides: JSON.stringify(definition.overrides),
    sticky: definition.sticky,
    metrics: JSON.stringify(definition.metrics),
    routing: definition.routing === undefined ? null : JSON.stringify(definition.routing),
  };
}

/** Lifecycle timestamps a transition sets. */
export interface StatusChange {
  readonly status: ExperimentStatusName;
  readonly startedAt?: Date;
  readonly stoppedAt?: Date;
  readonly archivedAt?: Date;
}

/** An experiment in a layer, for the overlap check. */
export interface LayerMember {
  readonly key: string;
  readonly status: ExperimentStatusName;
  readonly range: readonly [number, number];
}

export interface NewHistoryEntry {
  readonly experiment: Pick<Experiment, 'id' | 'key' | 'version'>;
  readonly action: string;
  readonly actorKeyId: string | null;
  readonly changes: readonly FieldChange[];
}

export interface ExperimentsRepositoryOptions {
  /**
   * Called once a new SDK config version is committed, before the write that made it returns:
   * this replica's own caches learn of it at once, without waiting for its NOTIFY to come back.
   */
  readonly onConfigPublished?: (version: number) => void;
}

/**
 * The experiments, their history and the SDK config version counter: the only code that queries
 * those tables. Other modules read experiments through it as an `ExperimentReader`.
 */
export class ExperimentsRepository implements ExperimentReader {
  readonly #db: Kysely<Database>;
  readonly #onConfigPublished: (version: number) => void;

  constructor(db: Kysely<Database>, options: ExperimentsRepositoryOptions = {}) {
    this.#db = db;
    this.#onConfigPublished = options.onConfigPublished ?? (() => undefined);
  }

  /**
   * Runs `work` in one transaction, with a repository bound to it; `trx` lets other modules'
   * writes (the metric catalogue's) join the same transaction.
   */
  async transaction<T>(work: (repository: ExperimentsRepository, trx: Kysely<Database>) => Promise<T>): Promise<T> {
    // Versions published inside are announced only after the commit.
    const published: number[] = [];
    const result = await this.#db
      .transaction()
      .execute((trx) =>
        work(new ExperimentsRepository(trx, { onConfigPublished: (version) => published.push(version) }), trx),
      );
    for (const version of published) this.#onConfigPublished(version);
    return result;
  }

  /** Inserts a draft, or returns null when the key is taken. */
  async insert(key: string, definition: ExperimentDefinitionInput): Promise<Experiment | null> {
    const row = await this.#db
      .insertInto('experiments')
      .values({ key, status: 'draft', ...definitionColumns(definition) })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : toExperiment(row);
  }

  /** The experiment with `key`; `forUpdate` locks its row until the transaction ends. */
  async findByKey(key: string, options: { forUpdate?: boolean } = {}): Promise<Experiment | undefined> {
    let query = this.#db.selectFrom('experiments').selectAll().where('key', '=', key);
    if (options.forUpdate === true) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toExperiment(row);
  }

  async findByKeys(keys: readonly string[]): Promise<Experiment[]> {
    if (keys.length === 0) return [];
    const rows = await this.#db
      .selectFrom('experiments')
      .selectAll()
      .where('key', 'in', [...keys])
      .execute();
    return rows.map(toExperiment);
  }

  async findVariants(keys: readonly string[]): Promise<Map<string, ExperimentVariants>> {
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

  async readConfigVersion(): Promise<number> {
    const row = await this.#db
      .selectFrom('sdk_config_state')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return row.version;
  }

  async readServed(): Promise<ServedExperiments> {
    return this.#db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const version = await new ExperimentsRepository(trx).readConfigVersion();
        const rows = await trx
          .selectFrom('experiments')
          .selectAll()
          .where('status', 'in', [...SERVED_STATUSES])
          .orderBy('key')
          .execute();
        return { version, experiments: rows.map(toExperiment) };
      });
  }

  async readMetrics(): Promise<ExperimentMetrics[]> {
    const rows = await this.#db.selectFrom('experiments').select(['id', 'metrics']).execute();
    return rows.map((row) => {
      // Written through the definition schema, whose defaults fill every field.
      const metrics = row.metrics as Experiment['metrics'];
      return {
        experimentId: row.id,
        metrics: metricsOf(metrics),
        conversionWindowHours: metrics.conversionWindowHours,
      };
    });
  }

  withTransaction(trx: Kysely<Database>): ExperimentReader {
    return new ExperimentsRepository(trx);
  }

  /** A page in creation order; the cursor is the last row's sequence number. */
  async list(query: ListExperimentsQuery): Promise<{ items: Experiment[]; nextCursor: string | null }> {
    let select = this.#db
      .selectFrom('experiments')
      .selectAll()
      .select(sql<string>`seq::text`.as('cursor'))
      .orderBy('seq')
      .limit(query.limit + 1);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.owner !== undefined) select = select.where('owner', '=', query.owner);
    if (query.cursor !== undefined) select = select.where(sql<boolean>`seq > ${query.cursor}::bigint`);
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return { items: page.map(toExperiment), nextCursor: hasMore ? (page.at(-1)?.cursor ?? null) : null };
  }

  /** Writes a new definition and/or status, bumping the version. */
  async update(
    id: string,
    change: { definition?: ExperimentDefinitionInput; status?: StatusChange },
  ): Promise<Experiment> {
    const row = await this.#db
      .updateTable('experiments')
      .set((eb) => ({
        ...(change.definition === undefined ? {} : definitionColumns(change.definition)),
        ...(change.status === undefined
          ? {}
          : {
              status: change.status.status,
              ...(change.status.startedAt === undefined ? {} : { started_at: change.status.startedAt }),
              ...(change.status.stoppedAt === undefined ? {} : { stopped_at: change.status.stoppedAt }),
              ...(change.status.archivedAt === undefined ? {} : { archived_at: change.status.archivedAt }),
            }),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toExperiment(row);
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom('experiments').where('id', '=', id).execute();
  }

  /** Serializes layer checks: two writers cannot both see a free range and take it. */
  async lockLayer(layerKey: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`lift-layer:${layerKey}`}))`.execute(this.#db);
  }

  /** Experiments of a layer that hold their range (neither stopped nor archived), except one. */
  async findLayerMembers(layerKey: string, exceptId: string | null): Promise<LayerMember[]> {
    let query = this.#db
      .selectFrom('experiments')
      .select(['key', 'status', 'layer_from', 'layer_to'])
      .where('layer_key', '=', layerKey)
      .where('status', 'in', ['draft', 'running', 'paused'])
      .orderBy('seq');
    if (exceptId !== null) query = query.where('id', '<>', exceptId);
    const rows = await query.execute();
    return rows.map((row) => ({
      key: row.key,
      status: row.status as ExperimentStatusName,
      range: [row.layer_from ?? 0, row.layer_to ?? 0],
    }));
  }

  async insertHistory(entry: NewHistoryEntry): Promise<void> {
    await this.#db
      .insertInto('experiment_history')
      .values({
        experiment_id: entry.experiment.id,
        experiment_key: entry.experiment.key,
        version: entry.experiment.version,
        action: entry.action,
        actor_key_id: entry.actorKeyId,
        changes: JSON.stringify(entry.changes),
      })
      .execute();
  }

  /** The experiment's history, oldest first. */
  async listHistory(experimentId: string): Promise<HistoryRecord[]> {
    const rows = await this.#db
      .selectFrom('experiment_history')
      .select(['version', 'action', 'actor_key_id', 'changed_at', 'changes'])
      .where('experiment_id', '=', experimentId)
      .orderBy('id')
      .execute();
    return rows.map(historyRecordOf);
  }

  /**
   * Bumps the SDK config version and announces it on the change channel; NOTIFY is delivered on
   * commit, so replicas never hear of a version they cannot read yet.
   */
  async publishConfigChange(): Promise<number> {
    const { version } = await this.#db
      .updateTable('sdk_config_state')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', 1)
      .returning('version')
      .executeTakeFirstOrThrow();
    await sql`select pg_notify(${CONFIG_CHANNEL}, ${String(version)})`.execute(this.#db);
    this.#onConfigPublished(version);
    return version;
  }
}
