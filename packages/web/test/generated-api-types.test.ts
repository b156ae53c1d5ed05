import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, GENERATE_COMMAND, renderApiTypes } from '../scripts/api-types-generator.js';

// The UI's API types are generated from the server's committed OpenAPI document; a stale copy
// would let the UI compile against an API the server no longer serves.
describe('the generated API types (packages/web/src/generated/api.ts)', () => {
  it('are what openapi-typescript makes of packages/server/openapi.json', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8').catch(() => '');
    expect(committed, `packages/web/src/generated/api.ts is stale: run \`${GENERATE_COMMAND}\``).toBe(
      await renderApiTypes(),
    );
  });
});
