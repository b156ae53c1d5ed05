/**
 * A ratio metric (Σ N / Σ D over units, e.g. revenue per order) by the delta method. Units, not
 * events, are the independent draws, so the variance comes from the per-unit pairs (N, D):
 *
 *   var(R) = (s_N² / m_D² − 2 m_N s_ND / m_D³ + m_N² s_D² / m_D⁴) / n
 *          = (s_N² − 2 R s_ND + R² s_D²) / (n m_D²)          since R = m_N / m_D
 *
 * with sample (n − 1) variances and covariance (Deng, Knoblich and Lu, "Applying the Delta Method
 * in Metric Analytics", KDD 2018). The second form is the sample variance of the residual
 * N − R·D, which is why it can never be negative in exact arithmetic.
 */

/** Per-unit sums of a ratio metric's numerator N and denominator D over one variant's units. */
export interface RatioSums {
  readonly units: number;
  /** Σ N */
  readonly sum: number;
  /** Σ N² */
  readonly sumOfSquares: number;
  /** Σ D */
  readonly denominatorSum: number;
  /** Σ D² */
  readonly denominatorSumOfSquares: number;
  /** Σ N·D */
  readonly crossSum: number;
}

export interface RatioEstimate {
  /** R = Σ N / Σ D; 0 when Σ D = 0; ±Infinity past the largest double. */
  readonly ratio: number;
  /** var(R) by the delta method; 0 with fewer than two units or Σ D = 0; Infinity past the largest double. */
  readonly variance: number;
}

/** The ratio of one variant and the delta-method variance of it. */
export function estimateRatio(sums: RatioSums): RatioEstimate {
  const n = sums.units;
  if (sums.denominatorSum === 0 || n === 0) return { ratio: 0, variance: 0 };
  const ratio = sums.sum / sums.denominatorSum;
  if (n < 2) return { ratio, variance: 0 };
  const meanD = sums.denominatorSum / n;
  const varianceN = (sums.sumOfSquares - (sums.sum * sums.sum) / n) / (n - 1);
  const varianceD = (sums.denominatorSumOfSquares - (sums.denominatorSum * sums.denominatorSum) / n) / (n - 1);
  const covariance = (sums.crossSum - (sums.sum * sums.denominatorSum) / n) / (n - 1);
  // Rounding in the sums can leave a tiny negative residual where the exact one is 0.
  const residualVariance = Math.max(0, varianceN - 2 * ratio * covariance + ratio * ratio * varianceD);
  if (residualVariance === 0) return { ratio, variance: 0 };
  // Divided one factor at a time: m_D² of a vanishing denominator underflows to 0.
  return { ratio, variance: residualVariance / n / meanD / meanD };
}
