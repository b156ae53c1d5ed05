import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chanceToBeatControl, expectedLoss } from './bayesian.js';
import { holmAdjust } from './multiple-testing.js';
import { absoluteLift, relativeLift, twoProportionPValue, wilsonInterval, type Proportion } from './proportions.js';
import { sampleRatioTest } from './sample-ratio.js';
import { welchTest, type ValueSums } from './welch.js';

interface Reference {
  proportions: {
    name: string;
    control: Proportion;
    treatment: Proportion;
    wilsonControl: [number, number];
    wilsonTreatment: [number, number];
    pValue: number;
    chanceToBeatControl: number;
    expectedLoss: number;
  }[];
  sampleRatio: { name: string; units: number[]; weights: number[]; chiSquare: number; pValue: number }[];
  welch: {
    name: string;
    control: { mean: number; stdDev: number; units: number };
    treatment: { mean: number; stdDev: number; units: number };
    estimate: number;
    ci: [number, number];
    pValue: number;
    degreesOfFreedom: number;
  }[];
  holm: { pValues: number[]; adjusted: number[] };
}

// Computed once with SciPy by ./reference/compute-reference-values.py (command inside the file).
const reference = JSON.parse(
  readFileSync(new URL('./reference/reference-values.json', import.meta.url), 'utf8'),
) as Reference;

function sums({ mean, stdDev, units }: { mean: number; stdDev: number; units: number }): ValueSums {
  const sum = mean * units;
  return { units, sum, sumOfSquares: stdDev * stdDev * (units - 1) + (sum * sum) / units };
}

describe('statistics against SciPy reference values', () => {
  it.each(reference.proportions)('proportions: $name', (c) => {
    const close = (actual: number, expected: number, digits: number): void =>
      expect(actual).toBeCloseTo(expected, digits);
    wilsonInterval(c.control).forEach((v, i) => close(v, c.wilsonControl[i] as number, 10));
    wilsonInterval(c.treatment).forEach((v, i) => close(v, c.wilsonTreatment[i] as number, 10));
    close(twoProportionPValue(c.treatment, c.control), c.pValue, 10);
    close(chanceToBeatControl(c.treatment, c.control), c.chanceToBeatControl, 4);
    expect(Math.abs(expectedLoss(c.treatment, c.control) - c.expectedLoss)).toBeLessThan(
      Math.max(1e-6, c.expectedLoss * 1e-3),
    );
  });

  it.each(reference.sampleRatio)('sample ratio: $name', (c) => {
    const result = sampleRatioTest(c.units, c.weights);
    expect(result.chiSquare).toBeCloseTo(c.chiSquare, 8);
    expect(result.pValue).toBeCloseTo(c.pValue, 10);
    expect(result.ok).toBe(c.pValue >= 0.001);
  });

  it.each(reference.welch)('Welch t-test: $name', (c) => {
    const result = welchTest(sums(c.treatment), sums(c.control));
    expect(result.estimate).toBeCloseTo(c.estimate, 8);
    expect(result.pValue).toBeCloseTo(c.pValue, 6);
    expect(result.degreesOfFreedom).toBeCloseTo(c.degreesOfFreedom, 4);
    expect(result.ci[0]).toBeCloseTo(c.ci[0], 6);
    expect(result.ci[1]).toBeCloseTo(c.ci[1], 6);
  });

  it('Holm adjustment: the worked example', () => {
    holmAdjust(reference.holm.pValues).forEach((p, i) =>
      expect(p).toBeCloseTo(reference.holm.adjusted[i] as number, 12),
    );
  });
});

const proportion = fc
  .record({ units: fc.integer({ min: 1, max: 2_000_000 }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ units, share }) => ({ units, conversions: Math.floor(units * share) }));

describe('statistics invariants', () => {
  it('intervals contain their estimate', () => {
    fc.assert(
      fc.property(proportion, proportion, (t, c) => {
        const [lo, hi] = wilsonInterval(t);
        const rate = t.conversions / t.units;
        expect(lo).toBeLessThanOrEqual(rate + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(rate - 1e-12);
        for (const lift of [absoluteLift(t, c), relativeLift(t, c)]) {
          expect(lift.ci[0]).toBeLessThanOrEqual(lift.estimate + 1e-12);
          expect(lift.ci[1]).toBeGreaterThanOrEqual(lift.estimate - 1e-12);
        }
      }),
    );
  });

  it('p-values and probabilities lie in [0, 1] and every number is finite', () => {
    fc.assert(
      fc.property(proportion, proportion, (t, c) => {
        for (const value of [twoProportionPValue(t, c), chanceToBeatControl(t, c)]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        const loss = expectedLoss(t, c);
        expect(Number.isFinite(loss)).toBe(true);
        expect(loss).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('swapping the variants flips the sign of the lift and keeps the p-value', () => {
    fc.assert(
      fc.property(proportion, proportion, (t, c) => {
        const forward = absoluteLift(t, c);
        const backward = absoluteLift(c, t);
        expect(backward.estimate).toBeCloseTo(-forward.estimate, 12);
        expect(backward.ci[0]).toBeCloseTo(-forward.ci[1], 12);
        expect(twoProportionPValue(c, t)).toBeCloseTo(twoProportionPValue(t, c), 12);
        expect(chanceToBeatControl(t, c) + chanceToBeatControl(c, t)).toBeCloseTo(1, 3);
      }),
      { numRuns: 300 },
    );
  });

  it('Holm never lowers a p-value and keeps them in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (pValues) => {
        holmAdjust(pValues).forEach((adjusted, i) => {
          expect(adjusted).toBeGreaterThanOrEqual(pValues[i] as number);
          expect(adjusted).toBeLessThanOrEqual(1);
        });
      }),
    );
  });
});
