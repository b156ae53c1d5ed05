/**
 * One cell of the per-unit aggregate: the units of one variant first exposed on `exposedOn` that
 * first converted on `convertedOn` (null: not converted), split by why a unit may be excluded.
 */
export interface AggregateCell {
  readonly variant: string;
  /** UTC day of the unit's first exposure, `YYYY-MM-DD`. */
  readonly exposedOn: string;
  /** UTC day of the unit's first qualifying conversion; null for units without one. */
  readonly convertedOn: string | null;
  /** Exposed to more than one variant. */
  readonly isMultiple: boolean;
  /** Listed in the experiment's forced overrides (QA). */
  readonly isOverride: boolean;
  readonly units: number;
  /** Units with a metric facts row (at least one qualifying conversion). */
  readonly conversions: number;
  /** Sum over units of the unit's value (0 for units without facts). */
  readonly valueSum: number;
  readonly valueSumOfSquares: number;
}

/** A unit's first exposure in an experiment: the variant the analysis counts it in. */
export interface UnitExposure {
  readonly variant: string;
  readonly firstExposedAt: Date;
  readonly isMultiple: boolean;
}

/** Which units of an experiment `aggregateCells` reads, and how it flags them. */
export interface AggregateQuery {
  readonly experimentId: string;
  readonly metric: string;
  /** Units with a forced variant (QA), flagged `isOverride`. */
  readonly overrideUnits: readonly string[];
}

/**
 * How other modules read the per-unit facts, which only `facts/` queries. Call `FactFolder.foldNow`
 * first to include every acknowledged event.
 */
export interface FactsReader {
  /**
   * The per-unit aggregates of one metric, never raw events (the cost grows with units, not
   * events): a few hundred cells that totals and daily series are sums over.
   */
  aggregateCells(query: AggregateQuery): Promise<AggregateCell[]>;
  /** The unit's first exposure in the experiment, or null before any. */
  findExposure(experimentId: string, unit: string): Promise<UnitExposure | null>;
}
