const BASIS_POINTS = 10_000;
const PERCENT = 100;

/** `0.1234` -> `12.3%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * PERCENT).toFixed(1)}%`;
}

/** A signed relative change: `0.052` -> `+5.2%`, `-0.01` -> `−1.0%`. */
export function formatSignedPercent(fraction: number): string {
  const text = formatPercent(Math.abs(fraction));
  if (fraction > 0) return `+${text}`;
  if (fraction < 0) return `\u2212${text}`;
  return text;
}

/** `[lo, hi]` as `+1.0% to +9.8%`. */
export function formatInterval(
  interval: readonly [number, number],
  format: (value: number) => string = formatSignedPercent,
): string {
  return `${format(interval[0])} to ${format(interval[1])}`;
}

/** A relative change with its interval: `+5.0% (+1.0% to +9.8%)`. */
export function formatEstimate(estimate: {
  readonly estimate: number;
  readonly ci: readonly [number, number];
}): string {
  return `${formatSignedPercent(estimate.estimate)} (${formatInterval(estimate.ci)})`;
}

/** Basis points as a percentage of traffic: `5000` -> `50%`, `3333` -> `33.33%`. */
export function formatBasisPoints(basisPoints: number): string {
  const percent = (basisPoints / BASIS_POINTS) * PERCENT;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : String(Number(percent.toFixed(2)))}%`;
}

const SMALLEST_SHOWN_P = 0.001;

/** p-values as analysts read them: `< 0.001` below that, three decimals otherwise. */
export function formatPValue(pValue: number): string {
  return pValue < SMALLEST_SHOWN_P ? '< 0.001' : pValue.toFixed(3);
}

/** `p = 0.042` or `p < 0.001`, for sentences. */
export function describePValue(pValue: number): string {
  return pValue < SMALLEST_SHOWN_P ? 'p < 0.001' : `p = ${pValue.toFixed(3)}`;
}

/** Axis ticks in percent with only the digits the step needs: `0.25%`, `+20%`. */
export function formatTickPercent(value: number, options: { signed?: boolean } = {}): string {
  const rounded = Number(value.toPrecision(3));
  const sign = options.signed === true && rounded > 0 ? '+' : '';
  return `${sign}${rounded}%`;
}

/** An RFC 3339 instant as `2026-11-27 16:35 UTC` (one zone for everyone reading the page). */
export function formatInstant(instant: string | null): string {
  if (instant === null) return '—';
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Whole numbers with thousands separators, the same in every locale. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}
