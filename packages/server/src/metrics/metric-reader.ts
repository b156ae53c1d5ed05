import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export type MetricType = 'proportion' | 'mean' | 'count' | 'ratio';
export type MetricDirection = 'increase' | 'decrease';
export interface MetricAggregateSource {
  readonly event: string;
  readonly aggregate: 'sum' | 'count';
}
export interface MetricDefinition {
  readonly key: string;
  readonly name: string;
  readonly description: string | null;
  readonly type: MetricType;
  readonly direction: MetricDirection;
  /** proportion, mean, count: the event; ratio: null */
  readonly event: string | null;
  readonly numerator: MetricAggregateSource | null; // ratio only
  readonly denominator: MetricAggregateSource | null; // ratio only
  readonly capping: { readonly perUnitMax: number } | null;
  readonly windowHours: number; // default 168 applied
  readonly nonInferiorityMargin: number | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
export interface MetricReader {
  /** The definitions of `keys` that exist (missing keys are absent from the map). */
  findByKeys(keys: readonly string[]): Promise<Map<string, MetricDefinition>>;
  /** The same reader inside the caller's transaction. */
  withTransaction(trx: Kysely<Database>): MetricReader;
}
