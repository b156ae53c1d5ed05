import { normalTwoSided, Z_95 } from './distributions.js';

/** A point estimate with its 95% interval. */
export interface Estimate {
  readonly estimate: number;
  readonly ci: readonly [number, number];
}

/** Units and how many of them converted, for one variant. */
export interface Proportion {
  readonly units: number;
  readonly conversions: number;
}

export function rateOf({ units, conversions }: Proportion): number {
  return units === 0 ? 0 : conversions / units;
}

/**
 * The 95% Wilson score interval for a binomial proportion (Wilson 1927); unlike the Wald interval
 * it stays inside [0, 1] and behaves at rates near 0 or 1. No units: the whole of [0, 1].
 */
export function wilsonInterval(proportion: Proportion, z: number = Z_95): readonly [number, number] {
  const n = proportion.units;
  if (n === 0) return [0, 1];
  const p = rateOf(proportion);
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

function varianceOfRate(proportion: Proportion): number {
  const p = rateOf(proportion);
  return proportion.units === 0 ? 0 : (p * (1 - p)) / proportion.units;
}

/** Difference of rates (treatment − control) with the unpooled normal (Wald) 95% interval. */
export function absoluteLift(treatment: Proportion, control: Proportion, z: number = Z_95): Estimate {
  const difference = rateOf(treatment) - rateOf(control);
  const se = Math.sqrt(varianceOfRate(treatment) + varianceOfRate(control));
  return { estimate: difference, ci: [difference - z * se, difference + z * se] };
}

/**
 * Relative lift (treatment / control − 1) with a 95% interval by the delta method:
 * Var(p_t / p_c) ≈ Var(p_t) / p_c² + p_t² Var(p_c) / p_c⁴. Undefined without control
 * conversions: then 0 with a zero-width interval (and the verdict says insufficient-data).
 */
export function relativeLift(treatment: Proportion, control: Proportion, z: number = Z_95): Estimate {
  const pc = rateOf(control);
  if (pc === 0) return { estimate: 0, ci: [0, 0] };
  const pt = rateOf(treatment);
  const estimate = pt / pc - 1;
  const variance = varianceOfRate(treatment) / (pc * pc) + (pt * pt * varianceOfRate(control)) / pc ** 4;
  const se = Math.sqrt(variance);
  return { estimate, ci: [estimate - z * se, estimate + z * se] };
}

/** Two-sided p-value of the pooled two-proportion z-test; 1 when there is no variation at all. */
export function twoProportionPValue(treatment: Proportion, control: Proportion): number {
  const n = treatment.units + control.units;
  if (treatment.units === 0 || control.units === 0) return 1;
  const pooled = (treatment.conversions + control.conversions) / n;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / treatment.units + 1 / control.units));
  if (se === 0) return 1;
  const z = (rateOf(treatment) - rateOf(control)) / se;
  return Math.min(1, normalTwoSided(z));
}
