import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardrailStatus } from './guardrail.js';
import {
  analyzeMetricResults,
  type MetricAnalysis,
  type MetricDefinition,
  type MetricTreatmentResult,
  type VariantStatistics,
} from './metric-analysis.js';
import type { Interval, MetricType } from './metric-definition.js';

const SRM_OK = { chiSquare: 0, pValue: 1, ok: true };
const ALPHA = 0.05;

// The invariants are exact in real arithmetic; they are checked at the scales data has (values
// below 1e-6 in size become 0), and the last property feeds any finite sums at all.
const DATA_SCALE = 1e-6;
const double = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (Math.abs(x) < DATA_SCALE ? 0 : x));

// Small arms (where the edge cases live) as often as realistic ones.
const units = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 50_000 }));

/** Sums of n per-unit values with the given mean and sample standard deviation. */
function sumsOf(n: number, mean: number, stdDev: number): { sum: number; sumOfSquares: number } {
  const sum = mean * n;
  return { sum, sumOfSquares: n < 2 ? sum * mean : stdDev * stdDev * (n - 1) + sum * mean };
}

function armOf(type: MetricType): fc.Arbitrary<Omit<VariantStatistics, 'key'>> {
  const common = { units, share: double(0, 1) };
  if (type === 'proportion')
    return fc.record(common).map(({ units: n, share }) => {
      const conversions = Math.floor(n * share);
      return { weight: 5000, units: n, conversions, sum: conversions, sumOfSquares: conversions };
    });
  if (type === 'mean' || type === 'count')
    return fc
      .record({ ...common, mean: type === 'mean' ? double(-20, 500) : double(0, 30), stdDev: double(0, 300) })
      .map(({ units: n, share, mean, stdDev }) => ({
        weight: 5000,
        units: n,
        conversions: Math.floor(n * share),
        ...sumsOf(n, mean, stdDev),
      }));
  return fc
    .record({
      ...common,
      meanN: double(0, 500),
      meanD: double(0, 20),
      stdDevN: double(0, 300),
      stdDevD: double(0, 10),
      correlation: double(-1, 1),
    })
    .map(({ units: n, share, meanN, meanD, stdDevN, stdDevD, correlation }) => {
      const numerator = sumsOf(n, meanN, stdDevN);
      const denominator = sumsOf(n, meanD, stdDevD);
      return {
        weight: 5000,
        units: n,
        conversions: Math.floor(n * share),
        ...numerator,
        denominatorSum: denominator.sum,
        denominatorSumOfSquares: denominator.sumOfSquares,
        crossSum: n < 2 ? numerator.sum * meanD : correlation * stdDevN * stdDevD * (n - 1) + numerator.sum * meanD,
      };
    });
}

const metric: fc.Arbitrary<MetricDefinition> = fc.record({
  type: fc.constantFrom<MetricType[]>('proportion', 'mean', 'count', 'ratio'),
  direction: fc.constantFrom<MetricDefinition['direction'][]>('increase', 'decrease'),
  role: fc.constantFrom<MetricDefinition['role'][]>('primary', 'secondary', 'guardrail'),
  nonInferiorityMargin: fc.option(double(0, 0.2), { nil: undefined }),
});

/** A metric and a control with one to three treatments of its type. */
const scenario = metric.chain((m) =>
  fc
    .array(armOf(m.type), { minLength: 2, maxLength: 4 })
    .map((arms) => ({ metric: m, variants: arms.map((arm, i) => ({ key: `v${i}`, ...arm })) })),
);

function treatmentsOf(result: MetricAnalysis): MetricTreatmentResult[] {
  const [, ...treatments] = result.variants;
  return treatments;
}

function contains([lo, hi]: Interval, value: number): boolean {
  const slack = 1e-12 * Math.max(1, Math.abs(value));
  return lo <= value + slack && value - slack <= hi;
}

