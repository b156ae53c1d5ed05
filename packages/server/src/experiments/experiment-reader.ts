import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Experiment } from './experiment-schemas.js';

/** What an exposure must name: an experiment and one of its variants. */
export interface ExperimentVariants {
  readonly id: string;
  readonly key: string;
  readonly variants: ReadonlySet<string>;
  /**
   * Whether the experiment has left draft: from then on its id and variant keys never change and
   * it is never deleted (only drafts are), so this answer holds for good.
   */
  readonly isFixed: boolean;
}

/** The SDK config version counter and the experiments it describes, from one snapshot. */
export interface ServedExperiments {
  readonly version: number;
  readonly experiments: readonly Experiment[];
}

/** The metrics an experiment is analysed on and its own conversion window, for the per-unit facts. */
export interface ExperimentMetrics {
  readonly experimentId: string;
  /** The primary metric, then the guardrails, each once. */
  readonly metrics: readonly string[];
  /** Hours after a unit's first exposure in which its conversions count; undefined: the default. */
  readonly conversionWindowHours: number | undefined;
}

/**
 * How other modules read experiments: only `experiments/` queries their table and reads its JSON
 * columns. Each caller takes the methods it needs (`Pick<ExperimentReader, ...>`).
 */
export interface ExperimentReader {
  /** The experiment with `key`, whatever its status. */
  findByKey(key: string): Promise<Experiment | undefined>;
  /** The experiments with these keys, whatever their status (unknown keys are left out). */
  findByKeys(keys: readonly string[]): Promise<Experiment[]>;
  /** The experiments named by `keys`, with their variant keys, by key (for ingest). */
  findVariants(keys: readonly string[]): Promise<Map<string, ExperimentVariants>>;
  /** The SDK config version counter. */
  readConfigVersion(): Promise<number>;
  /** The version and the running and paused experiments it describes, read from one snapshot. */
  readServed(): Promise<ServedExperiments>;
  /** The metrics and conversion window of every experiment (for folding conversions into facts). */
  readMetrics(): Promise<ExperimentMetrics[]>;
  /** The same reader on the caller's transaction, so that its reads share that connection and snapshot. */
  withTransaction(trx: Kysely<Database>): ExperimentReader;
}

/** The metrics an experiment is analysed on: its primary, then its guardrails, each once. */
export function metricsOf(metrics: Pick<Experiment['metrics'], 'primary' | 'guardrails'>): string[] {
  return [...new Set([metrics.primary, ...metrics.guardrails])];
}
