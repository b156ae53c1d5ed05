import { ResourceValidator } from '../../src/validate.js';

/** The CRD schemas sit in shared/schemas beside the repository: four levels up from this file's folder. */
export const SCHEMA_DIR = new URL('../../../../../shared/schemas/', import.meta.url);

/** One validator per test file: parsing the CRDs takes a moment. */
export function sharedValidator(): ResourceValidator {
  return ResourceValidator.shared(SCHEMA_DIR);
}
