/**
 * The confidence sequence that goes with the always-valid p-value of `sequential.ts`: the same
 * normal-mixture SPRT (mixing N(0, τ²) over the true difference θ), inverted. With estimate θ̂ and
 * its variance V, the mixture likelihood ratio against θ = θ₀ is
 *
 *   Λ(θ₀) = sqrt(V / (V + τ²)) · exp(τ² (θ̂ − θ₀)² / (2 V (V + τ²)))
 *
 * and { θ₀ : Λ(θ₀) ≤ 1/α } is
 *
 *   θ̂ ± sqrt( V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V)) ).
 *
 * Λ is a nonnegative martingale under θ₀, so by Ville's inequality the chance it ever exceeds 1/α
 * is at most α: the interval covers θ at every look at once (Howard, Ramdas, McAuliffe and
 * Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences", 2021; Johari,
 * Koomen, Pekelis and Walsh, "Always Valid Inference", 2022). The interval excludes 0 exactly
 * when min(1, 1/Λ(0)) < α, so the sequential p-value and the interval never disagree.
 */
import type { Interval } from './metric-definition.js';
import { defaultMixtureVariance, logOnePlusRatio, mixtureLikelihoodRatioInverse } from './sequential.js';

/** The error rate the confidence sequences and sequential p-values are built for. */
export const SEQUENTIAL_ALPHA = 0.05;

/**
 * τ² on the log scale of the relative lift: τ_L = 0.1, tuned to lifts of about ±10%, the same
 * tuning as the absolute τ = 10% of the control mean.
 */
export const RELATIVE_MIXTURE_VARIANCE = 0.01;

/** An estimate, its variance and the mixture variance τ² the sequence is tuned with. */
export interface SequentialInput {
  readonly estimate: number;
  readonly variance: number;
  readonly mixtureVariance: number;
}

/**
 * τ² for a difference of means: τ = max(10% of |control mean|, 1e-4). The guarantee holds for any
 * fixed τ; τ sets which effects it is quickest to confirm (those near τ).
 */
export function absoluteMixtureVariance(controlMean: number): number {
  // τ² of a control mean past 1e153 would overflow; the largest double serves as well.
  return Math.min(defaultMixtureVariance(Math.abs(controlMean)), Number.MAX_VALUE);
}

/**
 * Half-width of the confidence sequence; 0 when V = 0 (nothing left to estimate). Written as
 * sqrt(V) · sqrt(1 + V/τ²) · sqrt(2 ln(1/α) + ln(1 + τ²/V)), which stays within the doubles when V
 * and τ² are far apart, and is the same quantity `sequentialPValueNow` compares |θ̂| with.
 */
export function confidenceSequenceHalfWidth(
  { variance, mixtureVariance }: Omit<SequentialInput, 'estimate'>,
  alpha: number = SEQUENTIAL_ALPHA,
): number {
  if (!(variance > 0) || !(mixtureVariance > 0)) return 0;
  if (variance === Number.POSITIVE_INFINITY) return variance;
  const boundary = 2 * Math.log(1 / alpha) + logOnePlusRatio(mixtureVariance, variance);
  return Math.sqrt(variance) * Math.sqrt(1 + variance / mixtureVariance) * Math.sqrt(boundary);
}

/** θ̂ ± the half-width: valid at every look at once (coverage ≥ 1 − α over the whole experiment). */
export function confidenceSequence(input: SequentialInput, alpha: number = SEQUENTIAL_ALPHA): Interval {
  const half = confidenceSequenceHalfWidth(input, alpha);
  return [input.estimate - half, input.estimate + half];
}

/** min(1, 1/Λ(0)) at the current data: below α exactly when the confidence sequence excludes 0. */
export function sequentialPValueNow({ estimate, variance, mixtureVariance }: SequentialInput): number {
  return mixtureLikelihoodRatioInverse({ difference: estimate, variance }, mixtureVariance);
}
