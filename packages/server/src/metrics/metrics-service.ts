import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import { creationChanges, withActorNames, type FieldChange, type HistoryEntry } from '../common/history-entries.js';
import { mergePatch } from '../common/merge-patch.js';
import type { Database } from '../db/schema.js';
import { DomainError, validationError } from '../errors/domain-error.js';
import { DEFAULT_CONVERSION_WINDOW_HOURS } from '../facts/fact-rules.js';
import type { Principal } from '../http/principal.js';
import type { KeyNameReader } from '../keys/keys-repository.js';
import { toFieldErrors } from '../validation/parse-input.js';
import type { MetricDefinition } from './metric-reader.js';
import {
  metricDefinitionSchema,
  type CreateMetricInput,
  type ListMetricsQuery,
  type MetricDefinitionInput,
  type PatchMetricInput,
} from './metric-schemas.js';
import type { MetricsRepository } from './metrics-repository.js';

/** Optimistic concurrency: the version the caller last saw (from If-Match), if it sent one. */
export interface MetricWriteOptions {
  readonly expectedVersion?: number;
}

/** Where `ensureMetrics` writes: the caller's transaction, on behalf of the caller's key. */
export interface EnsureMetricsOptions {
  readonly trx: Kysely<Database>;
  readonly actor: Principal;
}

const DEFINITION_FIELDS = [
  'name',
  'description',
  'type',
  'event',
  'numerator',
  'denominator',
  'direction',
  'capping',
  'windowHours',
  'nonInferiorityMargin',
] as const satisfies readonly (keyof MetricDefinitionInput)[];

/** The editable definition of a stored metric, in the input shape. */
function definitionOf(metric: MetricDefinition): MetricDefinitionInput {
  return {
    name: metric.name,
    description: metric.description ?? undefined,
    type: metric.type,
    event: metric.event ?? undefined,
    numerator: metric.numerator ?? undefined,
    denominator: metric.denominator ?? undefined,
    direction: metric.direction,
    capping: metric.capping ?? undefined,
    windowHours: metric.windowHours,
    nonInferiorityMargin: metric.nonInferiorityMargin ?? undefined,
  };
}

/**
 * The metric an experiment's name stands for when the catalogue lacks it: before the catalogue,
 * every metric was the share of units that sent the conversion event of that name.
 */
function eventProportion(key: string): MetricDefinitionInput {
  return {
    name: key,
    type: 'proportion',
    event: key,
    direction: 'increase',
    windowHours: DEFAULT_CONVERSION_WINDOW_HOURS,
  };
}

function diffDefinitions(before: MetricDefinitionInput, after: MetricDefinitionInput): FieldChange[] {
  return DEFINITION_FIELDS.filter((field) => !isDeepStrictEqual(before[field] ?? null, after[field] ?? null)).map(
    (field) => ({ field, from: before[field] ?? null, to: after[field] ?? null }),
  );
}

/** Catalogue rules: unique keys, definitions valid as a whole after every edit, and the history. */
export class MetricsService {
  readonly #repository: MetricsRepository;
  readonly #keyNames: KeyNameReader;

  /** `keyNames` names the API keys that made each change in a metric's history. */
  constructor(repository: MetricsRepository, keyNames: KeyNameReader) {
    this.#repository = repository;
    this.#keyNames = keyNames;
  }

  async create(input: CreateMetricInput, actor: Principal): Promise<MetricDefinition> {
    const { key, ...definition } = input;
    return this.#repository.transaction(async (tx) => {
      const [created] = await tx.insertMissing([{ key, definition }]);
      if (created === undefined)
        throw new DomainError('key-taken', `A metric with key "${key}" already exists.`, { key });
      await tx.insertHistory([
        { metric: created, action: 'created', actorKeyId: actor.keyId, changes: creationChanges(definition) },
      ]);
      return created;
    });
  }

  /**
   * Adds to the catalogue, in the caller's transaction, every key of `keys` it lacks, as the
   * proportion of units sending the event of that name; returns the keys it added.
   *
   * @example
   * await metrics.ensureMetrics(['purchase', 'refund'], { trx, actor });
   */
  async ensureMetrics(keys: readonly string[], options: EnsureMetricsOptions): Promise<string[]> {
    const tx = this.#repository.withTransaction(options.trx);
    const existing = await tx.findByKeys(keys);
    const missing = [...new Set(keys)].filter((key) => !existing.has(key));
    const added = await tx.insertMissing(missing.map((key) => ({ key, definition: eventProportion(key) })));
    await tx.insertHistory(
      added.map((metric) => ({
        metric,
        action: 'created',
        actorKeyId: options.actor.keyId,
        changes: creationChanges(eventProportion(metric.key)),
      })),
    );
    return added.map((metric) => metric.key);
  }

  async list(query: ListMetricsQuery): Promise<{ items: MetricDefinition[]; nextCursor: string | null }> {
    return this.#repository.list(query);
  }

  async get(key: string): Promise<MetricDefinition> {
    const metric = await this.#repository.findByKey(key);
    if (metric === undefined) throw notFound(key);
    return metric;
  }

  async history(key: string): Promise<HistoryEntry[]> {
    await this.get(key);
    return withActorNames(await this.#repository.listHistory(key), this.#keyNames);
  }

  /**
   * Edits a metric: the patch is merged into the stored definition, which must stay valid as a
   * whole (a type change brings the fields the new type needs and clears the others).
   */
  async update(
    key: string,
    patch: PatchMetricInput,
    actor: Principal,
    options: MetricWriteOptions = {},
  ): Promise<MetricDefinition> {
    return this.#repository.transaction(async (tx) => {
      const current = await tx.findByKey(key, { forUpdate: true });
      if (current === undefined) throw notFound(key);
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
        throw new DomainError(
          'version-mismatch',
          `Metric "${key}" is at version ${current.version}, not ${options.expectedVersion}; reload it and retry.`,
          { currentVersion: current.version },
        );
      }
      const before = definitionOf(current);
      const parsed = metricDefinitionSchema.safeParse(mergePatch(before, patch));
      if (!parsed.success) throw validationError(toFieldErrors(parsed.error));
      const changes = diffDefinitions(before, parsed.data);
      if (changes.length === 0) return current;
      const updated = await tx.update(key, parsed.data);
      await tx.insertHistory([{ metric: updated, action: 'updated', actorKeyId: actor.keyId, changes }]);
      return updated;
    });
  }
}

function notFound(key: string): DomainError {
  return new DomainError('not-found', `No metric with key "${key}".`, { key });
}
