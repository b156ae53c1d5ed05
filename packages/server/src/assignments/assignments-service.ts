import {
  DEFAULT_UNIT_ATTRIBUTE,
  applySticky,
  createEventId,
  decide,
  isStickyOverridable,
  readUnit,
  type Attributes,
  type Decision,
  type ExperimentDefinition,
} from '@lift/sdk';
import { isRecord } from '../common/is-record.js';
import { DomainError } from '../errors/domain-error.js';
import { MAX_BATCH_EVENTS } from '../events/event-schemas.js';
import type { EventsService } from '../events/events-service.js';
import type { ExperimentReader } from '../experiments/experiment-reader.js';
import type { FactsReader } from '../facts/facts-reader.js';
import { toDefinition, type SdkConfigService, type SnapshotDocument } from '../sdk-config/sdk-config-service.js';
import type { AssignmentsInput, LookupResult } from './assignment-schemas.js';
import type { AssignmentsRepository, ExperimentUnit, StickyOutcome, StickyProposal } from './assignments-repository.js';
import { GroupCommit } from './group-commit.js';

/** Exposures this replica remembers having logged, so repeated requests do not log them again. */
const DEFAULT_EXPOSURE_CACHE_SIZE = 100_000;
/** Sticky variants this replica remembers having read or recorded. */
const DEFAULT_STICKY_CACHE_SIZE = 100_000;
/** The units one sticky statement takes. */
const MAX_STICKY_BATCH = 1_000;

/** What assignments are decided, recorded and looked up with. */
export interface AssignmentsDependencies {
  /** The sticky assignments. */
  readonly sticky: AssignmentsRepository;
  /** The served config, decided from memory. */
  readonly config: SdkConfigService;
  /** Experiments the config does not serve (drafts, stopped), read by key. */
  readonly experiments: Pick<ExperimentReader, 'findByKeys'>;
  /** Where exposures are logged. */
  readonly events: EventsService;
  /** Units' first exposures, for lookups. */
  readonly facts: Pick<FactsReader, 'findExposure'>;
}

export interface AssignmentsServiceOptions {
  readonly exposureCacheSize?: number;
  readonly stickyCacheSize?: number;
  /** Brings the per-unit facts up to every acknowledged event before a lookup reads them. */
  readonly catchUp?: () => Promise<void>;
}

/** A map that forgets its oldest entries beyond `limit`. */
class BoundedMap<Value> {
  readonly #entries = new Map<string, Value>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): Value | undefined {
    return this.#entries.get(key);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, value: Value): void {
    this.#entries.set(key, value);
    if (this.#entries.size <= this.#limit) return;
    const oldest = this.#entries.keys().next();
    if (oldest.done !== true) this.#entries.delete(oldest.value);
  }
}

/**
 * A context from flat `name=value` pairs (query parameters), where a dotted name is a path into
 * nested attributes, as the SDK reads them: `user.id=42` gives `{ user: { id: '42' } }`. A later
 * pair wins; a path through a plain value replaces it with an object.
 */
export function nestAttributes(pairs: readonly (readonly [string, string])[]): Attributes {
  // Defined, not assigned: a segment named "__proto__" is an attribute like any other.
  const setOwn = (target: Record<string, unknown>, key: string, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  const context: Record<string, unknown> = {};
  for (const [name, value] of pairs) {
    const segments = name.split('.');
    let target = context;
    for (const segment of segments.slice(0, -1)) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (isRecord(next)) {
        target = next;
      } else {
        const created: Record<string, unknown> = {};
        setOwn(target, segment, created);
        target = created;
      }
    }
    setOwn(target, segments[segments.length - 1] ?? name, value);
  }
  return context as Attributes;
}

function unitKey(experiment: string, unit: string): string {
  return `${experiment}\u0000${unit}`;
}

function unknownExperiment(key: string): Decision {
  return { experiment: key, variant: null, inExperiment: false, reason: 'error', bucket: null, payload: null };
}

interface Decided {
  readonly definition: ExperimentDefinition | null;
  /** The experiment's id (null: no experiment with the requested key). */
  readonly experimentId: string | null;
  readonly unit: string | null;
  decision: Decision;
}

/** A decision the sticky step may replace: a sticky experiment, a unit, an overridable reason. */
interface StickyCandidate extends ExperimentUnit {
  readonly entry: Decided;
}

/** The served config and its definitions by key. */
interface ServedDefinitions {
  readonly document: SnapshotDocument;
  readonly byKey: ReadonlyMap<string, ExperimentDefinition>;
}

