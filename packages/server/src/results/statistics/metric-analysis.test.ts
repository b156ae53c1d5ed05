import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeMetricResults, type MetricAnalysisInput, type VariantStatistics } from './metric-analysis.js';
import type { MetricDefinition } from './metric-analysis.js';

interface ReferenceCase {
  name: string;
  metric: MetricDefinition;
  variants: VariantStatistics[];
  expected: Record<string, unknown>;
}

// Computed from raw per-unit arrays with SciPy and NumPy by ./reference/compute-reference-values.py.
const reference = JSON.parse(readFileSync(new URL('./reference/reference-values.json', import.meta.url), 'utf8')) as {
  metricAnalysis: ReferenceCase[];
};

const RELATIVE_TOLERANCE = 1e-9;
// Where a Student t quantile or tail enters (stdlib's and SciPy's agree to about this).
const STUDENT_T_TOLERANCE = 1e-6;

// A proportion's expected loss is a difference of two terms the size of the rates (bayesian.ts),
// so its precision is absolute, about 1e-16, however small the loss itself.
const BETA_LOSS_ABSOLUTE_TOLERANCE = 1e-15;

/** The fields of a mean or count metric that come from Student's t. */
function usesStudentT(type: MetricDefinition['type'], path: string): boolean {
  if (type !== 'mean' && type !== 'count') return false;
  return /(^|\.)meanCI\.|liftAbs\.ci\.|(^|\.)pValue(Adjusted)?$/.test(path);
}

/**
 * Walks the expected document and checks the actual one has exactly the same fields, with every
 * number within the relative tolerance. Warnings are compared by code.
 */
