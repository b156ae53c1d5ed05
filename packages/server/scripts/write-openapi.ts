// Writes openapi.json: the document the app serves at /openapi.json, for generating typed clients.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createOpenApiDocument } from '../src/openapi-document.js';
import { OPENAPI_SNAPSHOT_FILE, renderOpenApiSnapshot } from './openapi-snapshot.js';

await writeFile(OPENAPI_SNAPSHOT_FILE, await renderOpenApiSnapshot(createOpenApiDocument()));
console.log(`wrote ${fileURLToPath(OPENAPI_SNAPSHOT_FILE)}`);