describe('metric analysis invariants', () => {
  it('verdict: winning exactly when the confidence sequence lies wholly on the better side of 0, losing exactly when wholly on the worse', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const t of treatmentsOf(analyzeMetricResults({ ...input, srm: SRM_OK }))) {
          const [lo, hi] = t.liftAbs.ciSequential;
          if (t.verdict === 'insufficient-data') {
            expect(lo).toBe(t.liftAbs.estimate);
            expect(hi).toBe(t.liftAbs.estimate);
            continue;
          }
          const better = input.metric.direction === 'increase' ? lo > 0 : hi < 0;
          const worse = input.metric.direction === 'increase' ? hi < 0 : lo > 0;
          expect(t.verdict === 'winning').toBe(better);
          expect(t.verdict === 'losing').toBe(worse);
          expect(t.verdict === 'inconclusive').toBe(!better && !worse);
        }
      }),
    );
  });

  it('a failed sample ratio test overrides every verdict', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const result = analyzeMetricResults({ ...input, srm: { chiSquare: 99, pValue: 1e-12, ok: false } });
        for (const t of treatmentsOf(result)) expect(t.verdict).toBe('srm-failed');
      }),
      { numRuns: 50 },
    );
  });

  it('the sequential p-value is below 0.05 exactly when the confidence sequence excludes 0', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const t of treatmentsOf(analyzeMetricResults({ ...input, srm: SRM_OK }))) {
          if (t.verdict === 'insufficient-data') continue;
          const [lo, hi] = t.liftAbs.ciSequential;
          const half = (hi - lo) / 2;
          // On the boundary itself the two sides round differently; it has measure zero.
          if (half > 0 && Math.abs(Math.abs(t.liftAbs.estimate) / half - 1) < 1e-9) continue;
          expect(t.pValueSequential < ALPHA).toBe(lo > 0 || hi < 0);
        }
      }),
    );
  });

  it('relative lifts and their intervals never go below −100%', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const { liftRel } of treatmentsOf(analyzeMetricResults(input))) {
          if (liftRel.estimate !== null) expect(liftRel.estimate).toBeGreaterThanOrEqual(-1);
          for (const interval of [liftRel.ci, liftRel.ciSequential])
            if (interval !== null) expect(interval[0]).toBeGreaterThanOrEqual(-1);
          if (liftRel.estimate === null) expect(liftRel.ci).toBeNull();
        }
      }),
    );
  });

  it('turning the direction around turns the chance to beat control p into 1 − p and swaps winning and losing', () => {
    const swapped = { winning: 'losing', losing: 'winning' } as const;
    fc.assert(
      fc.property(scenario, (input) => {
        const flipped = input.metric.direction === 'increase' ? 'decrease' : 'increase';
        const forward = treatmentsOf(analyzeMetricResults({ ...input, srm: SRM_OK }));
        const backward = treatmentsOf(
          analyzeMetricResults({ ...input, metric: { ...input.metric, direction: flipped }, srm: SRM_OK }),
        );
        forward.forEach((t, i) => {
          const other = backward[i] as MetricTreatmentResult;
          expect(Math.abs(t.chanceToBeatControl + other.chanceToBeatControl - 1)).toBeLessThan(1e-9);
          const verdict = t.verdict === 'winning' || t.verdict === 'losing' ? swapped[t.verdict] : t.verdict;
          expect(other.verdict).toBe(verdict);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('guardrail status follows its rule on the relative (else absolute) confidence sequence', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const guarded = { ...input, metric: { ...input.metric, role: 'guardrail' as const } };
        const isIncrease = input.metric.direction === 'increase';
        for (const t of treatmentsOf(analyzeMetricResults({ ...guarded, srm: SRM_OK }))) {
          const margin = input.metric.nonInferiorityMargin ?? 0.02;
          expect(t.guardrail?.margin).toBe(margin);
          if (t.verdict === 'insufficient-data') {
            expect(t.guardrail?.status).toBe('pending');
            continue;
          }
          const relative = t.liftRel.ciSequential;
          let expected: string;
          if (relative !== null) {
            const [lo, hi] = relative;
            const harmed = isIncrease ? hi < 0 : lo > 0;
            const ok = isIncrease ? lo > -margin : hi < margin;
            expected = harmed ? 'harmed' : ok ? 'ok' : 'pending';
          } else {
            const [lo, hi] = t.liftAbs.ciSequential;
            const harmed = isIncrease ? hi < 0 : lo > 0;
            const ok = isIncrease ? lo > 0 : hi < 0;
            expected = harmed ? 'harmed' : ok ? 'ok' : 'pending';
          }
          expect(t.guardrail?.status).toBe(expected);
        }
      }),
    );
  });

  it('a guardrail is never both shown within its margin and harmed, and a wider margin never turns ok into pending', () => {
    const interval = fc.tuple(double(-2, 2), double(0, 2)).map(([lo, width]): Interval => [lo, lo + width]);
    fc.assert(
      fc.property(
        interval,
        fc.option(interval, { nil: null }),
        fc.constantFrom('increase', 'decrease' as const),
        double(0, 0.5),
        double(0, 0.5),
        (absolute, relative, direction, margin, extra) => {
          const status = (m: number): string =>
            guardrailStatus({
              direction,
              margin: m,
              relativeSequential: relative,
              absoluteSequential: absolute,
              hasSufficientData: true,
            });
          if (status(margin) === 'ok') expect(status(margin + extra)).toBe('ok');
          if (status(margin) === 'harmed') expect(status(margin + extra)).toBe('harmed');
        },
      ),
    );
  });

  it('every interval contains its estimate, and p-values, chances and losses are finite and in range', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const result = analyzeMetricResults(input);
        for (const v of result.variants) {
          expect(contains(v.meanCI, v.mean)).toBe(true);
          expect(contains(v.rateCI, v.rate)).toBe(true);
        }
        for (const t of treatmentsOf(result)) {
          expect(contains(t.liftAbs.ci, t.liftAbs.estimate)).toBe(true);
          expect(contains(t.liftAbs.ciSequential, t.liftAbs.estimate)).toBe(true);
          const { estimate, ci, ciSequential } = t.liftRel;
          if (estimate !== null && ci !== null && ciSequential !== null) {
            expect(contains(ci, estimate)).toBe(true);
            expect(contains(ciSequential, estimate)).toBe(true);
          }
          for (const p of [t.pValue, t.pValueAdjusted, t.pValueSequential, t.chanceToBeatControl]) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
          expect(t.pValueAdjusted).toBeGreaterThanOrEqual(t.pValue);
          expect(t.expectedLoss).toBeGreaterThanOrEqual(0);
        }
        const numbers: number[] = [];
        JSON.stringify(result, (_key, value: unknown) =>
          typeof value === 'number' ? (numbers.push(value), value) : value,
        );
        expect(numbers.every(Number.isFinite)).toBe(true);
      }),
    );
  });

  it('with normal intervals (proportion, ratio) the confidence sequence is never narrower than the fixed-horizon interval', () => {
    // min over τ²/V of (1 + V/τ²)(2 ln 20 + ln(1 + τ²/V)) is about 9.2 > 1.96²: being free to look
    // at every moment costs width at every moment.
    fc.assert(
      fc.property(
        scenario.filter(({ metric: m }) => m.type === 'proportion' || m.type === 'ratio'),
        (input) => {
          for (const t of treatmentsOf(analyzeMetricResults(input))) {
            const [lo, hi] = t.liftAbs.ci;
            const [slo, shi] = t.liftAbs.ciSequential;
            expect(slo).toBeLessThanOrEqual(lo);
            expect(shi).toBeGreaterThanOrEqual(hi);
          }
        },
      ),
    );
  });

  it('whatever finite sums come in, every number out is finite and every probability lies in [0, 1]', () => {
    const any = fc.double({ min: -1e300, max: 1e300, noNaN: true });
    const nonNegative = fc.double({ min: 0, max: 1e300, noNaN: true });
    const arm = fc
      .record({
        units,
        share: fc.double({ min: 0, max: 1, noNaN: true }),
        sum: any,
        sumOfSquares: nonNegative,
        denominatorSum: any,
        denominatorSumOfSquares: nonNegative,
        crossSum: any,
      })
      .map(({ share, ...sums }) => ({ weight: 5000, ...sums, conversions: Math.floor(sums.units * share) }));
    fc.assert(
      fc.property(metric, fc.array(arm, { minLength: 2, maxLength: 3 }), (m, arms) => {
        const variants = arms.map((a, i) =>
          m.type === 'proportion'
            ? { ...a, key: `v${i}`, sum: a.conversions, sumOfSquares: a.conversions }
            : { ...a, key: `v${i}` },
        );
        const result = analyzeMetricResults({ metric: m, variants });
        const numbers: number[] = [];
        JSON.stringify(result, (_key, value: unknown) =>
          typeof value === 'number' ? (numbers.push(value), value) : value,
        );
        expect(numbers.every(Number.isFinite)).toBe(true);
        for (const t of treatmentsOf(result))
          for (const p of [t.pValue, t.pValueAdjusted, t.pValueSequential, t.chanceToBeatControl]) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
      }),
    );
  });
});
