// The web UI's API types come from the server's committed OpenAPI document, the contract both
// sides share, so @lift/web never imports the server's code and the types cannot drift from it.
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';

export const OPENAPI_DOCUMENT = new URL('../../server/openapi.json', import.meta.url);
export const API_TYPES_FILE = new URL('../src/generated/api.ts', import.meta.url);
export const GENERATE_COMMAND = 'pnpm generate';

const HEADER = `// Generated from packages/server/openapi.json by openapi-typescript (\`${GENERATE_COMMAND}\`). Do not edit.\n\n`;

/**
 * The text of src/generated/api.ts for the document as committed, already in the repository's
 * Prettier style, so formatting the tree leaves it as generated.
 */
export async function renderApiTypes() {
  const nodes = await openapiTS(OPENAPI_DOCUMENT, { immutable: true, silent: true });
  const filepath = fileURLToPath(API_TYPES_FILE);
  return format(HEADER + astToString(nodes), { ...(await resolveConfig(filepath)), filepath });
}
