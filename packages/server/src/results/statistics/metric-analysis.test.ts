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
