/**
 * Code-unit order of two strings, for sorts whose result is written out: the same input gives
 * the same output on every machine, unlike `localeCompare`.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
