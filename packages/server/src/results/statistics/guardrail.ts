import { isWhollyBetter, isWhollyWorse, type Interval, type MetricDirection } from './metric-definition.js';

/** ok: shown not to be worse than the margin; harmed: shown to be worse; pending: not yet either. */
export type GuardrailStatus = 'ok' | 'harmed' | 'pending';

/** The non-inferiority margin δ (relative) of a guardrail whose metric sets none: 2%. */
export const DEFAULT_NON_INFERIORITY_MARGIN = 0.02;

export interface GuardrailInput {
  readonly direction: MetricDirection;
  /** δ, relative: how much worse the treatment may be and still pass. */
  readonly margin: number;
  /** liftRel.ciSequential; null when the relative lift is undefined (control mean ≤ 0, ...). */
  readonly relativeSequential: Interval | null;
  /** liftAbs.ciSequential. */
  readonly absoluteSequential: Interval;
  /** Without it the intervals are bare estimates, which prove nothing either way. */
  readonly hasSufficientData: boolean;
}

/**
 * A guardrail's status from the confidence sequence of the relative lift [lo, hi], so that it may
 * be read at every look. Increase: harmed when hi < 0, ok when lo > −δ. Decrease: harmed when
 * lo > 0, ok when hi < δ. Without a relative lift the absolute sequence decides, with no margin
 * (a margin is relative to a control mean that is 0 or below): harmed when wholly on the worse
 * side of 0, ok only when wholly on the better side. Harmed is checked first: a sequence such as
 * [−1.5%, −0.5%] lies within a 2% margin yet shows the treatment worse, and a guardrail that is
 * shown to lose is harmed.
 */
export function guardrailStatus(input: GuardrailInput): GuardrailStatus {
  if (!input.hasSufficientData) return 'pending';
  const { direction, margin, relativeSequential } = input;
  if (relativeSequential === null) {
    if (isWhollyWorse(input.absoluteSequential, direction)) return 'harmed';
    return isWhollyBetter(input.absoluteSequential, direction) ? 'ok' : 'pending';
  }
  const [lo, hi] = relativeSequential;
  if (isWhollyWorse(relativeSequential, direction)) return 'harmed';
  const isWithinMargin = direction === 'increase' ? lo > -margin : hi < margin;
  return isWithinMargin ? 'ok' : 'pending';
}
