import { describe, expect, it } from 'vitest';
import { analyzeMetric, type DailyLook } from './analyze-metric.js';
import { analyzeMetricResults, type MetricTreatmentResult } from './metric-analysis.js';
import { twoProportionPValue } from './proportions.js';
import { defaultMixtureVariance, sequentialPValue, type Look } from './sequential.js';

/** A small seeded generator (mulberry32), so the simulation is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function binomial(n: number, p: number, random: () => number): number {
  let successes = 0;
  for (let i = 0; i < n; i++) if (random() < p) successes += 1;
  return successes;
}

const EXPERIMENTS = 1000;
const DAYS = 14;
const UNITS_PER_ARM_PER_DAY = 300;
const RATE = 0.1;

describe('A/A simulation: no true effect', () => {
  const random = seededRandom(20261127);
  let fixedRejections = 0;
  let peekingRejections = 0;
  let sequentialRejections = 0;
  for (let experiment = 0; experiment < EXPERIMENTS; experiment++) {
    const control = { units: 0, conversions: 0 };
    const treatment = { units: 0, conversions: 0 };
    const looks: Look[] = [];
    let hasPeekedSignificant = false;
    for (let day = 0; day < DAYS; day++) {
      control.units += UNITS_PER_ARM_PER_DAY;
      control.conversions += binomial(UNITS_PER_ARM_PER_DAY, RATE, random);
      treatment.units += UNITS_PER_ARM_PER_DAY;
      treatment.conversions += binomial(UNITS_PER_ARM_PER_DAY, RATE, random);
      const pt = treatment.conversions / treatment.units;
      const pc = control.conversions / control.units;
      looks.push({
        difference: pt - pc,
        variance: (pt * (1 - pt)) / treatment.units + (pc * (1 - pc)) / control.units,
      });
      if (twoProportionPValue(treatment, control) < 0.05) hasPeekedSignificant = true;
    }
    if (twoProportionPValue(treatment, control) < 0.05) fixedRejections += 1;
    if (hasPeekedSignificant) peekingRejections += 1;
    if (sequentialPValue(looks, defaultMixtureVariance(control.conversions / control.units)) < 0.05)
      sequentialRejections += 1;
  }

  it('the fixed-horizon p-value falls below 0.05 about 5% of the time', () => {
    // 1000 experiments: the standard error of a 5% rate is 0.7 points; allow three of them.
    expect(fixedRejections / EXPERIMENTS).toBeGreaterThan(0.029);
    expect(fixedRejections / EXPERIMENTS).toBeLessThan(0.071);
  });

  it('peeking at the fixed-horizon p-value every day inflates false positives (why Lift does not)', () => {
    expect(peekingRejections / EXPERIMENTS).toBeGreaterThan(0.1);
  });

  it('the sequential p-value stays at or under 5% even when looked at every day', () => {
    expect(sequentialRejections / EXPERIMENTS).toBeLessThanOrEqual(0.05);
  });
});

const MEAN_EXPERIMENTS = 1000;
const BUY_RATE = 0.3;
const LOG_MEDIAN_SPEND = 3;
// 5% plus three standard errors of a 5% rate over MEAN_EXPERIMENTS experiments.
const ALLOWED_EVER_EXCLUDING = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / MEAN_EXPERIMENTS);

/**
 * Revenue per unit: most units buy nothing, buyers spend a lognormal amount (median e³ ≈ 20,
 * σ = 1 on the log scale), so the per-unit values are far from normal (skewness about 9): the
 * normal approximation behind the confidence sequence has to hold up on them, not on coin flips.
 */
function revenue(random: () => number): number {
  if (random() >= BUY_RATE) return 0;
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(LOG_MEDIAN_SPEND + normal);
}

function excludesZero([lo, hi]: readonly [number, number]): boolean {
  return lo > 0 || hi < 0;
}

