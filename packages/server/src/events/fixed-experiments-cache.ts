/**
 * Ingest's cache of experiments out of draft, read once per replica: their id and variant keys
 * never change and they are never deleted (only drafts are), so a batch of exposures to them, such
 * as an assignment's, costs no experiment lookup. Drafts are read on every batch.
 *
 * What it buys (bench:ingest-cache, one-exposure batches, on a busy shared 2-core machine): one
 * statement fewer per batch; about a fifth less wall time (6.0 -> 4.9 ms, 9.7 -> 8.1 ms in two
 * runs), ~30% less server CPU (1.33 -> 0.93 ms, 1.79 -> 1.29 ms) and 24-32% less PostgreSQL CPU
 * (0.90 -> 0.61 ms, 0.93 -> 0.71 ms) per batch. Larger batches share the one lookup, so the share
 * falls as they grow.
 */
import type { ExperimentReader, ExperimentVariants } from '../experiments/experiment-reader.js';

/** Experiments out of draft whose variants one replica remembers (they never change). */
const DEFAULT_MAX_EXPERIMENTS = 10_000;

/** `findVariants` of the experiments module, remembering the experiments out of draft once read. */
export class FixedExperimentsCache implements Pick<ExperimentReader, 'findVariants'> {
  readonly #experiments: Pick<ExperimentReader, 'findVariants'>;
  readonly #maxExperiments: number;
  readonly #fixed = new Map<string, ExperimentVariants>();

  constructor(experiments: Pick<ExperimentReader, 'findVariants'>, options: { maxExperiments?: number } = {}) {
    this.#experiments = experiments;
    this.#maxExperiments = options.maxExperiments ?? DEFAULT_MAX_EXPERIMENTS;
  }

  async findVariants(keys: readonly string[]): Promise<Map<string, ExperimentVariants>> {
    const found = new Map<string, ExperimentVariants>();
    const unread: string[] = [];
    for (const key of keys) {
      const known = this.#fixed.get(key);
      if (known === undefined) unread.push(key);
      else found.set(key, known);
    }
    for (const [key, experiment] of await this.#experiments.findVariants(unread)) {
      found.set(key, experiment);
      if (experiment.isFixed && this.#fixed.size < this.#maxExperiments) this.#fixed.set(key, experiment);
    }
    return found;
  }
}
