import { logBeta, normalCdf, normalPdf } from './distributions.js';
import type { Proportion } from './proportions.js';

/** Beta posterior parameters under a uniform Beta(1, 1) prior. */
interface BetaParameters {
  readonly alpha: number;
  readonly beta: number;
}

// Past this many terms the closed-form sum gives way to the normal approximation, which is
// accurate to well under 1e-4 at such counts.
const EXACT_TERMS_LIMIT = 20_000;

function posterior({ units, conversions }: Proportion): BetaParameters {
  return { alpha: 1 + conversions, beta: 1 + units - conversions };
}

/**
 * P(X_b > X_a) for independent X ~ Beta, by the closed form (Evan Miller, "Formulas for Bayesian
 * A/B testing"; integer α_b):
 *   Σ_{i=0}^{α_b−1} B(α_a + i, β_a + β_b) / ((β_b + i) B(1 + i, β_b) B(α_a, β_a))
 */
function probabilityGreater(a: BetaParameters, b: BetaParameters): number {
  // The sum has α_b terms; by symmetry, P(X_b > X_a) = 1 − P(X_a > X_b) sums α_a terms instead.
  if (b.alpha > a.alpha) return 1 - probabilityGreater(b, a);
  if (b.alpha - 1 > EXACT_TERMS_LIMIT) return probabilityGreaterNormal(a, b);
  const constant = logBeta(a.alpha, a.beta);
  let total = 0;
  for (let i = 0; i < b.alpha; i++) {
    total += Math.exp(logBeta(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - logBeta(1 + i, b.beta) - constant);
  }
  return Math.min(1, Math.max(0, total));
}

function moments({ alpha, beta }: BetaParameters): { mean: number; variance: number } {
  const sum = alpha + beta;
  return { mean: alpha / sum, variance: (alpha * beta) / (sum * sum * (sum + 1)) };
}

function probabilityGreaterNormal(a: BetaParameters, b: BetaParameters): number {
  const ma = moments(a);
  const mb = moments(b);
  return normalCdf((mb.mean - ma.mean) / Math.sqrt(ma.variance + mb.variance));
}

/** P(treatment rate > control rate) with independent Beta(1, 1) priors. */
export function chanceToBeatControl(treatment: Proportion, control: Proportion): number {
  return probabilityGreater(posterior(control), posterior(treatment));
}

/**
 * Expected loss of shipping the treatment: E[max(p_control − p_treatment, 0)], in rate units.
 * Uses E[A·1{A>B}] = E[A]·P(A⁺ > B) with A⁺ ~ Beta(α_A + 1, β_A) (size-biasing), so both terms
 * reduce to the probability above.
 */
export function expectedLoss(treatment: Proportion, control: Proportion): number {
  const a = posterior(control);
  const b = posterior(treatment);
  if (Math.min(a.alpha, b.alpha) > EXACT_TERMS_LIMIT) {
    const ma = moments(a);
    const mb = moments(b);
    const mean = ma.mean - mb.mean;
    const sd = Math.sqrt(ma.variance + mb.variance);
    return Math.max(0, mean * normalCdf(mean / sd) + sd * normalPdf(mean / sd));
  }
  const ma = moments(a).mean;
  const mb = moments(b).mean;
  const aBeatsB = (x: BetaParameters, y: BetaParameters): number => probabilityGreater(y, x);
  const loss =
    ma * aBeatsB({ alpha: a.alpha + 1, beta: a.beta }, b) - mb * aBeatsB(a, { alpha: b.alpha + 1, beta: b.beta });
  return Math.max(0, loss);
}

/** A difference of means oriented so that positive is better: d·(m_t − m_c), with its variance V. */
export interface OrientedDifference {
  readonly difference: number;
  readonly variance: number;
}

/**
 * P(the treatment is better) under the normal approximation with a flat prior: the true oriented
 * difference ~ N(d·θ̂, V), so Φ(d·θ̂ / sqrt(V)). With V = 0 the posterior is a point mass at d·θ̂.
 */
export function normalChanceToBeatControl({ difference, variance }: OrientedDifference): number {
  if (variance > 0) return normalCdf(difference / Math.sqrt(variance));
  return difference > 0 ? 1 : difference < 0 ? 0 : 0.5;
}

/**
 * Expected loss of shipping the treatment, E[max(−Δ, 0)] for Δ ~ N(d·θ̂, V), in the metric's
 * units: with μ = −d·θ̂ and σ = sqrt(V), μΦ(μ/σ) + σφ(μ/σ) (the mean of a normal's positive
 * part). With V = 0: max(μ, 0).
 */
export function normalExpectedLoss({ difference, variance }: OrientedDifference): number {
  const mu = -difference;
  if (!(variance > 0)) return Math.max(mu, 0);
  const sigma = Math.sqrt(variance);
  return Math.min(Number.MAX_VALUE, Math.max(0, mu * normalCdf(mu / sigma) + sigma * normalPdf(mu / sigma)));
}
