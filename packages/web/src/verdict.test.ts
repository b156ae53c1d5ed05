import { describe, expect, it } from 'vitest';
import type { ExperimentResults, VariantResult } from './api-types.js';
import { describeSampleRatio, describeVerdict, overallVerdict } from './verdict.js';

const control: VariantResult = {
  key: 'control',
  units: 1000,
  conversions: 100,
  rate: 0.1,
  rateCI: [0.083, 0.12],
  value: { mean: 0.1, stdDev: 0.3 },
};

function treatment(overrides: Partial<VariantResult>): VariantResult {
  return {
    key: 'treatment',
    units: 1000,
    conversions: 150,
    rate: 0.15,
    rateCI: [0.13, 0.17],
    value: { mean: 0.15, stdDev: 0.36 },
    liftRel: { estimate: 0.5, ci: [0.2, 0.8] },
    pValueSequential: 0.004,
    verdict: 'winning',
    ...overrides,
  };
}

function results(variants: VariantResult[], options: { isSplitOk?: boolean } = {}): ExperimentResults {
  const isSplitOk = options.isSplitOk ?? true;
  return {
    experiment: 'e',
    metric: 'purchase',
    generatedAt: '2026-11-27T00:00:00Z',
    multipleExposures: { units: 0 },
    overrides: { units: 0 },
    unknownVariant: { units: 0 },
    srm: { chiSquare: isSplitOk ? 0.1 : 40, pValue: isSplitOk ? 0.75 : 1e-9, ok: isSplitOk },
    variants,
    power: { mdeRel: 0.2, unitsNeeded: 4000 },
  };
}

describe('the verdict in words', () => {
  it('says which variant wins, by how much, and that the hypothesis holds', () => {
    const text = describeVerdict(treatment({}), control);
    expect(text).toContain('"treatment" beats "control"');
    expect(text).toContain('+50.0% (95% interval +20.0% to +80.0%)');
    expect(text).toContain('always-valid p = 0.004');
  });

  it('says a loser refutes the hypothesis, and that a small sample is not yet a verdict', () => {
    expect(
      describeVerdict(treatment({ verdict: 'losing', liftRel: { estimate: -0.3, ci: [-0.5, -0.1] } }), control),
    ).toContain('refuted');
    expect(
      describeVerdict(treatment({ verdict: 'insufficient-data', units: 40 }), { ...control, units: 38 }),
    ).toContain('40 and 38 units so far');
  });

  it('sums up the experiment for the list: SRM first, then a winner, then all losing', () => {
    expect(overallVerdict(results([control, treatment({})], { isSplitOk: false }))).toEqual({
      verdict: 'srm-failed',
      variant: null,
    });
    expect(
      overallVerdict(results([control, treatment({ key: 'b', verdict: 'inconclusive' }), treatment({ key: 'c' })])),
    ).toEqual({ verdict: 'winning', variant: 'c' });
    expect(overallVerdict(results([control, treatment({ verdict: 'losing' })]))).toEqual({
      verdict: 'losing',
      variant: 'treatment',
    });
    expect(overallVerdict(results([control, treatment({ verdict: 'insufficient-data' })])).verdict).toBe(
      'insufficient-data',
    );
    expect(overallVerdict(results([control, treatment({ verdict: 'inconclusive' })])).verdict).toBe('inconclusive');
  });

  it('warns about a sample ratio mismatch only when the test fails', () => {
    expect(describeSampleRatio(results([control, treatment({})]))).toBeNull();
    expect(describeSampleRatio(results([control, treatment({ units: 600 })], { isSplitOk: false }))).toContain(
      'control 1,000, treatment 600',
    );
  });
});
