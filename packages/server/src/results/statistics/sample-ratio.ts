import { chiSquareSurvival } from './distributions.js';

/** Below this p-value the split is treated as broken (sample ratio mismatch). */
export const SRM_ALPHA = 0.001;

export interface SampleRatioTest {
  readonly chiSquare: number;
  readonly pValue: number;
  readonly ok: boolean;
}

/**
 * Chi-square goodness of fit of the units each variant got against the configured weights (basis
 * points): a small p-value means assignment or logging is broken, and no lift can be trusted.
 */
export function sampleRatioTest(units: readonly number[], weights: readonly number[]): SampleRatioTest {
  const total = units.reduce((sum, n) => sum + n, 0);
  const weightTotal = weights.reduce((sum, w) => sum + w, 0);
  let chiSquare = 0;
  let cells = 0;
  // Units in a variant that should get none: as mismatched as a split can be.
  let hasImpossibleCell = false;
  units.forEach((observed, i) => {
    const expected = (total * (weights[i] ?? 0)) / (weightTotal || 1);
    if (expected > 0) {
      chiSquare += ((observed - expected) * (observed - expected)) / expected;
      cells += 1;
    } else if (observed > 0) {
      hasImpossibleCell = true;
    }
  });
  if (total === 0 || cells < 2) return { chiSquare: 0, pValue: 1, ok: true };
  if (hasImpossibleCell) return { chiSquare: Number.MAX_VALUE, pValue: 0, ok: false };
  const pValue = chiSquareSurvival(chiSquare, cells - 1);
  return { chiSquare, pValue, ok: pValue >= SRM_ALPHA };
}
