/**
 * The distribution functions the analysis needs, from stdlib (a well-kept numerical library), so
 * that Lift's statistics never rely on hand-rolled special functions.
 */
import normalCdfOf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileOf from '@stdlib/stats-base-dists-normal-quantile';
import studentTCdf from '@stdlib/stats-base-dists-t-cdf';
import studentTQuantileOf from '@stdlib/stats-base-dists-t-quantile';
import logBetaOf from '@stdlib/math-base-special-betaln';
import incompleteGamma from '@stdlib/math-base-special-gammainc';

/** Φ(x): the standard normal CDF. */
export function normalCdf(x: number): number {
  return normalCdfOf(x, 0, 1);
}

/** φ(x): the standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Φ⁻¹(p): the standard normal quantile. */
export function normalQuantile(p: number): number {
  return normalQuantileOf(p, 0, 1);
}

/**
 * P(X ≥ x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2), computed as the
 * upper tail itself so that a small p-value keeps its relative precision.
 */
export function chiSquareSurvival(x: number, df: number): number {
  const isRegularized = true;
  const isUpperTail = true;
  return incompleteGamma(x / 2, df / 2, isRegularized, isUpperTail);
}

// Two-sided tails are taken from the lower tail, F(−|x|), not 1 − F(|x|): the subtraction would
// round small p-values (below ~1e-16) to 0 and lose their relative precision well before that.

/** Two-sided p-value of a Student t statistic with `df` degrees of freedom. */
export function studentTTwoSided(t: number, df: number): number {
  return 2 * studentTCdf(-Math.abs(t), df);
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSided(z: number): number {
  return 2 * normalCdf(-Math.abs(z));
}

/** The p-quantile of Student's t with `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  return studentTQuantileOf(p, df);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logBetaOf(a, b);
}

/** z for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z_95 = normalQuantile(0.975);
