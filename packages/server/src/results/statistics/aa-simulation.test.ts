import { describe, expect, it } from 'vitest';
import { analyzeMetric, type DailyLook } from './analyze-metric.js';
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
