import { sql, type Kysely, type Selectable } from 'kysely';
import { historyRecordOf, type FieldChange, type HistoryRecord } from '../common/history-entries.js';
import type { Database, MetricsTable } from '../db/schema.js';
import type {
  MetricAggregateSource,
  MetricDefinition,
  MetricDirection,
  MetricReader,
  MetricType,
} from './metric-reader.js';
import type { ListMetricsQuery, MetricDefinitionInput } from './metric-schemas.js';

type MetricRow = Selectable<MetricsTable>;

function toSource(value: Record<string, unknown> | null): MetricAggregateSource | null {
  if (value === null) return null;
  // Written from the schema, and the table's CHECK constraints hold the fields to it.
  const source = value as unknown as MetricAggregateSource;
  return { event: source.event, aggregate: source.aggregate };
}

/** Maps a row to the definition; the database CHECK constraints guarantee the enums. */
function toDefinition(row: MetricRow): MetricDefinition {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    type: row.type as MetricType,
    direction: row.direction as MetricDirection,
    event: row.event,
    numerator: toSource(row.numerator),
    denominator: toSource(row.denominator),
    capping: row.per_unit_max === null ? null : { perUnitMax: row.per_unit_max },
    windowHours: row.window_hours,
    nonInferiorityMargin: row.non_inferiority_margin,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function sourceColumn(source: MetricAggregateSource | undefined): string | null {
  return source === undefined ? null : JSON.stringify({ event: source.event, aggregate: source.aggregate });
}

function definitionColumns(definition: MetricDefinitionInput) {
  return {
    name: definition.name,
    description: definition.description ?? null,
    type: definition.type,
    event: definition.event ?? null,
    numerator: sourceColumn(definition.numerator),
    denominator: sourceColumn(definition.denominator),
    direction: definition.direction,
    per_unit_max: definition.capping?.perUnitMax ?? null,
    window_hours: definition.windowHours,
    non_inferiority_margin: definition.nonInferiorityMargin ?? null,
  };
}

/** A metric to add, by key. */
export interface NewMetric {
  readonly key: string;
  readonly definition: MetricDefinitionInput;
}

export interface NewMetricHistoryEntry {
  readonly metric: Pick<MetricDefinition, 'key' | 'version'>;
  readonly action: string;
  readonly actorKeyId: string | null;
  readonly changes: readonly FieldChange[];
}

/**
 * The metric catalogue and its history: the only code that queries those tables. Other modules
 * read definitions through it as a `MetricReader`.
 */
export class MetricsRepository implements MetricReader {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Runs `work` in one transaction, with a repository bound to it. */
  async transaction<T>(work: (repository: MetricsRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new MetricsRepository(trx)));
  }

  withTransaction(trx: Kysely<Database>): MetricsRepository {
    return new MetricsRepository(trx);
  }

  /**
   * Inserts the metrics whose keys are free and returns those it inserted; a key taken meanwhile
   * (by a concurrent writer) is skipped, once that writer commits.
   */
  async insertMissing(metrics: readonly NewMetric[]): Promise<MetricDefinition[]> {
    if (metrics.length === 0) return [];
    const rows = await this.#db
      .insertInto('metrics')
      .values(metrics.map((metric) => ({ key: metric.key, ...definitionColumns(metric.definition) })))
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returningAll()
      .execute();
    return rows.map(toDefinition);
  }

  /** The metric with `key`; `forUpdate` locks its row until the transaction ends. */
  async findByKey(key: string, options: { forUpdate?: boolean } = {}): Promise<MetricDefinition | undefined> {
    let query = this.#db.selectFrom('metrics').selectAll().where('key', '=', key);
    if (options.forUpdate === true) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toDefinition(row);
  }

  async findByKeys(keys: readonly string[]): Promise<Map<string, MetricDefinition>> {
    if (keys.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('metrics')
      .selectAll()
      .where('key', 'in', [...new Set(keys)])
      .execute();
    return new Map(rows.map((row) => [row.key, toDefinition(row)]));
  }

  /** A page in creation order; the cursor is the last row's sequence number. */
  async list(query: ListMetricsQuery): Promise<{ items: MetricDefinition[]; nextCursor: string | null }> {
    let select = this.#db
      .selectFrom('metrics')
      .selectAll()
      .select(sql<string>`seq::text`.as('cursor'))
      .orderBy('seq')
      .limit(query.limit + 1);
    if (query.cursor !== undefined) select = select.where(sql<boolean>`seq > ${query.cursor}::bigint`);
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return { items: page.map(toDefinition), nextCursor: hasMore ? (page.at(-1)?.cursor ?? null) : null };
  }

  /** Writes a new definition, bumping the version. */
  async update(key: string, definition: MetricDefinitionInput): Promise<MetricDefinition> {
    const row = await this.#db
      .updateTable('metrics')
      .set((eb) => ({
        ...definitionColumns(definition),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDefinition(row);
  }

  async insertHistory(entries: readonly NewMetricHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#db
      .insertInto('metric_history')
      .values(
        entries.map((entry) => ({
          metric_key: entry.metric.key,
          version: entry.metric.version,
          action: entry.action,
          actor_key_id: entry.actorKeyId,
          changes: JSON.stringify(entry.changes),
        })),
      )
      .execute();
  }

  /** The metric's history, oldest first. */
  async listHistory(key: string): Promise<HistoryRecord[]> {
    const rows = await this.#db
      .selectFrom('metric_history')
      .select(['version', 'action', 'actor_key_id', 'changed_at', 'changes'])
      .where('metric_key', '=', key)
      .orderBy('id')
      .execute();
    return rows.map(historyRecordOf);
  }
}
