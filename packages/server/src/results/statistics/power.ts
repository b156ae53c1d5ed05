import { normalQuantile } from './distributions.js';

export const ALPHA = 0.05;
export const POWER = 0.8;

export interface PowerAnalysis {
  /** The smallest relative lift detectable now (80% power, two-sided α = 0.05). */
  readonly mdeRel: number;
  /** Units per variant needed to detect a relative lift of `targetRelativeLift`. */
  readonly unitsNeeded: number;
}

export interface PowerInput {
  /** The control's mean (a conversion rate, a mean per unit, a ratio). */
  readonly baseline: number;
  /** The variance of one unit's value around it: p(1 − p), s², or n·var(R) for a ratio. */
  readonly unitVariance: number;
  readonly unitsPerVariant: number;
  readonly targetRelativeLift: number;
}

/**
 * Power of the two-sample z-test at the observed baseline m and per-unit variance σ² (normal
 * approximation, equal arms, both with the control's variance): detectable absolute effect
 * δ = (z₁₋α/₂ + z_power) · sqrt(2σ²/n), and n = 2σ²(z₁₋α/₂ + z_power)² / (target·m)² units per
 * variant for a relative lift `target`. Undefined (both 0) unless m > 0 and σ² > 0.
 */
export function powerAnalysisForVariance(input: PowerInput): PowerAnalysis {
  const { baseline, unitVariance, unitsPerVariant, targetRelativeLift } = input;
  if (!(baseline > 0 && unitVariance > 0)) return { mdeRel: 0, unitsNeeded: 0 };
  const zSum = normalQuantile(1 - ALPHA / 2) + normalQuantile(POWER);
  const mdeAbs = unitsPerVariant > 0 ? zSum * Math.sqrt((2 * unitVariance) / unitsPerVariant) : 0;
  const delta = targetRelativeLift * baseline;
  const unitsNeeded = delta > 0 ? Math.ceil((2 * unitVariance * zSum * zSum) / (delta * delta)) : 0;
  // A vanishing baseline can ask for more units than a double counts exactly; that many is "never".
  return {
    mdeRel: Math.min(mdeAbs / baseline, Number.MAX_VALUE),
    unitsNeeded: Math.min(unitsNeeded, Number.MAX_SAFE_INTEGER),
  };
}

/** The same for a conversion rate p, whose per-unit variance is p(1 − p). */
export function powerAnalysis(
  baselineRate: number,
  unitsPerVariant: number,
  targetRelativeLift: number,
): PowerAnalysis {
  const p = baselineRate;
  return powerAnalysisForVariance({ baseline: p, unitVariance: p * (1 - p), unitsPerVariant, targetRelativeLift });
}
