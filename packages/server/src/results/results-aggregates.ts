import { nextDay } from '../common/utc-days.js';
import type { AggregateCell } from '../facts/facts-reader.js';
import type { DailyLook, VariantAggregate } from './statistics/analyze-metric.js';

/** A chart over more days than this is cut to its last days (about three years). */
export const MAX_SERIES_DAYS = 1100;

export interface ConfiguredVariant {
  readonly key: string;
  readonly weight: number;
}

/** Units left out of the analysis, and why; a unit can be both an override and multiply exposed. */
export interface Exclusions {
  readonly multipleExposures: number;
  readonly overrides: number;
  /** First exposed in a variant the experiment no longer defines. */
  readonly unknownVariant: number;
}

export interface SeriesPoint {
  readonly date: string;
  readonly units: number;
  readonly conversions: number;
  readonly rate: number;
}

export interface MetricAggregates {
  readonly variants: VariantAggregate[];
  /** Cumulative units (by day of first exposure) and converted units (by day of first conversion). */
  readonly daily: DailyLook[];
  readonly exclusions: Exclusions;
}

function isIncluded(cell: AggregateCell): boolean {
  return !cell.isMultiple && !cell.isOverride;
}

/** Every day from the first to the last date seen, so a chart has no gaps (at most MAX_SERIES_DAYS). */
function dayRange(dates: readonly string[]): string[] {
  const sorted = [...new Set(dates)].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) return [];
  const days: string[] = [];
  for (let day = first; day <= last; day = nextDay(day)) days.push(day);
  return days.slice(-MAX_SERIES_DAYS);
}

/**
 * Folds the per-unit aggregate's cells into what `analyzeMetric` takes: per-variant totals over included
 * units (the control first, in configured order) and the daily cumulative looks. Pure.
 */
export function aggregateMetric(
  cells: readonly AggregateCell[],
  configured: readonly ConfiguredVariant[],
): MetricAggregates {
  const known = new Set(configured.map((variant) => variant.key));
  const exclusions = { multipleExposures: 0, overrides: 0, unknownVariant: 0 };
  const included: AggregateCell[] = [];
  for (const cell of cells) {
    if (cell.isMultiple) exclusions.multipleExposures += cell.units;
    if (cell.isOverride) exclusions.overrides += cell.units;
    if (!isIncluded(cell)) continue;
    if (!known.has(cell.variant)) {
      exclusions.unknownVariant += cell.units;
      continue;
    }
    included.push(cell);
  }
  const variants = configured.map((variant): VariantAggregate => {
    const mine = included.filter((cell) => cell.variant === variant.key);
    const sum = (pick: (cell: AggregateCell) => number) => mine.reduce((total, cell) => total + pick(cell), 0);
    return {
      key: variant.key,
      weight: variant.weight,
      units: sum((cell) => cell.units),
      conversions: sum((cell) => cell.conversions),
      valueSum: sum((cell) => cell.valueSum),
      valueSumOfSquares: sum((cell) => cell.valueSumOfSquares),
    };
  });
  const days = dayRange(
    included.flatMap((cell) => (cell.convertedOn === null ? [cell.exposedOn] : [cell.exposedOn, cell.convertedOn])),
  );
  const daily = days.map((date): DailyLook => ({
    date,
    variants: configured.map((variant) => {
      const mine = included.filter((cell) => cell.variant === variant.key);
      return {
        key: variant.key,
        units: mine.reduce((total, cell) => total + (cell.exposedOn <= date ? cell.units : 0), 0),
        conversions: mine.reduce(
          (total, cell) => total + (cell.convertedOn !== null && cell.convertedOn <= date ? cell.conversions : 0),
          0,
        ),
      };
    }),
  }));
  return { variants, daily, exclusions };
}

/** The daily cumulative looks regrouped per variant, with the rate, for charts. */
export function seriesByVariant(
  daily: readonly DailyLook[],
  configured: readonly ConfiguredVariant[],
): { key: string; points: SeriesPoint[] }[] {
  return configured.map((variant) => ({
    key: variant.key,
    points: daily.map((day) => {
      const look = day.variants.find((candidate) => candidate.key === variant.key);
      const units = look?.units ?? 0;
      const conversions = look?.conversions ?? 0;
      return { date: day.date, units, conversions, rate: units === 0 ? 0 : conversions / units };
    }),
  }));
}
