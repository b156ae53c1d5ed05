import { isWhollyBetter, isWhollyWorse, type Interval, type MetricDirection } from './metric-definition.js';

export type MetricVerdict = 'winning' | 'losing' | 'inconclusive' | 'srm-failed' | 'insufficient-data';

export interface VerdictInput {
  readonly direction: MetricDirection;
  /** The experiment's sample ratio test passed. */
  readonly isSrmOk: boolean;
  /** Both arms have at least two units and V > 0. */
  readonly hasSufficientData: boolean;
  /** liftAbs.ciSequential. */
  readonly ciSequential: Interval;
}

/**
 * The verdict is read off the confidence sequence shown next to it, never off another test, so
 * the two cannot disagree: winning exactly when the sequence lies wholly on the better side of 0,
 * losing exactly when wholly on the worse side. A failed sample ratio test voids everything first.
 */
export function decideVerdict(input: VerdictInput): MetricVerdict {
  if (!input.isSrmOk) return 'srm-failed';
  if (!input.hasSufficientData) return 'insufficient-data';
  if (isWhollyBetter(input.ciSequential, input.direction)) return 'winning';
  if (isWhollyWorse(input.ciSequential, input.direction)) return 'losing';
  return 'inconclusive';
}
