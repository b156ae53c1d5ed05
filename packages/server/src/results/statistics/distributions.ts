/**
 * The distribution functions the analysis needs, from stdlib (a well-kept numerical library), so
 * that Lift's statistics never rely on hand-rolled special functions.
 */
import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdfOf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileOf from '@stdlib/stats-base-dists-normal-quantile';
import studentTCdf from '@stdlib/stats-base-dists-t-cdf';
import studentTQuantileOf from '@stdlib/stats-base-dists-t-quantile';
import logBetaOf from '@stdlib/math-base-special-betaln';

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

/** P(X ≥ x) for X ~ χ²(df). */
export function chiSquareSurvival(x: number, df: number): number {
  return 1 - chiSquareCdf(x, df);
}

/** Two-sided p-value of a Student t statistic with `df` degrees of freedom. */
export function studentTTwoSided(t: number, df: number): number {
  return 2 * (1 - studentTCdf(Math.abs(t), df));
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
