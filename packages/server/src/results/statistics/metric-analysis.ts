/**
 * The analysis of one catalogue metric (proportion, mean, count or ratio; increase or decrease)
 * from per-variant sufficient statistics: pure, so it is checked against SciPy reference values,
 * property tests and simulations without a database. docs/statistics.md states every formula.
 *
 * Every interval a reader sees and the verdict come from one rule: the verdict is read off
 * liftAbs.ciSequential, pValueSequential is below 0.05 exactly when that sequence excludes 0, and
 * guardrails are read off liftRel.ciSequential; all three stay valid however often one looks.
 */
import { chanceToBeatControl, expectedLoss, normalChanceToBeatControl, normalExpectedLoss } from './bayesian.js';
import { absoluteMixtureVariance, sequentialPValueNow } from './confidence-sequence.js';
import { normalTwoSided, Z_95 } from './distributions.js';
import { DEFAULT_NON_INFERIORITY_MARGIN, guardrailStatus, type GuardrailStatus } from './guardrail.js';
import { absoluteLift, logRelativeLift, type AbsoluteLift, type RelativeLift } from './lift.js';
import {
  directionSign,
  METRIC_DIRECTIONS,
  METRIC_ROLES,
  METRIC_TYPES,
  type Interval,
  type MetricDirection,
  type MetricRole,
  type MetricType,
} from './metric-definition.js';
import { holmAdjust } from './multiple-testing.js';
import { powerAnalysisForVariance, type PowerAnalysis } from './power.js';
import { rateOf, twoProportionPValue, wilsonInterval } from './proportions.js';
import { sampleRatioTest, type SampleRatioTest } from './sample-ratio.js';
import { estimateVariantMean, meanInterval, type MeanEstimate, type VariantSums } from './variant-mean.js';
import { decideVerdict, type MetricVerdict } from './verdict.js';
import { summarizeValues, welchTest, type ValueSummary } from './welch.js';

/** Below this many units in a variant, the normal approximations get a warning. */
export const SMALL_SAMPLE_UNITS = 30;
/** Below this many conversions in a variant, a proportion's approximations get a warning. */
export const SMALL_SAMPLE_CONVERSIONS = 10;
/** The relative lift `power.unitsNeeded` is planned for when the caller names none. */
export const DEFAULT_TARGET_RELATIVE_LIFT = 0.05;

/** How the metric is read: its catalogue type and direction, and its part in the experiment. */
export interface MetricDefinition {
  readonly type: MetricType;
  readonly direction: MetricDirection;
  readonly role: MetricRole;
  /** Relative margin δ in [0, 1) for a guardrail; default 0.02. */
  readonly nonInferiorityMargin?: number;
}

/** One variant's configured weight and the sufficient statistics of its units for the metric. */
export interface VariantStatistics extends VariantSums {
  readonly key: string;
  /** Configured weight, basis points (for the sample ratio test when `srm` is not given). */
  readonly weight: number;
}

export interface MetricAnalysisInput {
  readonly metric: MetricDefinition;
  /** The control first. */
  readonly variants: readonly VariantStatistics[];
  /** The experiment's sample ratio test; computed from the variants' units and weights when absent. */
  readonly srm?: SampleRatioTest;
  /** For `power.unitsNeeded`; default 0.05. */
  readonly targetRelativeLift?: number;
}

export interface VariantWarning {
  readonly code: 'small-sample';
  readonly message: string;
}

export interface GuardrailResult {
  readonly status: GuardrailStatus;
  readonly margin: number;
}

export interface MetricVariantResult {
  readonly key: string;
  readonly units: number;
  readonly conversions: number;
  /** m (ratio: R). */
  readonly mean: number;
  readonly meanCI: Interval;
  /** Share of units with Y > 0, with its Wilson interval (kept from the proportion-only results). */
  readonly rate: number;
  readonly rateCI: Interval;
  /** Per-unit Y (ratio: N): mean and sample standard deviation. */
  readonly value: ValueSummary;
  readonly warnings: readonly VariantWarning[];
}

export interface MetricTreatmentResult extends MetricVariantResult {
  readonly liftAbs: AbsoluteLift;
  readonly liftRel: RelativeLift;
  readonly pValue: number;
  /** Holm over the treatments. */
  readonly pValueAdjusted: number;
  readonly pValueSequential: number;
  /** Probability the treatment is better in the metric's direction. */
  readonly chanceToBeatControl: number;
  /** Expected shortfall, in the metric's units, if the treatment is shipped. */
  readonly expectedLoss: number;
  readonly verdict: MetricVerdict;
  /** Guardrail metrics only. */
  readonly guardrail?: GuardrailResult;
}

export interface MetricAnalysis {
  readonly srm: SampleRatioTest;
  /** The control, then each treatment in input order. */
  readonly variants: readonly [MetricVariantResult, ...MetricTreatmentResult[]];
  readonly power: PowerAnalysis;
}

