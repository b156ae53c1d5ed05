import { chanceToBeatControl, expectedLoss } from './bayesian.js';
import { holmAdjust } from './multiple-testing.js';
import { powerAnalysis, type PowerAnalysis } from './power.js';
import {
  absoluteLift,
  rateOf,
  relativeLift,
  twoProportionPValue,
  wilsonInterval,
  type Estimate,
} from './proportions.js';
import { sampleRatioTest, type SampleRatioTest } from './sample-ratio.js';
import { defaultMixtureVariance, sequentialPValue, type Look } from './sequential.js';
import { summarizeValues, welchTest, type ValueSummary, type WelchTest } from './welch.js';

/** Below these, no verdict but `insufficient-data`: the normal approximations are not yet trustworthy. */
export const MIN_UNITS_PER_VARIANT = 100;
export const MIN_CONVERSIONS = 10;
export const SIGNIFICANCE = 0.05;
export const DEFAULT_TARGET_RELATIVE_LIFT = 0.05;

export type Verdict = 'winning' | 'losing' | 'inconclusive' | 'srm-failed' | 'insufficient-data';

/** Per-unit aggregates of one variant for one metric (units counted once, in their first variant). */
export interface VariantAggregate {
  readonly key: string;
  /** Configured weight, basis points. */
  readonly weight: number;
  readonly units: number;
  /** Units with at least one qualifying conversion. */
  readonly conversions: number;
  /** Sum over units of the unit's metric value (0 for units without one). */
  readonly valueSum: number;
  readonly valueSumOfSquares: number;
}

/** Cumulative units and conversions per variant at the end of one day, for the sequential test. */
export interface DailyLook {
  readonly date: string;
  readonly variants: readonly { readonly key: string; readonly units: number; readonly conversions: number }[];
}

export interface MetricInput {
  readonly variants: readonly VariantAggregate[];
  readonly daily: readonly DailyLook[];
  readonly targetRelativeLift?: number;
}

export interface VariantResult {
  readonly key: string;
  readonly units: number;
  readonly conversions: number;
  readonly rate: number;
  readonly rateCI: readonly [number, number];
  readonly value: ValueSummary;
  readonly liftAbs?: Estimate;
  readonly liftRel?: Estimate;
  readonly pValue?: number;
  readonly pValueAdjusted?: number;
  readonly pValueSequential?: number;
  readonly chanceToBeatControl?: number;
  readonly expectedLoss?: number;
  readonly valueDiff?: Omit<WelchTest, 'degreesOfFreedom'>;
  readonly verdict?: Verdict;
}

export interface MetricResult {
  readonly srm: SampleRatioTest;
  readonly variants: readonly VariantResult[];
  readonly power: PowerAnalysis;
}

function looksFor(daily: readonly DailyLook[], treatmentKey: string, controlKey: string): Look[] {
  const looks: Look[] = [];
  for (const day of daily) {
    const treatment = day.variants.find((v) => v.key === treatmentKey);
    const control = day.variants.find((v) => v.key === controlKey);
    if (treatment === undefined || control === undefined || treatment.units === 0 || control.units === 0) continue;
    const pt = treatment.conversions / treatment.units;
    const pc = control.conversions / control.units;
    looks.push({ difference: pt - pc, variance: (pt * (1 - pt)) / treatment.units + (pc * (1 - pc)) / control.units });
  }
  return looks;
}

function verdictFor(
  srmOk: boolean,
  treatment: VariantAggregate,
  control: VariantAggregate,
  adjustedSequential: number,
  lift: number,
): Verdict {
  if (!srmOk) return 'srm-failed';
  if (treatment.units < MIN_UNITS_PER_VARIANT || control.units < MIN_UNITS_PER_VARIANT) return 'insufficient-data';
  if (treatment.conversions + control.conversions < MIN_CONVERSIONS || control.conversions === 0)
    return 'insufficient-data';
  if (adjustedSequential >= SIGNIFICANCE) return 'inconclusive';
  return lift > 0 ? 'winning' : 'losing';
}

/**
 * The whole analysis of one metric from per-unit aggregates: pure, so it is tested against
 * reference values and simulations without a database. The first variant is the control. The
 * verdict rests on the always-valid (sequential) p-value, Holm-adjusted over the treatments, so a
 * daily look cannot manufacture a winner; the fixed-horizon p-values are reported alongside.
 */
export function analyzeMetric(input: MetricInput): MetricResult {
  const [control, ...treatments] = input.variants;
  const srm = sampleRatioTest(
    input.variants.map((v) => v.units),
    input.variants.map((v) => v.weight),
  );
  const describe = (v: VariantAggregate): VariantResult => ({
    key: v.key,
    units: v.units,
    conversions: v.conversions,
    rate: rateOf(v),
    rateCI: wilsonInterval(v),
    value: summarizeValues({ units: v.units, sum: v.valueSum, sumOfSquares: v.valueSumOfSquares }),
  });
  if (control === undefined) return { srm, variants: [], power: { mdeRel: 0, unitsNeeded: 0 } };
  const baseline = rateOf(control);
  const mixtureVariance = defaultMixtureVariance(baseline);
  const pValues = treatments.map((t) => twoProportionPValue(t, control));
  const sequential = treatments.map((t) => {
    const current: Look[] = looksFor([{ date: 'now', variants: [t, control] }], t.key, control.key);
    return sequentialPValue([...looksFor(input.daily, t.key, control.key), ...current], mixtureVariance);
  });
  const adjusted = holmAdjust(pValues);
  const adjustedSequential = holmAdjust(sequential);
  const treatmentResults = treatments.map((t, i): VariantResult => {
    const liftAbs = absoluteLift(t, control);
    const welch = welchTest(
      { units: t.units, sum: t.valueSum, sumOfSquares: t.valueSumOfSquares },
      { units: control.units, sum: control.valueSum, sumOfSquares: control.valueSumOfSquares },
    );
    return {
      ...describe(t),
      liftAbs,
      liftRel: relativeLift(t, control),
      pValue: pValues[i] as number,
      pValueAdjusted: adjusted[i] as number,
      pValueSequential: sequential[i] as number,
      chanceToBeatControl: chanceToBeatControl(t, control),
      expectedLoss: expectedLoss(t, control),
      valueDiff: { estimate: welch.estimate, ci: welch.ci, pValue: welch.pValue },
      verdict: verdictFor(srm.ok, t, control, adjustedSequential[i] as number, liftAbs.estimate),
    };
  });
  const smallestArm = Math.min(...input.variants.map((v) => v.units));
  return {
    srm,
    variants: [describe(control), ...treatmentResults],
    power: powerAnalysis(baseline, smallestArm, input.targetRelativeLift ?? DEFAULT_TARGET_RELATIVE_LIFT),
  };
}