function expectMatches(type: MetricDefinition['type'], actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const tolerance = usesStudentT(type, path) ? STUDENT_T_TOLERANCE : RELATIVE_TOLERANCE;
    const floor = type === 'proportion' && path.endsWith('expectedLoss') ? BETA_LOSS_ABSOLUTE_TOLERANCE : 0;
    const difference = Math.abs((actual as number) - expected);
    expect(difference, `${path}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(
      Math.max(tolerance * Math.abs(expected), floor),
    );
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    expect(actual, path).toEqual(expected);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    const items = actual as unknown[];
    expect(items.length, path).toBe(expected.length);
    expected.forEach((item: unknown, i) => expectMatches(type, items[i], item, `${path}.${i}`));
    return;
  }
  const record = actual as Record<string, unknown>;
  expect(Object.keys(record).sort(), path).toEqual(Object.keys(expected).sort());
  for (const [field, value] of Object.entries(expected)) {
    if (field === 'warnings') {
      const warnings = record[field] as { code: string; message: string }[];
      expect(
        warnings.map((w) => w.code),
        `${path}.warnings`,
      ).toEqual(value);
      continue;
    }
    expectMatches(type, record[field], value, path === '' ? field : `${path}.${field}`);
  }
}

describe('analyzeMetricResults against reference values from raw per-unit data', () => {
  it.each(reference.metricAnalysis)('$name', (c) => {
    const input: MetricAnalysisInput = { metric: c.metric, variants: c.variants };
    expectMatches(c.metric.type, analyzeMetricResults(input), c.expected, '');
  });

  it('covers every type in both directions, and harmed, pending and ok guardrails', () => {
    const cases = reference.metricAnalysis;
    for (const type of ['proportion', 'mean', 'count', 'ratio'])
      for (const direction of ['increase', 'decrease'])
        expect(cases.some((c) => c.metric.type === type && c.metric.direction === direction)).toBe(true);
    const statuses = cases.flatMap((c) =>
      (c.expected.variants as { guardrail?: { status: string } }[]).map((v) => v.guardrail?.status),
    );
    for (const status of ['ok', 'harmed', 'pending']) expect(statuses).toContain(status);
  });
});

function proportionArm(key: string, units: number, conversions: number): VariantStatistics {
  return { key, weight: 5000, units, conversions, sum: conversions, sumOfSquares: conversions };
}

/** A mean metric's sums from the mean and standard deviation of its per-unit values. */
function meanArm(key: string, units: number, mean: number, stdDev: number): VariantStatistics {
  const sum = mean * units;
  return { key, weight: 5000, units, conversions: units, sum, sumOfSquares: stdDev ** 2 * (units - 1) + sum * mean };
}

/** Every number in the result, so a test can check they are all finite (JSON has no NaN). */
function numbersIn(value: unknown): number[] {
  const numbers: number[] = [];
  JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? (numbers.push(item), item) : item));
  return numbers;
}

const increase = { type: 'proportion', direction: 'increase', role: 'primary' } as const;

describe('analyzeMetricResults', () => {
  it('calls a planted effect winning for an increase, and the same data losing for a decrease', () => {
    const variants = [proportionArm('control', 10_000, 1000), proportionArm('moved', 10_000, 1300)];
    const up = analyzeMetricResults({ metric: increase, variants }).variants[1];
    const down = analyzeMetricResults({ metric: { ...increase, direction: 'decrease' }, variants }).variants[1];
    expect(up?.verdict).toBe('winning');
    expect(down?.verdict).toBe('losing');
    expect(up?.liftRel.estimate).toBeCloseTo(0.3, 12);
    expect(up?.chanceToBeatControl).toBeGreaterThan(0.99);
    expect((up?.chanceToBeatControl ?? 0) + (down?.chanceToBeatControl ?? 0)).toBeCloseTo(1, 12);
    expect(down?.expectedLoss).toBeCloseTo(0.03, 3);
  });

  it('answers finite numbers, insufficient-data and a pending guardrail for an experiment with no data', () => {
    for (const type of ['proportion', 'mean', 'count', 'ratio'] as const) {
      const empty = { weight: 5000, units: 0, conversions: 0, sum: 0, sumOfSquares: 0 };
      const ratioSums = { denominatorSum: 0, denominatorSumOfSquares: 0, crossSum: 0 };
      const result = analyzeMetricResults({
        metric: { type, direction: 'decrease', role: 'guardrail' },
        variants: [
          { key: 'control', ...empty, ...ratioSums },
          { key: 'moved', ...empty, ...ratioSums },
        ],
      });
      const treatment = result.variants[1];
      expect(treatment?.verdict).toBe('insufficient-data');
      expect(treatment?.guardrail).toEqual({ status: 'pending', margin: 0.02 });
      expect(treatment?.liftRel).toEqual({ estimate: null, ci: null, ciSequential: null });
      expect(treatment?.pValue).toBe(1);
      expect(treatment?.pValueSequential).toBe(1);
      expect(result.power).toEqual({ mdeRel: 0, unitsNeeded: 0 });
      expect(result.srm).toEqual({ chiSquare: 0, pValue: 1, ok: true });
      expect(numbersIn(result).every(Number.isFinite)).toBe(true);
    }
  });

  it('collapses every interval to its estimate when an arm has fewer than two units', () => {
    const result = analyzeMetricResults({
      metric: { type: 'mean', direction: 'increase', role: 'primary' },
      variants: [meanArm('control', 500, 10, 4), meanArm('moved', 1, 12, 0)],
      srm: { chiSquare: 0, pValue: 1, ok: true },
    });
    const treatment = result.variants[1];
    expect(treatment?.verdict).toBe('insufficient-data');
    expect(treatment?.liftAbs).toEqual({ estimate: 2, ci: [2, 2], ciSequential: [2, 2] });
    expect(treatment?.liftRel.ci).toEqual([treatment?.liftRel.estimate, treatment?.liftRel.estimate]);
    expect(treatment?.meanCI).toEqual([12, 12]);
    expect(treatment?.warnings.map((w) => w.code)).toEqual(['small-sample']);
    expect(treatment?.warnings[0]?.message).toContain('"moved" has 1 units');
  });

  it('keeps the relative estimate at −100% with null intervals when the treatment mean is 0', () => {
    const treatment = analyzeMetricResults({
      metric: increase,
      variants: [proportionArm('control', 2000, 40), proportionArm('moved', 2000, 0)],
    }).variants[1];
    expect(treatment?.liftRel).toEqual({ estimate: -1, ci: null, ciSequential: null });
    expect(treatment?.verdict).toBe('losing');
  });

  it('leaves the relative lift undefined for a negative control mean, and a guardrail is then read off the absolute sequence', () => {
    const treatment = analyzeMetricResults({
      metric: { type: 'mean', direction: 'increase', role: 'guardrail' },
      variants: [meanArm('control', 5000, -2, 3), meanArm('moved', 5000, -3, 3)],
    }).variants[1];
    expect(treatment?.liftRel).toEqual({ estimate: null, ci: null, ciSequential: null });
    expect(treatment?.liftAbs.ciSequential[1]).toBeLessThan(0);
    expect(treatment?.guardrail).toEqual({ status: 'harmed', margin: 0.02 });
  });

  it('uses the experiment-level sample ratio test it is given', () => {
    const srm = { chiSquare: 40, pValue: 1e-9, ok: false };
    const result = analyzeMetricResults({
      metric: increase,
      variants: [proportionArm('control', 10_000, 1000), proportionArm('moved', 10_000, 1300)],
      srm,
    });
    expect(result.srm).toBe(srm);
    expect(result.variants[1]?.verdict).toBe('srm-failed');
  });

  it('gives a guardrail field to guardrails only, with the metric’s margin', () => {
    const variants = [meanArm('control', 5000, 10, 4), meanArm('moved', 5000, 10.01, 4)];
    const metric = { type: 'mean', direction: 'increase' } as const;
    expect(analyzeMetricResults({ metric: { ...metric, role: 'secondary' }, variants }).variants[1]).not.toHaveProperty(
      'guardrail',
    );
    const guardrail = analyzeMetricResults({
      metric: { ...metric, role: 'guardrail', nonInferiorityMargin: 0.05 },
      variants,
    }).variants[1]?.guardrail;
    expect(guardrail).toEqual({ status: 'ok', margin: 0.05 });
  });

  it('analyses a control alone: its mean and the power, no treatments', () => {
    const result = analyzeMetricResults({ metric: increase, variants: [proportionArm('control', 4000, 400)] });
    expect(result.variants).toHaveLength(1);
    expect(result.power.unitsNeeded).toBeGreaterThan(0);
  });

  it('treats a ratio arm whose denominators sum to 0 as without data', () => {
    const ratio = (key: string, denominatorSum: number): VariantStatistics => ({
      key,
      weight: 5000,
      units: 300,
      conversions: 30,
      sum: 60,
      sumOfSquares: 200,
      denominatorSum,
      denominatorSumOfSquares: denominatorSum * 2,
      crossSum: denominatorSum,
    });
    const result = analyzeMetricResults({
      metric: { type: 'ratio', direction: 'increase', role: 'primary' },
      variants: [ratio('control', 0), ratio('moved', 600)],
    });
    expect(result.variants[0]?.mean).toBe(0);
    expect(result.variants[1]?.verdict).toBe('insufficient-data');
  });

  it.each([
    ['metric.type', { metric: { ...increase, type: 'median' } }],
    ['metric.direction', { metric: { ...increase, direction: 'up' } }],
    ['metric.nonInferiorityMargin', { metric: { ...increase, nonInferiorityMargin: 1 } }],
    ['variants', { variants: [] }],
    ['variants[1].conversions', { variants: [proportionArm('control', 10, 1), proportionArm('moved', 10, 11)] }],
    ['variants[0].units', { variants: [proportionArm('control', 2.5, 1)] }],
    ['variants[0].sum', { variants: [{ ...proportionArm('control', 10, 1), sum: 2 }] }],
    ['variants[0].sumOfSquares', { variants: [{ ...proportionArm('control', 10, 1), sumOfSquares: Number.NaN }] }],
    [
      'variants[0].denominatorSum',
      { metric: { ...increase, type: 'ratio' }, variants: [proportionArm('control', 10, 1)] },
    ],
    ['targetRelativeLift', { targetRelativeLift: 0 }],
  ])('refuses bad input naming the field: %s', (field, change) => {
    const input = {
      metric: increase,
      variants: [proportionArm('control', 100, 10), proportionArm('moved', 100, 12)],
      ...change,
    } as MetricAnalysisInput;
    expect(() => analyzeMetricResults(input)).toThrow(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} `));
  });
});
