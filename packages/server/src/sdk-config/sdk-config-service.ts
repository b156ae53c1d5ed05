import { createHash } from 'node:crypto';
import type { ConfigSnapshot, ExperimentDefinition } from '@lift/sdk';
import type { Experiment } from '../experiments/experiment-schemas.js';
import type { SdkConfigRepository } from './sdk-config-repository.js';

/** A serialized config snapshot with its strong ETag (a hash of exactly these bytes). */
export interface SnapshotDocument {
  readonly version: number;
  readonly snapshot: ConfigSnapshot;
  readonly body: string;
  readonly etag: string;
}

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

/**
 * Builds the SDK config. A snapshot is rebuilt only when the version counter moved, so polling
 * SDKs cost one tiny query each.
 */
export class SdkConfigService {
  readonly #repository: SdkConfigRepository;
  #cached: SnapshotDocument | null = null;

  constructor(repository: SdkConfigRepository) {
    this.#repository = repository;
  }

  /** The last version this replica served or heard of, for the config-version metric. */
  get lastKnownVersion(): number | null {
    return this.#cached?.version ?? null;
  }

  async current(): Promise<SnapshotDocument> {
    const version = await this.#repository.readVersion();
    const cached = this.#cached;
    if (cached !== null && cached.version === version) return cached;
    const served = await this.#repository.readServed();
    const snapshot: ConfigSnapshot = { version: served.version, experiments: served.experiments.map(toDefinition) };
    const body = JSON.stringify(snapshot);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, ETAG_HASH_LENGTH)}"`;
    const document = { version: served.version, snapshot, body, etag };
    if (this.#cached === null || this.#cached.version < document.version) this.#cached = document;
    return document;
  }
}
