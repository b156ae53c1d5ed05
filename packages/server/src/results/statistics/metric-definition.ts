/** What a metric measures per unit: see docs/statistics.md for each type's estimator. */
export type MetricType = 'proportion' | 'mean' | 'count' | 'ratio';

/** Which way is better for the metric. */
export type MetricDirection = 'increase' | 'decrease';

/** The part a metric plays in an experiment. */
export type MetricRole = 'primary' | 'secondary' | 'guardrail';

export const METRIC_TYPES: readonly MetricType[] = ['proportion', 'mean', 'count', 'ratio'];
export const METRIC_DIRECTIONS: readonly MetricDirection[] = ['increase', 'decrease'];
export const METRIC_ROLES: readonly MetricRole[] = ['primary', 'secondary', 'guardrail'];

/**
 * A number as JSON can carry it: past the largest double (a ratio over a vanishing denominator,
 * an interval around such a ratio) it is reported as the largest double, never as Infinity.
 */
export function clampToFinite(value: number): number {
  return Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, value));
}

/** A closed interval [lo, hi]. */
export type Interval = readonly [number, number];

/**
 * d in the spec: +1 when an increase is better, −1 when a decrease is. Multiplying a difference
 * by it turns "better" into "positive", so every direction-aware rule is written once.
 */
export function directionSign(direction: MetricDirection): 1 | -1 {
  return direction === 'increase' ? 1 : -1;
}

/** True when the interval lies wholly on the better side of 0 for the direction. */
export function isWhollyBetter(interval: Interval, direction: MetricDirection): boolean {
  return direction === 'increase' ? interval[0] > 0 : interval[1] < 0;
}

/** True when the interval lies wholly on the worse side of 0 for the direction. */
export function isWhollyWorse(interval: Interval, direction: MetricDirection): boolean {
  return direction === 'increase' ? interval[1] < 0 : interval[0] > 0;
}
