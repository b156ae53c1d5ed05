import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_SNAPSHOT_FILE, REGENERATE_COMMAND, renderOpenApiSnapshot } from '../scripts/openapi-snapshot.js';
import { createTestApp, type TestApp } from './support/test-app.js';

// Other packages generate their API types from the committed snapshot, so it must be what is served.
describe('the committed OpenAPI snapshot (packages/server/openapi.json)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is the document the app serves at /openapi.json', async () => {
    const served = await t.api.get('/openapi.json').expect(200);
    const committed = await readFile(OPENAPI_SNAPSHOT_FILE, 'utf8').catch(() => '');
    expect(committed, `packages/server/openapi.json is stale: run \`${REGENERATE_COMMAND}\``).toBe(
      await renderOpenApiSnapshot(served.body),
    );
  });
});
