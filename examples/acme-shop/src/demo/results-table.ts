/**
 * The part of `GET /v1/experiments/:key/results` (issue 6) the demo prints, read defensively: the
 * demo must say when the server answers something else rather than print a made-up table.
 */

export type Interval = readonly [number, number];

export interface VariantResult {
  readonly key: string;
  readonly units: number;
  readonly conversions: number;
  readonly rate: number;
  readonly rateCI: Interval;
  readonly liftRel?: { readonly estimate: number; readonly ci: Interval };
  readonly pValue?: number;
  readonly pValueSequential?: number;
  readonly chanceToBeatControl?: number;
  readonly verdict?: string;
}

export interface ExperimentResults {
  readonly experiment: string;
  readonly metric: string;
  readonly srm: { readonly chiSquare: number; readonly pValue: number; readonly ok: boolean };
  readonly variants: readonly VariantResult[];
  readonly multipleExposures?: { readonly units: number };
}

export class UnexpectedResultsError extends Error {
  override readonly name = 'UnexpectedResultsError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberAt(record: Record<string, unknown>, field: string, where: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new UnexpectedResultsError(`${where}.${field} is not a finite number`);
  return value;
}

function optionalNumber(record: Record<string, unknown>, field: string, where: string): number | undefined {
  return record[field] === undefined || record[field] === null ? undefined : numberAt(record, field, where);
}

function intervalAt(value: unknown, where: string): Interval {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((bound) => typeof bound === 'number' && Number.isFinite(bound))
  ) {
    throw new UnexpectedResultsError(`${where} is not a [lo, hi] interval`);
  }
  return [value[0] as number, value[1] as number];
}

function parseVariant(value: unknown, index: number): VariantResult {
  const where = `variants[${index}]`;
  if (!isRecord(value) || typeof value['key'] !== 'string') throw new UnexpectedResultsError(`${where} has no key`);
  const liftRel = value['liftRel'];
  const pValue = optionalNumber(value, 'pValue', where);
  const pValueSequential = optionalNumber(value, 'pValueSequential', where);
  const chanceToBeatControl = optionalNumber(value, 'chanceToBeatControl', where);
  return {
    key: value['key'],
    units: numberAt(value, 'units', where),
    conversions: numberAt(value, 'conversions', where),
    rate: numberAt(value, 'rate', where),
    rateCI: intervalAt(value['rateCI'], `${where}.rateCI`),
    ...(isRecord(liftRel)
      ? {
          liftRel: {
            estimate: numberAt(liftRel, 'estimate', `${where}.liftRel`),
            ci: intervalAt(liftRel['ci'], `${where}.liftRel.ci`),
          },
        }
      : {}),
    ...(pValue === undefined ? {} : { pValue }),
    ...(pValueSequential === undefined ? {} : { pValueSequential }),
    ...(chanceToBeatControl === undefined ? {} : { chanceToBeatControl }),
    ...(typeof value['verdict'] === 'string' ? { verdict: value['verdict'] } : {}),
  };
}

/** Checks a results response has the fields the table needs; throws {@link UnexpectedResultsError} naming the first one missing. */
export function parseResults(body: unknown): ExperimentResults {
  if (!isRecord(body)) throw new UnexpectedResultsError('the response is not a JSON object');
  const { experiment, metric, srm, variants, multipleExposures } = body;
  if (typeof experiment !== 'string' || typeof metric !== 'string')
    throw new UnexpectedResultsError('experiment or metric is missing');
  if (!isRecord(srm) || typeof srm['ok'] !== 'boolean') throw new UnexpectedResultsError('srm.ok is missing');
  if (!Array.isArray(variants) || variants.length < 2)
    throw new UnexpectedResultsError('variants must list the control and at least one treatment');
  return {
    experiment,
    metric,
    srm: { chiSquare: numberAt(srm, 'chiSquare', 'srm'), pValue: numberAt(srm, 'pValue', 'srm'), ok: srm['ok'] },
    variants: variants.map(parseVariant),
    ...(isRecord(multipleExposures)
      ? { multipleExposures: { units: numberAt(multipleExposures, 'units', 'multipleExposures') } }
      : {}),
  };
}

