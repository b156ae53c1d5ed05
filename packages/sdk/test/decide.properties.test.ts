import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type ExperimentDefinition, type Reason } from '../src/index.js';

const REASONS: readonly Reason[] = [
  'missing-unit',
  'not-running',
  'override',
  'targeting',
  'layer',
  'traffic',
  'assigned',
  'sticky',
  'not-ready',
  'error',
];

/** Integer weights in basis points that sum to 10000, 2 to 5 variants. */
const weightsArbitrary = fc
  .array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 4 })
  .map((cuts) => [...new Set(cuts.filter((cut) => cut < 10_000))].sort((a, b) => a - b))
  .filter((cuts) => cuts.length > 0)
  .map((cuts) => [...cuts, 10_000].map((cut, i, all) => cut - (i === 0 ? 0 : (all[i - 1] as number))));

function experimentWith(
  weights: readonly number[],
  overrides: Partial<ExperimentDefinition> = {},
): ExperimentDefinition {
  return {
    key: 'property',
    status: 'running',
    coverage: 10_000,
    variants: weights.map((weight, i) => ({ key: `v${i}`, weight })),
    ...overrides,
  };
}

/** Chi-square critical values at p = 1e-4 by degrees of freedom: a correct split fails 1 in 10,000. */
const CHI_SQUARE_CRITICAL = [Infinity, 15.137, 18.421, 21.108, 23.513];

function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, o, i) => {
    const e = expected[i] as number;
    return e === 0 ? sum : sum + ((o - e) * (o - e)) / e;
  }, 0);
}

const UNITS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

describe('decide invariants (DESIGN.md, Bucketing)', () => {
  it('is deterministic: the same unit always gets the same decision', () => {
    fc.assert(
      fc.property(weightsArbitrary, fc.integer({ min: 0, max: 10_000 }), fc.string(), (weights, coverage, unit) => {
        const experiment = experimentWith(weights, { coverage });
        expect(decide(experiment, { userId: unit })).toEqual(decide(structuredClone(experiment), { userId: unit }));
      }),
    );
  });

  it('splits units by the weights (chi-square goodness of fit)', () => {
    fc.assert(
      fc.property(
        weightsArbitrary.filter((w) => w.every((x) => x >= 200)),
        fc.string({ minLength: 1, maxLength: 12 }),
        (weights, salt) => {
          const experiment = experimentWith(weights, { salt });
          const counts = weights.map(() => 0);
          for (const unit of UNITS) {
            const variant = decide(experiment, { userId: unit }).variant as string;
            counts[Number(variant.slice(1))]! += 1;
          }
          const expected = weights.map((w) => (w / 10_000) * UNITS.length);
          expect(chiSquare(counts, expected)).toBeLessThan(CHI_SQUARE_CRITICAL[weights.length - 1] as number);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('never moves an included unit to another variant when coverage rises', () => {
    fc.assert(
      fc.property(
        weightsArbitrary,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.string(),
        (weights, a, b, unit) => {
          const low = decide(experimentWith(weights, { coverage: Math.min(a, b) }), { userId: unit });
          const high = decide(experimentWith(weights, { coverage: Math.max(a, b) }), { userId: unit });
          if (low.inExperiment) {
            expect(high.inExperiment).toBe(true);
            expect(high.variant).toBe(low.variant);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never puts one unit in two experiments of one layer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999 }),
        fc.string({ minLength: 1 }),
        fc.array(fc.string({ minLength: 1 }), { maxLength: 50 }),
        (split, layerKey, units) => {
          const first = experimentWith([5000, 5000], { key: 'first', layer: { key: layerKey, range: [0, split] } });
          const second = experimentWith([5000, 5000], {
            key: 'second',
            layer: { key: layerKey, range: [split, 10_000] },
          });
          for (const unit of units) {
            const inFirst = decide(first, { userId: unit }).inExperiment;
            const inSecond = decide(second, { userId: unit }).inExperiment;
            expect(inFirst && inSecond).toBe(false);
            expect(inFirst || inSecond).toBe(true);
          }
        },
      ),
    );
  });

  it('splits independently under a different salt (chi-square test of independence)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (saltA, saltB) => {
          fc.pre(saltA !== saltB);
          const a = experimentWith([5000, 5000], { salt: saltA });
          const b = experimentWith([5000, 5000], { salt: saltB });
          const table = [0, 0, 0, 0];
          for (const unit of UNITS.slice(0, 8000)) {
            const cell =
              (decide(a, { userId: unit }).variant === 'v1' ? 2 : 0) +
              (decide(b, { userId: unit }).variant === 'v1' ? 1 : 0);
            table[cell]! += 1;
          }
          const [n00, n01, n10, n11] = table as [number, number, number, number];
          const n = n00 + n01 + n10 + n11;
          const rows = [n00 + n01, n10 + n11];
          const cols = [n00 + n10, n01 + n11];
          const expected = [0, 1, 2, 3].map((cell) => ((rows[cell >> 1] as number) * (cols[cell & 1] as number)) / n);
          expect(chiSquare(table, expected)).toBeLessThan(CHI_SQUARE_CRITICAL[1] as number);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('never throws on arbitrary garbage and answers error with the control for unusable definitions', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (experiment, context) => {
        const decision = decide(experiment as ExperimentDefinition, context as Record<string, never>);
        expect(REASONS).toContain(decision.reason);
        expect(decision.reason).toBe('error');
        expect(decision.inExperiment).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws for a valid experiment and an arbitrary context', () => {
    fc.assert(
      fc.property(weightsArbitrary, fc.anything(), (weights, context) => {
        const decision = decide(
          experimentWith(weights, { targeting: { platform: 'iOS' } }),
          context as Record<string, never>,
        );
        expect(REASONS).toContain(decision.reason);
      }),
    );
  });

  it('answers the control (first variant) for every reason but assigned and override', () => {
    fc.assert(
      fc.property(
        weightsArbitrary,
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom('running', 'paused'),
        fc.option(fc.string()),
        (weights, coverage, status, unit) => {
          const decision = decide(
            experimentWith(weights, { coverage, status, targeting: { tier: { $ne: 'banned' } } }),
            unit === null ? {} : { userId: unit },
          );
          if (decision.reason !== 'assigned') expect(decision.variant).toBe('v0');
          expect(decision.inExperiment).toBe(decision.reason === 'assigned');
        },
      ),
    );
  });
});
