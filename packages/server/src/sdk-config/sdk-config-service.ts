import { createHash } from 'node:crypto';
import type { ConfigSnapshot, ExperimentDefinition } from '@lift/sdk';
import type { ChangeFeed } from '../db/change-feed.js';
import type { ExperimentReader, ServedExperiments } from '../experiments/experiment-reader.js';
import type { Experiment } from '../experiments/experiment-schemas.js';

/** A serialized config snapshot with its strong ETag (a hash of exactly these bytes). */
export interface SnapshotDocument {
  readonly version: number;
  readonly snapshot: ConfigSnapshot;
  readonly body: string;
  readonly etag: string;
  /** The served experiments' ids by key (the snapshot SDKs read names experiments by key only). */
  readonly experimentIds: ReadonlyMap<string, string>;
}

/** What the SDK config is read from: the experiments module, which owns the version counter. */
export type ServedExperimentsReader = Pick<ExperimentReader, 'readConfigVersion' | 'readServed'>;

const ETAG_HASH_LENGTH = 32;

/** An experiment in the shape SDKs decide with (`ExperimentDefinition` of `@lift/sdk`). */
export function toDefinition(experiment: Experiment): ExperimentDefinition {
  return {
    key: experiment.key,
    status: experiment.status,
    variants: experiment.variants.map((variant) => ({
      key: variant.key,
      weight: variant.weight,
      ...(variant.payload === undefined ? {} : { payload: variant.payload }),
    })),
    coverage: experiment.coverage,
    unitAttribute: experiment.unitAttribute,
    ...(experiment.salt === null ? {} : { salt: experiment.salt }),
    targeting: experiment.targeting,
    ...(experiment.layer === null ? {} : { layer: experiment.layer }),
    overrides: experiment.overrides,
    sticky: experiment.sticky,
    version: experiment.version,
  };
}

function toDocument(served: ServedExperiments): SnapshotDocument {
  const snapshot: ConfigSnapshot = { version: served.version, experiments: served.experiments.map(toDefinition) };
  const body = JSON.stringify(snapshot);
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, ETAG_HASH_LENGTH)}"`;
  const experimentIds = new Map(served.experiments.map((experiment) => [experiment.key, experiment.id]));
  return { version: served.version, snapshot, body, etag, experimentIds };
}

/**
 * Builds the SDK config. `current()` re-reads the version counter (one tiny query) and rebuilds the
 * snapshot only when it moved; `served()` answers from memory while the change feed vouches that
 * nothing changed since the snapshot was read, so deciding costs no query at all.
 */
export class SdkConfigService {
  readonly #experiments: ServedExperimentsReader;
  readonly #feed: ChangeFeed | null;
  readonly #unsubscribe: () => void;
  #cached: SnapshotDocument | null = null;
  /** Bumped on every announced change (from any replica, or noted by this one). */
  #generation = 0;
  /** The generation at which `#cached` was last confirmed current; -1 = never. */
  #confirmedGeneration = -1;
  #loading: { readonly generation: number; readonly document: Promise<SnapshotDocument> } | null = null;

  constructor(experiments: ServedExperimentsReader, options: { feed?: ChangeFeed } = {}) {
    this.#experiments = experiments;
    this.#feed = options.feed ?? null;
    this.#unsubscribe = this.#feed?.subscribe(() => this.noteChange()) ?? (() => undefined);
  }

  /** The last version this replica served or heard of, for the config-version metric. */
  get lastKnownVersion(): number | null {
    return this.#cached?.version ?? null;
  }

  /**
   * Forgets that the snapshot is current: called for every announcement, and by this replica
   * right after it commits a change, so its own next decision never uses the old config.
   */
  noteChange(): void {
    this.#generation += 1;
    // Refreshed now rather than by the next request, so requests rarely wait for it.
    if (this.#cached !== null && this.#isFeedLive()) void this.served().catch(() => undefined);
  }

  /** The current config, read from the database (the version counter, and the rest if it moved). */
  async current(): Promise<SnapshotDocument> {
    const generation = this.#generation;
    const isLive = this.#isFeedLive();
    const version = await this.#experiments.readConfigVersion();
    const cached = this.#cached;
    let document: SnapshotDocument;
    if (cached !== null && cached.version === version) document = cached;
    else {
      document = toDocument(await this.#experiments.readServed());
      if (this.#cached === null || this.#cached.version < document.version) this.#cached = document;
    }
    // Trusted from now on only if the feed was listening for the whole read and heard nothing.
    if (isLive && generation === this.#generation && this.#cached === document) this.#confirmedGeneration = generation;
    return document;
  }

  /**
   * The config to decide with: from memory while the change feed is live and has announced no
   * change since it was read, otherwise `current()` (concurrent callers share one read).
   */
  async served(): Promise<SnapshotDocument> {
    const cached = this.#cached;
    if (cached !== null && this.#confirmedGeneration === this.#generation && this.#isFeedLive()) return cached;
    // Join a read only if it began after the last announcement: an older one may predate the change.
    const loading = this.#loading;
    if (loading !== null && loading.generation === this.#generation) return loading.document;
    const started = { generation: this.#generation, document: this.current() };
    this.#loading = started;
    const clear = (): void => {
      if (this.#loading === started) this.#loading = null;
    };
    started.document.then(clear, clear);
    return started.document;
  }

  /** Stops listening to the change feed. */
  close(): void {
    this.#unsubscribe();
  }

  #isFeedLive(): boolean {
    return this.#feed?.isLive === true;
  }
}
