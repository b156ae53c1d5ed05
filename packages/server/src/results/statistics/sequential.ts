/**
 * Always-valid p-values from the mixture sequential probability ratio test (mSPRT) of Johari,
 * Koomen, Pekelis and Walsh, "Always Valid Inference" (2017/2022), for a difference of means with
 * a normal approximation: with estimate θ̂ (treatment − control), its variance V, and a N(0, τ²)
 * mixture over the true effect,
 *
 *   Λ = sqrt(V / (V + τ²)) · exp(τ² θ̂² / (2 V (V + τ²)))
 *
 * and the always-valid p-value after looks 1..n is min over looks of min(1, 1 / Λ). Because it
 * is a running minimum of the inverse of a nonnegative martingale under H0, P(ever ≤ α) ≤ α: an
 * analyst may look every day, and stop whenever it is small, without inflating false positives.
 */

/** One look at the experiment: the estimated difference and its variance at that time. */
export interface Look {
  readonly difference: number;
  readonly variance: number;
}

/** ln(1 + a/b) for a, b > 0, also where a/b leaves the doubles. */
export function logOnePlusRatio(a: number, b: number): number {
  const ratio = a / b;
  return Number.isFinite(ratio) ? Math.log1p(ratio) : Math.log(a) - Math.log(b);
}

/**
 * 1 / Λ for one look; 1 when the look carries no information yet. Computed as
 * ln Λ = −½ ln(1 + τ²/V) + z² / (2 (1 + V/τ²)) with z = θ̂/√V, the same quantity in terms that
 * stay within the doubles when V and τ² are far apart.
 */
export function mixtureLikelihoodRatioInverse(look: Look, mixtureVariance: number): number {
  const { difference, variance } = look;
  if (!(variance > 0) || !(mixtureVariance > 0)) return 1;
  const z = difference / Math.sqrt(variance);
  const logLambda =
    -0.5 * logOnePlusRatio(mixtureVariance, variance) + (z * z) / (2 * (1 + variance / mixtureVariance));
  return Math.min(1, Math.exp(-logLambda));
}

/** The always-valid p-value over a sequence of looks (running minimum). */
export function sequentialPValue(looks: readonly Look[], mixtureVariance: number): number {
  let p = 1;
  for (const look of looks) p = Math.min(p, mixtureLikelihoodRatioInverse(look, mixtureVariance));
  return p;
}

/**
 * The mixture variance τ² Lift uses for conversion rates: effects of about 10% of the baseline
 * rate are the ones the test is tuned to find quickly (the guarantee holds for any τ²).
 */
export function defaultMixtureVariance(baselineRate: number): number {
  const tau = Math.max(0.1 * baselineRate, 1e-4);
  return tau * tau;
}