/**
 * Server-side decisions for thin clients, made with `@lift/sdk`'s own `decide` (so the server and
 * every SDK agree), plus the server's sticky step: a unit's first recorded variant wins.
 */
export class AssignmentsService {
  readonly #sticky: AssignmentsRepository;
  readonly #config: SdkConfigService;
  readonly #experiments: Pick<ExperimentReader, 'findByKeys'>;
  readonly #facts: Pick<FactsReader, 'findExposure'>;
  readonly #exposures: GroupCommit<Record<string, unknown>>;
  readonly #stickyWrites: GroupCommit<StickyProposal, StickyOutcome>;
  readonly #logged: BoundedMap<true>;
  /**
   * Sticky variants by experiment id and unit. A recorded variant never changes (rows are only
   * ever inserted): once seen it can be answered from memory.
   */
  readonly #recorded: BoundedMap<string>;
  #definitions: ServedDefinitions | null = null;

  readonly #catchUp: () => Promise<void>;

  constructor(dependencies: AssignmentsDependencies, options: AssignmentsServiceOptions = {}) {
    const { sticky, config, experiments, events, facts } = dependencies;
    this.#sticky = sticky;
    this.#config = config;
    this.#experiments = experiments;
    this.#facts = facts;
    this.#catchUp = options.catchUp ?? (() => Promise.resolve());
    // Exposures of concurrent requests are stored together, one ingest transaction per group,
    // and each request answers only once its own are stored.
    this.#exposures = new GroupCommit(
      async (items) => {
        await events.ingest(items);
      },
      { maxItems: MAX_BATCH_EVENTS },
    );
    this.#stickyWrites = new GroupCommit((proposals) => sticky.recordOrReadSticky(proposals), {
      maxItems: MAX_STICKY_BATCH,
    });
    this.#logged = new BoundedMap(options.exposureCacheSize ?? DEFAULT_EXPOSURE_CACHE_SIZE);
    this.#recorded = new BoundedMap(options.stickyCacheSize ?? DEFAULT_STICKY_CACHE_SIZE);
  }

  /** Decides the requested (or all served) experiments for one context; enrolls and logs exposures. */
  async assign(input: AssignmentsInput): Promise<Decision[]> {
    const context = input.context as Attributes;
    const decided = (await this.#findDefinitions(input.experiments)).map(
      ({ key, definition, experimentId }): Decided =>
        definition === null
          ? { definition, experimentId, unit: null, decision: unknownExperiment(key) }
          : { definition, experimentId, unit: readUnit(definition, context), decision: decide(definition, context) },
    );
    await this.#applySticky(decided);
    if (input.logExposures) await this.#logExposures(decided);
    return decided.map((entry) => entry.decision);
  }

  /**
   * The definitions of `keys` (default: every served experiment), with their ids. The served config
   * comes from memory; only keys it does not serve (drafts, stopped, unknown) are read.
   */
  async #findDefinitions(
    keys: readonly string[] | undefined,
  ): Promise<{ key: string; definition: ExperimentDefinition | null; experimentId: string | null }[]> {
    const served = this.#servedDefinitions(await this.#config.served());
    const wanted = keys === undefined ? [...served.byKey.keys()] : [...new Set(keys)];
    const others = new Map(
      (await this.#experiments.findByKeys(wanted.filter((key) => !served.byKey.has(key)))).map((experiment) => [
        experiment.key,
        experiment,
      ]),
    );
    return wanted.map((key) => {
      const definition = served.byKey.get(key);
      if (definition !== undefined)
        return { key, definition, experimentId: served.document.experimentIds.get(key) ?? null };
      const other = others.get(key);
      return other === undefined
        ? { key, definition: null, experimentId: null }
        : { key, definition: toDefinition(other), experimentId: other.id };
    });
  }

  #servedDefinitions(document: SnapshotDocument): ServedDefinitions {
    if (this.#definitions?.document !== document) {
      this.#definitions = {
        document,
        byKey: new Map(document.snapshot.experiments.map((definition) => [definition.key, definition])),
      };
    }
    return this.#definitions;
  }

  /** The variant a unit has or would get, without enrolling it or logging an exposure. */
  async lookup(key: string, unit: string, attributes: Readonly<Record<string, string>>): Promise<LookupResult> {
    const [experiment] = await this.#experiments.findByKeys([key]);
    if (experiment === undefined) throw new DomainError('not-found', `No experiment with key "${key}".`, { key });
    const definition = toDefinition(experiment);
    const context = nestAttributes([
      ...Object.entries(attributes),
      [definition.unitAttribute ?? DEFAULT_UNIT_ATTRIBUTE, unit],
    ]);
    let decision = decide(definition, context);
    const [recorded] = await this.#sticky.readSticky([{ experimentId: experiment.id, unit }]);
    if (definition.sticky === true) decision = applySticky(definition, decision, recorded?.variant);
    await this.#catchUp();
    const exposure = await this.#facts.findExposure(experiment.id, unit);
    return {
      unit,
      decision,
      recorded:
        recorded === undefined ? null : { variant: recorded.variant, assignedAt: recorded.assignedAt.toISOString() },
      exposure:
        exposure === null
          ? null
          : {
              variant: exposure.variant,
              firstExposedAt: exposure.firstExposedAt.toISOString(),
              isMultiple: exposure.isMultiple,
            },
    };
  }

  /**
   * Sticky experiments: a recorded variant replaces steps 5-6; a unit assigned for the first time
   * is recorded (written once: of concurrent first requests, on any replica, one row wins, and
   * every request answers with the winner).
   */
  async #applySticky(decided: readonly Decided[]): Promise<void> {
    const candidates = decided.flatMap((entry) =>
      entry.definition?.sticky === true &&
      entry.experimentId !== null &&
      entry.unit !== null &&
      isStickyOverridable(entry.decision)
        ? [{ entry, experimentId: entry.experimentId, unit: entry.unit }]
        : [],
    );
    if (candidates.length === 0) return;
    const recorded = new Map<Decided, string>();
    const unseen: StickyCandidate[] = [];
    // Units this replica has seen are answered from memory; the others cost one statement, shared
    // with concurrent requests, that records new units and reads known ones.
    for (const candidate of candidates) {
      const variant = this.#recorded.get(unitKey(candidate.experimentId, candidate.unit));
      if (variant === undefined) unseen.push(candidate);
      else recorded.set(candidate.entry, variant);
    }
    for (const [candidate, record] of await this.#recordSticky(unseen)) {
      this.#recorded.set(unitKey(candidate.experimentId, candidate.unit), record.variant);
      // Written by this request: the decision is the record, and keeps its reason.
      if (!record.isWritten) recorded.set(candidate.entry, record.variant);
    }
    for (const [entry, variant] of recorded) {
      if (entry.definition !== null) entry.decision = applySticky(entry.definition, entry.decision, variant);
    }
  }

  /**
   * Records each candidate's variant unless its unit has one, and answers the variant recorded
   * for each (left out: none recorded and none proposed).
   */
  async #recordSticky(
    candidates: readonly StickyCandidate[],
  ): Promise<Map<StickyCandidate, { variant: string; isWritten: boolean }>> {
    const proposals = candidates.map(({ entry, experimentId, unit }) => ({
      experimentId,
      unit,
      proposed: entry.decision.reason === 'assigned' ? entry.decision.variant : null,
    }));
    const outcomes = await this.#stickyWrites.add(proposals);
    // Recorded by a concurrent transaction after that statement began: not in its snapshot, so read it.
    const missed = candidates.filter(
      (_candidate, index) => outcomes[index]?.variant === null && proposals[index]?.proposed !== null,
    );
    const reread = new Map(
      (await this.#sticky.readSticky(missed)).map((record) => [record.experimentId, record.variant]),
    );
    const records = new Map<StickyCandidate, { variant: string; isWritten: boolean }>();
    candidates.forEach((candidate, index) => {
      const outcome = outcomes[index];
      const variant = outcome?.variant ?? reread.get(candidate.experimentId) ?? null;
      if (variant !== null) records.set(candidate, { variant, isWritten: outcome?.isWritten === true });
    });
    return records;
  }

  /** Logs each in-experiment decision as an exposure, once per unit and variant per replica cache. */
  async #logExposures(decided: readonly Decided[]): Promise<void> {
    const timestamp = new Date().toISOString();
    const fresh = decided.flatMap((entry) => {
      const { decision, unit } = entry;
      if (!decision.inExperiment || decision.variant === null || unit === null) return [];
      const cacheKey = `${unitKey(decision.experiment, unit)}\u0000${decision.variant}`;
      if (this.#logged.has(cacheKey)) return [];
      return [
        {
          cacheKey,
          event: {
            id: createEventId(),
            type: 'exposure',
            experiment: decision.experiment,
            variant: decision.variant,
            unit,
            timestamp,
          },
        },
      ];
    });
    if (fresh.length === 0) return;
    await this.#exposures.add(fresh.map((entry) => entry.event));
    for (const { cacheKey } of fresh) this.#logged.set(cacheKey, true);
  }
}
