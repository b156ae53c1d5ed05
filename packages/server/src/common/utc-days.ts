/** Milliseconds in a UTC day (no leap seconds in JavaScript time). */
export const DAY_MS = 86_400_000;

/** The UTC day of an instant (epoch milliseconds), `YYYY-MM-DD`. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The day after a `YYYY-MM-DD` day. */
export function nextDay(day: string): string {
  return isoDay(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

/** A `YYYY-MM-DD` day without its dashes, `YYYYMMDD`, e.g. for partition names. */
export function compactDay(day: string): string {
  return day.replaceAll('-', '');
}
