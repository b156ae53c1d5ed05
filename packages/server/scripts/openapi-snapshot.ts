import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

/** The committed copy of /openapi.json, from which other packages generate their API types. */
export const OPENAPI_SNAPSHOT_FILE = new URL('../openapi.json', import.meta.url);

/** The command that rewrites the snapshot (and everything generated from it). */
export const REGENERATE_COMMAND = 'pnpm generate';

/**
 * The snapshot's text, in the repository's Prettier style: formatting the tree leaves it as
 * written, and an unchanged API leaves it byte for byte the same.
 */
export async function renderOpenApiSnapshot(document: unknown): Promise<string> {
  const filepath = fileURLToPath(OPENAPI_SNAPSHOT_FILE);
  return format(JSON.stringify(document), { ...(await resolveConfig(filepath)), filepath });
}
