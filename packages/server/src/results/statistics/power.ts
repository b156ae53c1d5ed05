import { normalQuantile } from './distributions.js';

export const ALPHA = 0.05;
export const POWER = 0.8;

export interface PowerAnalysis {
  /** The smallest relative lift detectable now (80% power, two-sided α = 0.05). */
  readonly mdeRel: number;
  /** Units per variant needed to detect a relative lift of `targetRelativeLift`. */
  readonly unitsNeeded: number;
}

/**
 * Power of the two-proportion test at the observed baseline rate p (normal approximation, equal
 * arms): detectable absolute effect δ = (z₁₋α/₂ + z_power) · sqrt(2 p (1 − p) / n).
 */
export function powerAnalysis(
  baselineRate: number,
  unitsPerVariant: number,
  targetRelativeLift: number,
): PowerAnalysis {
  const zSum = normalQuantile(1 - ALPHA / 2) + normalQuantile(POWER);
  const p = baselineRate;
  if (!(p > 0 && p < 1)) return { mdeRel: 0, unitsNeeded: 0 };
  const mdeAbs = unitsPerVariant > 0 ? zSum * Math.sqrt((2 * p * (1 - p)) / unitsPerVariant) : 0;
  const delta = targetRelativeLift * p;
  const unitsNeeded = delta > 0 ? Math.ceil((2 * p * (1 - p) * zSum * zSum) / (delta * delta)) : 0;
  return { mdeRel: mdeAbs / p, unitsNeeded };
}
