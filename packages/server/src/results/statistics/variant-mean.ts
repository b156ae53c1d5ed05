import { studentTQuantile, Z_95 } from './distributions.js';
import { clampToFinite, type Interval, type MetricType } from './metric-definition.js';
import { wilsonInterval } from './proportions.js';
import { estimateRatio, type RatioSums } from './ratio.js';
import { sampleVariance } from './welch.js';

/**
 * The sufficient statistics of one variant for one metric: Y is the per-unit value (1/0 for a
 * proportion, the numerator N for a ratio), D the ratio's per-unit denominator.
 */
export interface VariantSums {
  readonly units: number;
  /** Units with Y > 0 (ratio: N > 0). */
  readonly conversions: number;
  /** Σ Y (a proportion: the conversions). */
  readonly sum: number;
  /** Σ Y² */
  readonly sumOfSquares: number;
  /** Σ D (ratio only). */
  readonly denominatorSum?: number;
  /** Σ D² (ratio only). */
  readonly denominatorSumOfSquares?: number;
  /** Σ N·D (ratio only). */
  readonly crossSum?: number;
}

/** A variant's mean m and the variance of it, the two numbers every comparison starts from. */
export interface MeanEstimate {
  /** m = Σ Y / n; ratio: R = Σ N / Σ D (0 when Σ D = 0). */
  readonly mean: number;
  /** var(m). */
  readonly variance: number;
  /** n · var(m): the spread of one unit, which power analysis scales by a planned n. */
  readonly unitVariance: number;
  /**
   * At least two units (ratio: and Σ D ≠ 0), so that var(m) is estimated, not assumed, and m and
   * var(m) within the range of a double.
   */
  readonly isEstimable: boolean;
}

/** The ratio fields of `sums`, which a ratio metric cannot do without. */
export function ratioSumsOf(sums: VariantSums): RatioSums {
  const { denominatorSum, denominatorSumOfSquares, crossSum } = sums;
  if (denominatorSum === undefined || denominatorSumOfSquares === undefined || crossSum === undefined) {
    throw new RangeError('A ratio metric needs denominatorSum, denominatorSumOfSquares and crossSum.');
  }
  return {
    units: sums.units,
    sum: sums.sum,
    sumOfSquares: sums.sumOfSquares,
    denominatorSum,
    denominatorSumOfSquares,
    crossSum,
  };
}

/**
 * var(m) per type: proportion m(1 − m)/n; mean and count s²/n with the sample variance s²;
 * ratio the delta method (`ratio.ts`).
 */
export function estimateVariantMean(type: MetricType, sums: VariantSums): MeanEstimate {
  const n = sums.units;
  if (type === 'ratio') {
    const { ratio, variance } = estimateRatio(ratioSumsOf(sums));
    // A denominator so close to 0 that R or var(R) leaves the doubles carries no usable estimate.
    if (!Number.isFinite(ratio) || !Number.isFinite(n * variance))
      return { mean: clampToFinite(ratio), variance: 0, unitVariance: 0, isEstimable: false };
    return { mean: ratio, variance, unitVariance: n * variance, isEstimable: n >= 2 && sums.denominatorSum !== 0 };
  }
  if (n === 0) return { mean: 0, variance: 0, unitVariance: 0, isEstimable: false };
  if (type === 'proportion') {
    const m = sums.conversions / n;
    return { mean: m, variance: (m * (1 - m)) / n, unitVariance: m * (1 - m), isEstimable: n >= 2 };
  }
  const s2 = sampleVariance(sums);
  return { mean: sums.sum / n, variance: s2 / n, unitVariance: s2, isEstimable: n >= 2 };
}

/**
 * The 95% interval of a variant's mean: proportion Wilson (stays in [0, 1]); mean and count
 * m ± t(0.975, n − 1)·s/√n; ratio R ± z·sqrt(var(R)). Without two units it is the point itself
 * (a proportion: Wilson's, which is [0, 1] without units).
 */
export function meanInterval(type: MetricType, sums: VariantSums, estimate: MeanEstimate): Interval {
  if (type === 'proportion') return wilsonInterval(sums);
  const { mean, variance } = estimate;
  if (!estimate.isEstimable) return [mean, mean];
  const critical = type === 'ratio' ? Z_95 : studentTQuantile(0.975, sums.units - 1);
  const half = critical * Math.sqrt(variance);
  return [clampToFinite(mean - half), clampToFinite(mean + half)];
}
