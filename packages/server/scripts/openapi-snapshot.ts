/** The committed copy of /openapi.json, from which other packages generate their API types. */
export const OPENAPI_SNAPSHOT_FILE = new URL('../openapi.json', import.meta.url);

/** The command that rewrites the snapshot (and everything generated from it). */
export const REGENERATE_COMMAND = 'pnpm generate';

/** The snapshot's text: stable, so an unchanged API leaves the file byte for byte the same. */
export function renderOpenApiSnapshot(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