describe('A/A simulation of a mean metric with skewed per-unit values, looked at daily', () => {
  const random = seededRandom(20261204);
  let absoluteEverExcluding = 0;
  let relativeEverExcluding = 0;
  let everCalled = 0;
  let fixedRejections = 0;
  let peekingRejections = 0;
  for (let experiment = 0; experiment < MEAN_EXPERIMENTS; experiment++) {
    const arms = ['control', 'moved'].map((key) => ({
      key,
      weight: 5000,
      units: 0,
      conversions: 0,
      sum: 0,
      sumOfSquares: 0,
    }));
    const seen = { absolute: false, relative: false, called: false, peeked: false };
    let last: MetricTreatmentResult | undefined;
    for (let day = 0; day < DAYS; day++) {
      for (const arm of arms) {
        for (let i = 0; i < UNITS_PER_ARM_PER_DAY; i++) {
          const value = revenue(random);
          arm.units += 1;
          arm.conversions += value > 0 ? 1 : 0;
          arm.sum += value;
          arm.sumOfSquares += value * value;
        }
      }
      const [, treatment] = analyzeMetricResults({
        metric: { type: 'mean', direction: 'increase', role: 'primary' },
        variants: arms.map((arm) => ({ ...arm })),
      }).variants;
      last = treatment;
      if (treatment === undefined) continue;
      seen.absolute ||= excludesZero(treatment.liftAbs.ciSequential);
      seen.relative ||= treatment.liftRel.ciSequential !== null && excludesZero(treatment.liftRel.ciSequential);
      seen.called ||= treatment.verdict !== 'inconclusive';
      seen.peeked ||= treatment.pValue < 0.05;
    }
    absoluteEverExcluding += seen.absolute ? 1 : 0;
    relativeEverExcluding += seen.relative ? 1 : 0;
    everCalled += seen.called ? 1 : 0;
    peekingRejections += seen.peeked ? 1 : 0;
    fixedRejections += last !== undefined && last.pValue < 0.05 ? 1 : 0;
  }

  it("Welch's p-value at the end falls below 0.05 about 5% of the time", () => {
    expect(fixedRejections / MEAN_EXPERIMENTS).toBeGreaterThan(0.029);
    expect(fixedRejections / MEAN_EXPERIMENTS).toBeLessThan(0.071);
  });

  it("checking Welch's p-value every day calls far more than 5% of them", () => {
    expect(peekingRejections / MEAN_EXPERIMENTS).toBeGreaterThan(0.1);
  });

  it('the confidence sequences, looked at on each of 14 days, ever exclude 0 in at most 5% of them', () => {
    expect(absoluteEverExcluding / MEAN_EXPERIMENTS).toBeLessThanOrEqual(ALLOWED_EVER_EXCLUDING);
    expect(relativeEverExcluding / MEAN_EXPERIMENTS).toBeLessThanOrEqual(ALLOWED_EVER_EXCLUDING);
  });

  it('so the verdict, read off the sequence, ever names a winner or loser in at most 5% of them', () => {
    expect(everCalled).toBe(absoluteEverExcluding);
  });
});

describe('analyzeMetric', () => {
  it('answers finite numbers and insufficient-data for an experiment with no data', () => {
    const result = analyzeMetric({
      variants: [
        { key: 'control', weight: 5000, units: 0, conversions: 0, valueSum: 0, valueSumOfSquares: 0 },
        { key: 'moved', weight: 5000, units: 0, conversions: 0, valueSum: 0, valueSumOfSquares: 0 },
      ],
      daily: [],
    });
    expect(result.variants[1]?.verdict).toBe('insufficient-data');
    const numbers: number[] = [];
    JSON.stringify(result, (_key, value: unknown) =>
      typeof value === 'number' ? (numbers.push(value), value) : value,
    );
    expect(numbers.every(Number.isFinite)).toBe(true);
    expect(result.srm).toEqual({ chiSquare: 0, pValue: 1, ok: true });
  });

  it('finds a planted effect, and calls an SRM before any winner', () => {
    const daily: DailyLook[] = Array.from({ length: 10 }, (_, day) => ({
      date: `2026-11-${String(day + 1).padStart(2, '0')}`,
      variants: [
        { key: 'control', units: 1000 * (day + 1), conversions: 100 * (day + 1) },
        { key: 'moved', units: 1000 * (day + 1), conversions: 130 * (day + 1) },
      ],
    }));
    const variants = [
      { key: 'control', weight: 5000, units: 10_000, conversions: 1000, valueSum: 0, valueSumOfSquares: 0 },
      { key: 'moved', weight: 5000, units: 10_000, conversions: 1300, valueSum: 0, valueSumOfSquares: 0 },
    ];
    const result = analyzeMetric({ variants, daily });
    expect(result.variants[1]).toMatchObject({ verdict: 'winning' });
    expect(result.variants[1]?.liftRel?.estimate).toBeCloseTo(0.3, 10);
    expect(result.variants[1]?.chanceToBeatControl).toBeGreaterThan(0.99);
    const skewed = analyzeMetric({
      variants: [variants[0]!, { ...variants[1]!, units: 11_000, conversions: 1430 }],
      daily,
    });
    expect(skewed.srm.ok).toBe(false);
    expect(skewed.variants[1]?.verdict).toBe('srm-failed');
  });
});
