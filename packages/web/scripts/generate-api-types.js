// Writes src/generated/api.ts from the server's committed OpenAPI document.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { API_TYPES_FILE, renderApiTypes } from './api-types-generator.js';

await mkdir(new URL('.', API_TYPES_FILE), { recursive: true });
await writeFile(API_TYPES_FILE, await renderApiTypes());
console.log(`wrote ${fileURLToPath(API_TYPES_FILE)}`);
