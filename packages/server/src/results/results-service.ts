import { isRecord } from '../common/is-record.js';
import { DomainError } from '../errors/domain-error.js';
import { metricsOf, type ExperimentReader } from '../experiments/experiment-reader.js';
import type { Experiment } from '../experiments/experiment-schemas.js';
import type { AggregateCell, FactsReader } from '../facts/facts-reader.js';
import { aggregateMetric, seriesByVariant } from './results-aggregates.js';
import type { ExperimentResults, ExperimentTimeseries } from './results-schemas.js';
import { analyzeMetric } from './statistics/analyze-metric.js';

/**
 * JSON has no NaN or Infinity. The statistics are written to stay finite; this is the last line:
 * a non-finite p-value or probability becomes its least committal value rather than a broken
 * document or a false "significant".
 */
export function toFinite(value: number, fallback = 0): number {
  if (Number.isNaN(value)) return fallback;
  if (value === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (value === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return value;
}

function finiteDeep<T>(value: T): T {
  if (typeof value === 'number') return toFinite(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => finiteDeep(item)) as T;
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([field, item]) => [
        field,
        field.startsWith('pValue') && typeof item === 'number' ? toFinite(item, 1) : finiteDeep(item),
      ]),
    ) as T;
  }
  return value;
}

/** What results are read from: the experiment by key, and the per-unit facts. */
export interface ResultsSources {
  readonly experiments: Pick<ExperimentReader, 'findByKey'>;
  readonly facts: Pick<FactsReader, 'aggregateCells'>;
}

export interface ResultsServiceOptions {
  readonly now?: () => Date;
  /** Brings the per-unit facts up to every acknowledged event before they are read (`FactFolder.foldNow`). */
  readonly catchUp?: () => Promise<void>;
}

/** Results rules: which metrics may be asked for, which units count, and the analysis. */
export class ResultsService {
  readonly #sources: ResultsSources;
  readonly #now: () => Date;
  readonly #catchUp: () => Promise<void>;

  constructor(sources: ResultsSources, options: ResultsServiceOptions = {}) {
    this.#sources = sources;
    this.#now = options.now ?? (() => new Date());
    this.#catchUp = options.catchUp ?? (() => Promise.resolve());
  }

  /** The analysis of one metric (default: the primary) of the experiment `key`. */
  async results(key: string, metric?: string): Promise<ExperimentResults> {
    const experiment = await this.#experiment(key);
    return this.#analyze(experiment, this.#metric(experiment, metric));
  }

  /** The analysis of every metric (primary first, then guardrails), e.g. for the CSV export. */
  async allResults(key: string): Promise<ExperimentResults[]> {
    const experiment = await this.#experiment(key);
    const all: ExperimentResults[] = [];
    for (const metric of metricsOf(experiment.metrics)) all.push(await this.#analyze(experiment, metric));
    return all;
  }

  /** Daily cumulative units, conversions and rate per variant, for charts. */
  async timeseries(key: string, metric?: string): Promise<ExperimentTimeseries> {
    const experiment = await this.#experiment(key);
    const name = this.#metric(experiment, metric);
    const { daily } = aggregateMetric(await this.#cells(experiment, name), experiment.variants);
    return {
      experiment: experiment.key,
      metric: name,
      generatedAt: this.#now().toISOString(),
      variants: seriesByVariant(daily, experiment.variants),
    };
  }

  async #experiment(key: string): Promise<Experiment> {
    const experiment = await this.#sources.experiments.findByKey(key);
    if (experiment === undefined) throw new DomainError('not-found', `No experiment with key "${key}".`, { key });
    await this.#catchUp();
    return experiment;
  }

  #metric(experiment: Experiment, metric: string | undefined): string {
    if (metric === undefined) return experiment.metrics.primary;
    const metrics = metricsOf(experiment.metrics);
    if (!metrics.includes(metric)) {
      throw new DomainError(
        'not-found',
        `Experiment "${experiment.key}" has no metric "${metric}"; its metrics are ${metrics.map((name) => `"${name}"`).join(', ')}.`,
        { key: experiment.key, metric, metrics },
      );
    }
    return metric;
  }

  async #analyze(experiment: Experiment, metric: string): Promise<ExperimentResults> {
    const { variants, daily, exclusions } = aggregateMetric(await this.#cells(experiment, metric), experiment.variants);
    const analysis = analyzeMetric({ variants, daily });
    return finiteDeep({
      experiment: experiment.key,
      metric,
      generatedAt: this.#now().toISOString(),
      multipleExposures: { units: exclusions.multipleExposures },
      overrides: { units: exclusions.overrides },
      unknownVariant: { units: exclusions.unknownVariant },
      srm: analysis.srm,
      variants: analysis.variants.map((variant) => ({ ...variant, rateCI: [...variant.rateCI] as [number, number] })),
      power: analysis.power,
    }) as ExperimentResults;
  }

  #cells(experiment: Experiment, metric: string): Promise<AggregateCell[]> {
    return this.#sources.facts.aggregateCells({
      experimentId: experiment.id,
      metric,
      overrideUnits: Object.keys(experiment.overrides),
    });
  }
}
