import type { Kysely } from 'kysely';
import { creationChanges, withActorNames } from '../common/history-entries.js';
import { mergePatch } from '../common/merge-patch.js';
import type { Database } from '../db/schema.js';
import { DomainError, validationError } from '../errors/domain-error.js';
import type { Principal } from '../http/principal.js';
import { toFieldErrors } from '../validation/parse-input.js';
import { diffDefinitions, findLockedFields, rangesOverlap, type LockedField } from './experiment-changes.js';
import { isServed, nextStatus, TRANSITIONS, type TransitionName } from './experiment-lifecycle.js';
import {
  definitionSchema,
  type CreateExperimentInput,
  type Experiment,
  type ExperimentDefinitionInput,
  type HistoryEntry,
  type ListExperimentsQuery,
  type PatchExperimentInput,
} from './experiment-schemas.js';
import type { KeyNameReader } from '../keys/keys-repository.js';
import type { MetricsService } from '../metrics/metrics-service.js';
import type { ExperimentsRepository, StatusChange } from './experiments-repository.js';

/** Optimistic concurrency: the version the caller last saw (from If-Match), if it sent one. */
export interface WriteOptions {
  readonly expectedVersion?: number;
}

/** The editable definition of a stored experiment, in the input shape. */
export function definitionOf(experiment: Experiment): ExperimentDefinitionInput {
  return {
    name: experiment.name,
    hypothesis: experiment.hypothesis,
    owner: experiment.owner ?? undefined,
    description: experiment.description ?? undefined,
    variants: experiment.variants,
    coverage: experiment.coverage,
    unitAttribute: experiment.unitAttribute,
    salt: experiment.salt ?? undefined,
    targeting: experiment.targeting,
    layer: experiment.layer ?? undefined,
    overrides: experiment.overrides,
    sticky: experiment.sticky,
    metrics: experiment.metrics,
    routing: experiment.routing ?? undefined,
  };
}

/** Applies a PATCH to a definition: present fields replace, null clears, metrics merge field by field. */
function mergeExperimentPatch(
  current: ExperimentDefinitionInput,
  patch: PatchExperimentInput,
): Record<string, unknown> {
  const { metrics, ...fields } = patch;
  const merged = mergePatch(current, fields);
  if (metrics !== undefined) merged['metrics'] = mergePatch(current.metrics, metrics);
  return merged;
}

/** Every catalogue key the experiment names, each once. */
function metricKeysOf(metrics: ExperimentDefinitionInput['metrics']): string[] {
  return [...new Set([metrics.primary, ...metrics.secondary, ...metrics.guardrails])];
}

/** What experiments ask of other modules. */
export interface ExperimentsServiceSources {
  /** Names the API keys that made each change in an experiment's history. */
  readonly keyNames: KeyNameReader;
  /** The metric catalogue, which adds the metrics an experiment names that it lacks. */
  readonly metrics: Pick<MetricsService, 'ensureMetrics'>;
}

/** Experiment rules: validation beyond shape, the lifecycle, edit locks, layers and history. */
export class ExperimentsService {
  readonly #repository: ExperimentsRepository;
  readonly #sources: ExperimentsServiceSources;

  constructor(repository: ExperimentsRepository, sources: ExperimentsServiceSources) {
    this.#repository = repository;
    this.#sources = sources;
  }

