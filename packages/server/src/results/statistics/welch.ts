import { studentTQuantile, studentTTwoSided, Z_95 } from './distributions.js';

/** Per-unit values of one variant, as sums (zero for units without any value). */
export interface ValueSums {
  readonly units: number;
  readonly sum: number;
  readonly sumOfSquares: number;
}

export interface ValueSummary {
  readonly mean: number;
  readonly stdDev: number;
}

export interface WelchTest {
  readonly estimate: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  readonly degreesOfFreedom: number;
}

/** The sample variance (n − 1) of the per-unit values; 0 with fewer than two units. */
export function sampleVariance({ units, sum, sumOfSquares }: ValueSums): number {
  if (units < 2) return 0;
  // sum · (sum / n) rather than sum² / n: the square of a large sum overflows first.
  return Math.max(0, (sumOfSquares - sum * (sum / units)) / (units - 1));
}

export function summarizeValues(values: ValueSums): ValueSummary {
  return { mean: values.units === 0 ? 0 : values.sum / values.units, stdDev: Math.sqrt(sampleVariance(values)) };
}

/**
 * Welch's unequal-variance t-test of the difference of means (treatment − control), with the
 * Welch–Satterthwaite degrees of freedom and its 95% interval. Fewer than two units in an arm,
 * or no variance at all: no evidence, p = 1.
 */
export function welchTest(treatment: ValueSums, control: ValueSums): WelchTest {
  const difference = summarizeValues(treatment).mean - summarizeValues(control).mean;
  if (treatment.units < 2 || control.units < 2)
    return { estimate: difference, ci: [difference, difference], pValue: 1, degreesOfFreedom: 0 };
  const vt = sampleVariance(treatment) / treatment.units;
  const vc = sampleVariance(control) / control.units;
  const se = Math.sqrt(vt + vc);
  if (se === 0)
    return {
      estimate: difference,
      ci: [difference, difference],
      pValue: difference === 0 ? 1 : 0,
      degreesOfFreedom: treatment.units + control.units - 2,
    };
  // (vt + vc)² / (vt²/(n_t − 1) + vc²/(n_c − 1)) in shares of the total, which neither underflows
  // for tiny variances nor overflows for huge ones.
  const shareT = vt / (vt + vc);
  const shareC = vc / (vt + vc);
  const df = 1 / ((shareT * shareT) / (treatment.units - 1) + (shareC * shareC) / (control.units - 1));
  const t = difference / se;
  const critical = Number.isFinite(df) ? studentTQuantile(0.975, df) : Z_95;
  return {
    estimate: difference,
    ci: [difference - critical * se, difference + critical * se],
    pValue: Math.min(1, studentTTwoSided(t, df)),
    degreesOfFreedom: df,
  };
}
