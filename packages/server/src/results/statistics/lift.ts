import {
  absoluteMixtureVariance,
  confidenceSequenceHalfWidth,
  RELATIVE_MIXTURE_VARIANCE,
} from './confidence-sequence.js';
import { Z_95 } from './distributions.js';
import { clampToFinite, type Interval } from './metric-definition.js';
import type { MeanEstimate } from './variant-mean.js';

/** The difference of means with its fixed-horizon interval and its confidence sequence. */
export interface AbsoluteLift {
  readonly estimate: number;
  readonly ci: Interval;
  readonly ciSequential: Interval;
}

/** m_t / m_c − 1 with both intervals; null where the ratio of means is undefined. */
export interface RelativeLift {
  readonly estimate: number | null;
  readonly ci: Interval | null;
  readonly ciSequential: Interval | null;
}

export interface LiftInput {
  readonly treatment: MeanEstimate;
  readonly control: MeanEstimate;
  /** Both arms estimable and V > 0; otherwise every interval is the estimate itself. */
  readonly hasSufficientData: boolean;
}

/**
 * θ̂ = m_t − m_c with the confidence sequence at τ = max(0.1·|m_c|, 1e-4). `ci` is passed in:
 * its form depends on the metric type (Wald, Welch), the sequence's does not.
 */
export function absoluteLift({ treatment, control, hasSufficientData }: LiftInput, ci: Interval): AbsoluteLift {
  const estimate = clampToFinite(treatment.mean - control.mean);
  if (!hasSufficientData) return { estimate, ci: [estimate, estimate], ciSequential: [estimate, estimate] };
  const half = confidenceSequenceHalfWidth({
    variance: treatment.variance + control.variance,
    mixtureVariance: absoluteMixtureVariance(control.mean),
  });
  return {
    estimate,
    ci: [clampToFinite(ci[0]), clampToFinite(ci[1])],
    ciSequential: [clampToFinite(estimate - half), clampToFinite(estimate + half)],
  };
}

/** e^x − 1, kept finite: a huge log-scale half-width would otherwise overflow to Infinity. */
function relativeFromLog(x: number): number {
  return clampToFinite(Math.expm1(x));
}

/**
 * The relative lift on the log scale (delta method), so both intervals stay above −100% and are
 * as asymmetric as ratios are: L = ln m_t − ln m_c, V_L = var(m_t)/m_t² + var(m_c)/m_c²,
 * ci = exp(L ± z·sqrt(V_L)) − 1 and ciSequential = exp(L ± w) − 1, w the confidence-sequence
 * half-width for V_L and τ_L = 0.1. Undefined (null) when m_c ≤ 0 or m_t ≤ 0, except that the
 * estimate is still −100% when m_t = 0 < m_c.
 */
export function logRelativeLift({ treatment, control, hasSufficientData }: LiftInput): RelativeLift {
  const mt = treatment.mean;
  const mc = control.mean;
  if (!(mc > 0) || mt < 0) return { estimate: null, ci: null, ciSequential: null };
  const estimate = clampToFinite(mt / mc - 1);
  if (mt === 0) return { estimate, ci: null, ciSequential: null };
  if (!hasSufficientData) return { estimate, ci: [estimate, estimate], ciSequential: [estimate, estimate] };
  const logRatio = Math.log(mt) - Math.log(mc);
  // (sd/m)² rather than var/m²: m² of a tiny mean underflows to 0 where sd/m is still a number.
  const logVariance = (Math.sqrt(treatment.variance) / mt) ** 2 + (Math.sqrt(control.variance) / mc) ** 2;
  const fixedHalf = Z_95 * Math.sqrt(logVariance);
  const sequentialHalf = confidenceSequenceHalfWidth({
    variance: logVariance,
    mixtureVariance: RELATIVE_MIXTURE_VARIANCE,
  });
  return {
    estimate,
    ci: [relativeFromLog(logRatio - fixedHalf), relativeFromLog(logRatio + fixedHalf)],
    ciSequential: [relativeFromLog(logRatio - sequentialHalf), relativeFromLog(logRatio + sequentialHalf)],
  };
}