  async create(input: CreateExperimentInput, actor: Principal): Promise<Experiment> {
    const { key, ...definition } = input;
    return this.#repository.transaction(async (tx, trx) => {
      const created = await tx.insert(key, definition);
      if (created === null)
        throw new DomainError('key-taken', `An experiment with key "${key}" already exists.`, { key });
      await this.#checkLayer(tx, key, created.id, definition);
      await this.#sources.metrics.ensureMetrics(metricKeysOf(definition.metrics), { trx, actor });
      await tx.insertHistory({
        experiment: created,
        action: 'created',
        actorKeyId: actor.keyId,
        changes: creationChanges(definition),
      });
      return created;
    });
  }

  async list(query: ListExperimentsQuery): Promise<{ items: Experiment[]; nextCursor: string | null }> {
    return this.#repository.list(query);
  }

  async get(key: string): Promise<Experiment> {
    const experiment = await this.#repository.findByKey(key);
    if (experiment === undefined) throw notFound(key);
    return experiment;
  }

  async history(key: string): Promise<HistoryEntry[]> {
    return withActorNames(await this.#repository.listHistory((await this.get(key)).id), this.#sources.keyNames);
  }

  /** Edits an experiment; running and paused ones only in ways that keep every user's variant. */
  async update(
    key: string,
    patch: PatchExperimentInput,
    actor: Principal,
    options: WriteOptions = {},
  ): Promise<Experiment> {
    return this.#writeLocked(key, options, async (tx, current, trx) => {
      const before = definitionOf(current);
      const parsed = definitionSchema.safeParse(mergeExperimentPatch(before, patch));
      if (!parsed.success) throw validationError(toFieldErrors(parsed.error));
      const after = parsed.data;
      const changes = diffDefinitions(before, after);
      if (changes.length === 0) return current;
      const locked = findLockedFields(current.status, changes);
      if (locked.length > 0) throw editNotAllowed(current, locked);
      if (changes.some((change) => change.field === 'layer')) await this.#checkLayer(tx, key, current.id, after);
      if (changes.some((change) => change.field.startsWith('metrics.')))
        await this.#sources.metrics.ensureMetrics(metricKeysOf(after.metrics), { trx, actor });
      const updated = await tx.update(current.id, { definition: after });
      await tx.insertHistory({ experiment: updated, action: 'updated', actorKeyId: actor.keyId, changes });
      if (isServed(updated.status)) await tx.publishConfigChange();
      return updated;
    });
  }

  /** Moves an experiment through the lifecycle; an illegal move names the current status. */
  async transition(
    key: string,
    action: TransitionName,
    actor: Principal,
    options: WriteOptions = {},
  ): Promise<Experiment> {
    return this.#writeLocked(key, options, async (tx, current) => {
      const status = nextStatus(current.status, action);
      if (status === null) throw invalidTransition(current, action);
      const now = new Date();
      const change: StatusChange = {
        status,
        ...(action === 'start' ? { startedAt: now } : {}),
        ...(action === 'stop' ? { stoppedAt: now } : {}),
        ...(action === 'archive' ? { archivedAt: now } : {}),
      };
      const updated = await tx.update(current.id, { status: change });
      await tx.insertHistory({
        experiment: updated,
        action: TRANSITIONS[action].past,
        actorKeyId: actor.keyId,
        changes: [{ field: 'status', from: current.status, to: status }],
      });
      if (isServed(current.status) || isServed(status)) await tx.publishConfigChange();
      return updated;
    });
  }

  /** Deletes a draft; anything that has run stays for its analysis (archive it instead). */
  async delete(key: string, actor: Principal, options: WriteOptions = {}): Promise<void> {
    await this.#writeLocked(key, options, async (tx, current) => {
      if (current.status !== 'draft') {
        throw new DomainError(
          'invalid-transition',
          `Cannot delete experiment "${key}": it is ${current.status}; only drafts can be deleted (stop and archive it instead).`,
          {
            currentStatus: current.status,
            action: 'delete',
            allowedFrom: ['draft'],
          },
        );
      }
      await tx.delete(current.id);
      await tx.insertHistory({
        experiment: { ...current, version: current.version + 1 },
        action: 'deleted',
        actorKeyId: actor.keyId,
        changes: [{ field: 'status', from: current.status, to: null }],
      });
    });
  }

  /** Runs `work` in one transaction on the experiment `key`, locked, at the version the caller saw. */
  async #writeLocked<T>(
    key: string,
    options: WriteOptions,
    work: (tx: ExperimentsRepository, current: Experiment, trx: Kysely<Database>) => Promise<T>,
  ): Promise<T> {
    return this.#repository.transaction(async (tx, trx) => work(tx, await this.#lockForWrite(tx, key, options), trx));
  }

  async #lockForWrite(tx: ExperimentsRepository, key: string, options: WriteOptions): Promise<Experiment> {
    const current = await tx.findByKey(key, { forUpdate: true });
    if (current === undefined) throw notFound(key);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new DomainError(
        'version-mismatch',
        `Experiment "${key}" is at version ${current.version}, not ${options.expectedVersion}; reload it and retry.`,
        {
          currentVersion: current.version,
        },
      );
    }
    return current;
  }

  /** Experiments of one layer must have disjoint ranges. */
  async #checkLayer(
    tx: ExperimentsRepository,
    key: string,
    id: string | null,
    definition: ExperimentDefinitionInput,
  ): Promise<void> {
    const layer = definition.layer;
    if (layer === undefined) return;
    await tx.lockLayer(layer.key);
    const other = (await tx.findLayerMembers(layer.key, id)).find((member) => rangesOverlap(member.range, layer.range));
    if (other !== undefined) {
      throw new DomainError(
        'layer-overlap',
        `Layer "${layer.key}" range [${layer.range[0]}, ${layer.range[1]}) of "${key}" overlaps experiment "${other.key}" ([${other.range[0]}, ${other.range[1]}), ${other.status}).`,
        { layer: layer.key, conflictingExperiment: other.key, conflictingRange: other.range },
      );
    }
  }
}

function editNotAllowed(current: Experiment, locked: readonly LockedField[]): DomainError {
  const reasons = locked.map((field) => `${field.field}: ${field.reason}`).join('; ');
  return new DomainError(
    'edit-not-allowed',
    `Experiment "${current.key}" is ${current.status}; cannot change ${reasons}.`,
    {
      currentStatus: current.status,
      lockedFields: locked,
    },
  );
}

function invalidTransition(current: Experiment, action: TransitionName): DomainError {
  const allowedFrom = TRANSITIONS[action].from;
  return new DomainError(
    'invalid-transition',
    `Cannot ${action} experiment "${current.key}": it is ${current.status}, and ${action} needs ${allowedFrom.join(' or ')}.`,
    { currentStatus: current.status, action, allowedFrom },
  );
}

function notFound(key: string): DomainError {
  return new DomainError('not-found', `No experiment with key "${key}".`, { key });
}
