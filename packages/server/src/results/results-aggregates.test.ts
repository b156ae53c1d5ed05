import { describe, expect, it } from 'vitest';
import { aggregateMetric, MAX_SERIES_DAYS, seriesByVariant } from './results-aggregates.js';
import type { AggregateCell } from '../facts/facts-reader.js';
import { toFinite } from './results-service.js';

const VARIANTS = [
  { key: 'control', weight: 5000 },
  { key: 'treatment', weight: 5000 },
];

function cell(overrides: Partial<AggregateCell>): AggregateCell {
  return {
    variant: 'control',
    exposedOn: '2026-11-01',
    convertedOn: null,
    isMultiple: false,
    isOverride: false,
    units: 1,
    conversions: 0,
    valueSum: 0,
    valueSumOfSquares: 0,
    ...overrides,
  };
}

describe('aggregateMetric', () => {
  it('sums included cells per variant in configured order, and reports every exclusion', () => {
    const { variants, exclusions } = aggregateMetric(
      [
        cell({
          variant: 'treatment',
          units: 10,
          conversions: 4,
          convertedOn: '2026-11-02',
          valueSum: 8,
          valueSumOfSquares: 20,
        }),
        cell({ variant: 'treatment', units: 5 }),
        cell({ units: 7 }),
        cell({ units: 3, isMultiple: true, conversions: 3, convertedOn: '2026-11-01' }),
        cell({ units: 2, isOverride: true }),
        cell({ units: 1, isOverride: true, isMultiple: true }),
        cell({ variant: 'removed', units: 4 }),
      ],
      VARIANTS,
    );
    expect(variants).toEqual([
      { key: 'control', weight: 5000, units: 7, conversions: 0, valueSum: 0, valueSumOfSquares: 0 },
      { key: 'treatment', weight: 5000, units: 15, conversions: 4, valueSum: 8, valueSumOfSquares: 20 },
    ]);
    expect(exclusions).toEqual({ multipleExposures: 4, overrides: 3, unknownVariant: 4 });
  });

  it('builds cumulative daily looks with no gaps: units by exposure day, conversions by conversion day', () => {
    const { daily } = aggregateMetric(
      [
        cell({ units: 2, exposedOn: '2026-11-01' }),
        cell({ units: 3, conversions: 3, exposedOn: '2026-11-01', convertedOn: '2026-11-04' }),
        cell({ variant: 'treatment', units: 4, exposedOn: '2026-11-02', conversions: 1, convertedOn: '2026-11-02' }),
      ],
      VARIANTS,
    );
    expect(daily.map((day) => day.date)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
    expect(daily.map((day) => day.variants.map((v) => [v.units, v.conversions]))).toEqual([
      [
        [5, 0],
        [0, 0],
      ],
      [
        [5, 0],
        [4, 1],
      ],
      [
        [5, 0],
        [4, 1],
      ],
      [
        [5, 3],
        [4, 1],
      ],
    ]);
    const series = seriesByVariant(daily, VARIANTS);
    expect(series[0]?.points.at(-1)).toEqual({ date: '2026-11-04', units: 5, conversions: 3, rate: 0.6 });
    expect(series[1]?.points[0]).toEqual({ date: '2026-11-01', units: 0, conversions: 0, rate: 0 });
  });

  it('crosses month and year ends, and keeps at most MAX_SERIES_DAYS days', () => {
    const { daily } = aggregateMetric(
      [cell({ exposedOn: '2026-12-30', convertedOn: '2027-01-02', conversions: 1 })],
      VARIANTS,
    );
    expect(daily.map((day) => day.date)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    const long = aggregateMetric([cell({ exposedOn: '2020-01-01' }), cell({ exposedOn: '2026-01-01' })], VARIANTS);
    expect(long.daily).toHaveLength(MAX_SERIES_DAYS);
    expect(long.daily.at(-1)?.date).toBe('2026-01-01');
  });

  it('gives empty looks and zero totals without data', () => {
    const { variants, daily, exclusions } = aggregateMetric([], VARIANTS);
    expect(daily).toEqual([]);
    expect(variants.every((v) => v.units === 0 && v.conversions === 0)).toBe(true);
    expect(exclusions).toEqual({ multipleExposures: 0, overrides: 0, unknownVariant: 0 });
  });
});

describe('toFinite', () => {
  it('keeps finite numbers and maps the rest to JSON-safe ones', () => {
    expect(toFinite(0.25)).toBe(0.25);
    expect(toFinite(Number.NaN)).toBe(0);
    expect(toFinite(Number.NaN, 1)).toBe(1);
    expect(toFinite(Number.POSITIVE_INFINITY)).toBe(Number.MAX_VALUE);
    expect(toFinite(Number.NEGATIVE_INFINITY)).toBe(-Number.MAX_VALUE);
  });
});