const PERCENT = 100;
const SMALLEST_SHOWN_P = 0.001;
const NONE = '—';

function percent(value: number, digits = 1): string {
  return `${(value * PERCENT).toFixed(digits)}%`;
}

function signedPercent(value: number): string {
  return `${value >= 0 ? '+' : ''}${percent(value)}`;
}

function formatP(value: number | undefined): string {
  if (value === undefined) return NONE;
  return value < SMALLEST_SHOWN_P ? '<0.001' : value.toFixed(3);
}

function pad(cells: readonly string[], widths: readonly number[], numericFrom: number): string {
  return cells
    .map((cell, index) =>
      index >= 1 && index <= numericFrom ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
    )
    .join('  ')
    .trimEnd();
}

/** The sentence under the table: what the analyst should conclude. */
export function summarize(results: ExperimentResults): string {
  if (!results.srm.ok)
    return `Sample ratio mismatch (p = ${formatP(results.srm.pValue)}): the split is broken, do not trust these numbers.`;
  const treatments = results.variants.slice(1);
  const winners = treatments.filter((variant) => variant.verdict === 'winning');
  const losers = treatments.filter((variant) => variant.verdict === 'losing');
  if (winners.length > 0)
    return `Hypothesis supported: ${winners.map((variant) => `"${variant.key}"`).join(', ')} beats the control on ${results.metric}.`;
  if (losers.length === treatments.length)
    return `Hypothesis rejected: every treatment does worse than the control on ${results.metric}.`;
  if (treatments.some((variant) => variant.verdict === 'insufficient-data')) return 'Not enough data yet to tell.';
  return `Inconclusive: no treatment differs detectably from the control on ${results.metric} — keep the control, or run longer.`;
}

/**
 * The results as a plain-text table with one row per variant, the SRM check and the verdict.
 *
 * @example
 * console.log(formatResultsTable(parseResults(await response.json()), { hypothesis }));
 */
export function formatResultsTable(results: ExperimentResults, options: { readonly hypothesis?: string } = {}): string {
  const header = [
    'variant',
    'units',
    'conv.',
    'rate',
    '95% CI',
    'lift vs control (95% CI)',
    'p-value',
    'p (seq.)',
    'P(beat ctl)',
    'verdict',
  ];
  const rows = results.variants.map((variant, index) => [
    index === 0 && variant.key !== 'control' ? `${variant.key} (control)` : variant.key,
    String(variant.units),
    String(variant.conversions),
    percent(variant.rate),
    `${percent(variant.rateCI[0])} – ${percent(variant.rateCI[1])}`,
    variant.liftRel === undefined
      ? NONE
      : `${signedPercent(variant.liftRel.estimate)} (${signedPercent(variant.liftRel.ci[0])} … ${signedPercent(variant.liftRel.ci[1])})`,
    formatP(variant.pValue),
    formatP(variant.pValueSequential),
    variant.chanceToBeatControl === undefined ? NONE : percent(variant.chanceToBeatControl),
    variant.verdict ?? NONE,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const numericColumns = 4;
  const lines = [
    `${results.experiment} — metric: ${results.metric}`,
    ...(options.hypothesis === undefined ? [] : [`Hypothesis: ${options.hypothesis}`]),
    '',
    pad(header, widths, numericColumns),
    pad(
      widths.map((width) => '-'.repeat(width)),
      widths,
      numericColumns,
    ),
    ...rows.map((row) => pad(row, widths, numericColumns)),
    '',
    `Sample ratio check: chi² = ${results.srm.chiSquare.toFixed(2)}, p = ${formatP(results.srm.pValue)} (${results.srm.ok ? 'ok' : 'MISMATCH'})` +
      (results.multipleExposures === undefined || results.multipleExposures.units === 0
        ? ''
        : `; ${results.multipleExposures.units} units saw several variants and are excluded`),
    `Verdict: ${summarize(results)}`,
  ];
  return lines.join('\n');
}