function fail(field: string, message: string): never {
  throw new RangeError(`${field} ${message}`);
}

function requireFinite(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a finite number.');
}

function requireCount(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(field, 'must be a non-negative integer.');
}

function validateMetric(metric: MetricDefinition): void {
  if (!METRIC_TYPES.includes(metric.type)) fail('metric.type', `must be one of ${METRIC_TYPES.join(', ')}.`);
  if (!METRIC_DIRECTIONS.includes(metric.direction))
    fail('metric.direction', `must be one of ${METRIC_DIRECTIONS.join(', ')}.`);
  if (!METRIC_ROLES.includes(metric.role)) fail('metric.role', `must be one of ${METRIC_ROLES.join(', ')}.`);
  const margin = metric.nonInferiorityMargin;
  if (margin !== undefined && !(typeof margin === 'number' && margin >= 0 && margin < 1))
    fail('metric.nonInferiorityMargin', 'must be a number in [0, 1).');
}

function validateVariant(type: MetricType, variant: VariantStatistics, index: number): void {
  const field = (name: string): string => `variants[${index}].${name}`;
  if (typeof variant.key !== 'string' || variant.key === '') fail(field('key'), 'must be a non-empty string.');
  requireFinite(variant.weight, field('weight'));
  if (variant.weight < 0) fail(field('weight'), 'must not be negative.');
  requireCount(variant.units, field('units'));
  requireCount(variant.conversions, field('conversions'));
  if (variant.conversions > variant.units) fail(field('conversions'), 'must not exceed units.');
  requireFinite(variant.sum, field('sum'));
  requireFinite(variant.sumOfSquares, field('sumOfSquares'));
  if (variant.sumOfSquares < 0) fail(field('sumOfSquares'), 'must not be negative.');
  if (type === 'proportion' && (variant.sum !== variant.conversions || variant.sumOfSquares !== variant.conversions))
    fail(field('sum'), 'and sumOfSquares must equal conversions for a proportion (Y is 1 or 0).');
  if (type === 'ratio') {
    requireFinite(variant.denominatorSum, field('denominatorSum'));
    requireFinite(variant.denominatorSumOfSquares, field('denominatorSumOfSquares'));
    requireFinite(variant.crossSum, field('crossSum'));
  }
}

function validate(input: MetricAnalysisInput): void {
  validateMetric(input.metric);
  if (input.variants.length === 0) fail('variants', 'must hold at least the control.');
  input.variants.forEach((variant, index) => validateVariant(input.metric.type, variant, index));
  const target = input.targetRelativeLift;
  if (target !== undefined && !(typeof target === 'number' && target > 0 && Number.isFinite(target)))
    fail('targetRelativeLift', 'must be a positive number.');
}

function warningsFor(type: MetricType, variant: VariantStatistics): VariantWarning[] {
  const reasons: string[] = [];
  if (variant.units < SMALL_SAMPLE_UNITS) reasons.push(`${variant.units} units (fewer than ${SMALL_SAMPLE_UNITS})`);
  if (type === 'proportion' && variant.conversions < SMALL_SAMPLE_CONVERSIONS)
    reasons.push(`${variant.conversions} conversions (fewer than ${SMALL_SAMPLE_CONVERSIONS})`);
  if (reasons.length === 0) return [];
  return [
    {
      code: 'small-sample',
      message: `Variant "${variant.key}" has ${reasons.join(' and ')}: its intervals and p-values rest on normal approximations that are not yet reliable.`,
    },
  ];
}

function describeVariant(type: MetricType, variant: VariantStatistics, estimate: MeanEstimate): MetricVariantResult {
  return {
    key: variant.key,
    units: variant.units,
    conversions: variant.conversions,
    mean: estimate.mean,
    meanCI: meanInterval(type, variant, estimate),
    rate: rateOf(variant),
    rateCI: wilsonInterval(variant),
    value: summarizeValues(variant),
    warnings: warningsFor(type, variant),
  };
}

/** The fixed-horizon 95% interval of the difference and its two-sided p-value, per type. */
function fixedHorizonTest(
  type: MetricType,
  treatment: VariantStatistics,
  control: VariantStatistics,
  estimates: { treatment: MeanEstimate; control: MeanEstimate },
): { ci: Interval; pValue: number } {
  if (type === 'mean' || type === 'count') {
    const welch = welchTest(treatment, control);
    return { ci: welch.ci, pValue: welch.pValue };
  }
  const difference = estimates.treatment.mean - estimates.control.mean;
  const se = Math.sqrt(estimates.treatment.variance + estimates.control.variance);
  const ci: Interval = [difference - Z_95 * se, difference + Z_95 * se];
  // A proportion keeps the pooled test (its null is p_t = p_c, whose variance is pooled); the
  // interval is unpooled, as an interval around the observed difference should be.
  if (type === 'proportion') return { ci, pValue: twoProportionPValue(treatment, control) };
  return { ci, pValue: Math.min(1, normalTwoSided(difference / se)) };
}

