import { stringify } from 'csv-stringify/sync';
import type { ExperimentResults, VariantResultBody } from './results-schemas.js';

type Cell = string | number | boolean | undefined;

/** The CSV columns, in order; treatment-only fields are empty on the control's rows. */
const COLUMNS: readonly (readonly [string, (results: ExperimentResults, variant: VariantResultBody) => Cell])[] = [
  ['experiment', (r) => r.experiment],
  ['metric', (r) => r.metric],
  ['variant', (_r, v) => v.key],
  ['units', (_r, v) => v.units],
  ['conversions', (_r, v) => v.conversions],
  ['rate', (_r, v) => v.rate],
  ['rateCILow', (_r, v) => v.rateCI[0]],
  ['rateCIHigh', (_r, v) => v.rateCI[1]],
  ['valueMean', (_r, v) => v.value.mean],
  ['valueStdDev', (_r, v) => v.value.stdDev],
  ['liftAbs', (_r, v) => v.liftAbs?.estimate],
  ['liftAbsCILow', (_r, v) => v.liftAbs?.ci[0]],
  ['liftAbsCIHigh', (_r, v) => v.liftAbs?.ci[1]],
  ['liftRel', (_r, v) => v.liftRel?.estimate],
  ['liftRelCILow', (_r, v) => v.liftRel?.ci[0]],
  ['liftRelCIHigh', (_r, v) => v.liftRel?.ci[1]],
  ['pValue', (_r, v) => v.pValue],
  ['pValueAdjusted', (_r, v) => v.pValueAdjusted],
  ['pValueSequential', (_r, v) => v.pValueSequential],
  ['chanceToBeatControl', (_r, v) => v.chanceToBeatControl],
  ['expectedLoss', (_r, v) => v.expectedLoss],
  ['valueDiff', (_r, v) => v.valueDiff?.estimate],
  ['valueDiffCILow', (_r, v) => v.valueDiff?.ci[0]],
  ['valueDiffCIHigh', (_r, v) => v.valueDiff?.ci[1]],
  ['valueDiffPValue', (_r, v) => v.valueDiff?.pValue],
  ['verdict', (_r, v) => v.verdict],
  ['srmPValue', (r) => r.srm.pValue],
  ['srmOk', (r) => r.srm.ok],
  ['multipleExposureUnits', (r) => r.multipleExposures.units],
  ['overrideUnits', (r) => r.overrides.units],
  ['generatedAt', (r) => r.generatedAt],
];

export const CSV_HEADER: readonly string[] = COLUMNS.map(([name]) => name);

/** One row per metric and variant (metrics in the given order, control first), with a header row. */
export function toResultsCsv(all: readonly ExperimentResults[]): string {
  const rows = all.flatMap((results) =>
    results.variants.map((variant) => COLUMNS.map(([, pick]) => pick(results, variant) ?? '')),
  );
  return stringify(rows, { header: true, columns: [...CSV_HEADER], cast: { boolean: (value) => String(value) } });
}