type Comparison = Omit<MetricTreatmentResult, 'pValueAdjusted'>;

function compare(
  input: MetricAnalysisInput,
  isSrmOk: boolean,
  control: { variant: VariantStatistics; estimate: MeanEstimate },
  variant: VariantStatistics,
): Comparison {
  const { type, direction, role } = input.metric;
  const estimate = estimateVariantMean(type, variant);
  const variance = estimate.variance + control.estimate.variance;
  const hasSufficientData =
    estimate.isEstimable && control.estimate.isEstimable && variance > 0 && Number.isFinite(variance);
  const lifts = { treatment: estimate, control: control.estimate, hasSufficientData };
  const fixed = fixedHorizonTest(type, variant, control.variant, lifts);
  const liftAbs = absoluteLift(lifts, fixed.ci);
  const liftRel = logRelativeLift(lifts);
  const oriented = { difference: directionSign(direction) * liftAbs.estimate, variance };
  // The Beta comparison for a proportion, oriented: `high` is the arm whose rate is the higher one
  // when the treatment is better (for a decrease, the control).
  const [high, low] = direction === 'increase' ? [variant, control.variant] : [control.variant, variant];
  const result: Comparison = {
    ...describeVariant(type, variant, estimate),
    liftAbs,
    liftRel,
    pValue: hasSufficientData ? fixed.pValue : 1,
    pValueSequential: hasSufficientData
      ? sequentialPValueNow({
          estimate: liftAbs.estimate,
          variance,
          mixtureVariance: absoluteMixtureVariance(control.estimate.mean),
        })
      : 1,
    chanceToBeatControl: type === 'proportion' ? chanceToBeatControl(high, low) : normalChanceToBeatControl(oriented),
    // expectedLoss(high, low) = E[max(p_low − p_high, 0)]: by how much the treatment falls short.
    expectedLoss: type === 'proportion' ? expectedLoss(high, low) : normalExpectedLoss(oriented),
    verdict: decideVerdict({ direction, isSrmOk, hasSufficientData, ciSequential: liftAbs.ciSequential }),
  };
  if (role !== 'guardrail') return result;
  const margin = input.metric.nonInferiorityMargin ?? DEFAULT_NON_INFERIORITY_MARGIN;
  const status = guardrailStatus({
    direction,
    margin,
    relativeSequential: liftRel.ciSequential,
    absoluteSequential: liftAbs.ciSequential,
    hasSufficientData,
  });
  return { ...result, guardrail: { status, margin } };
}

/**
 * Analyses one metric of an experiment: per variant its mean with interval, and per treatment
 * against the control (the first variant) the lifts with fixed-horizon intervals and confidence
 * sequences, p-values (fixed, Holm-adjusted, sequential), chance to beat control, expected loss,
 * verdict and, for guardrails, the guardrail status. Throws a RangeError naming the field on bad
 * input. Every number is finite.
 *
 * @example
 *   analyzeMetricResults({
 *     metric: { type: 'mean', direction: 'increase', role: 'primary' },
 *     variants: [
 *       { key: 'control', weight: 5000, units: 5000, conversions: 1500, sum: 49_000, sumOfSquares: 2.1e6 },
 *       { key: 'discount', weight: 5000, units: 5050, conversions: 1530, sum: 56_000, sumOfSquares: 2.6e6 },
 *     ],
 *   }).variants[1]?.verdict;
 */
export function analyzeMetricResults(input: MetricAnalysisInput): MetricAnalysis {
  validate(input);
  const { type } = input.metric;
  const [controlVariant, ...treatments] = input.variants as readonly [VariantStatistics, ...VariantStatistics[]];
  const srm =
    input.srm ??
    sampleRatioTest(
      input.variants.map((v) => v.units),
      input.variants.map((v) => v.weight),
    );
  const control = { variant: controlVariant, estimate: estimateVariantMean(type, controlVariant) };
  const comparisons = treatments.map((variant) => compare(input, srm.ok, control, variant));
  const adjusted = holmAdjust(comparisons.map((c) => c.pValue));
  const treatmentResults = comparisons.map((comparison, i): MetricTreatmentResult => ({
    ...comparison,
    pValueAdjusted: adjusted[i] as number,
  }));
  return {
    srm,
    variants: [describeVariant(type, controlVariant, control.estimate), ...treatmentResults],
    power: powerAnalysisForVariance({
      baseline: control.estimate.mean,
      unitVariance: control.estimate.unitVariance,
      unitsPerVariant: Math.min(...input.variants.map((v) => v.units)),
      targetRelativeLift: input.targetRelativeLift ?? DEFAULT_TARGET_RELATIVE_LIFT,
    }),
  };
}
