import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** A CRD version's openAPIV3Schema and the CEL rules it carries, keyed by `group/version` and kind. */
export interface CrdSchema {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: object;
}

/** The published CRDs istio-sync output must satisfy (see shared/schemas/README.md). */
export const SCHEMA_FILES = ['istio-api-1.30.3-customresourcedefinitions.gen.yaml', 'gateway-api-v1.6.1-standard-httproutes.yaml'] as const;

/**
 * The folder holding the schemas: `LIFT_SCHEMAS_DIR`, else `shared/schemas` beside the repository
 * (four levels up from this file, in src/ and dist/ alike).
 */
export function defaultSchemaDir(): URL {
  const fromEnv = process.env['LIFT_SCHEMAS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return new URL(`file://${fromEnv.endsWith('/') ? fromEnv : `${fromEnv}/`}`);
  return new URL('../../../../shared/schemas/', import.meta.url);
}

interface CrdDocument {
  readonly kind?: unknown;
  readonly spec?: {
    readonly group?: string;
    readonly names?: { readonly kind?: string };
    readonly versions?: readonly { readonly name?: string; readonly schema?: { readonly openAPIV3Schema?: object } }[];
  };
}

/** Reads every CRD version in the schema files. */
export function loadCrdSchemas(folder: URL = defaultSchemaDir()): CrdSchema[] {
  const schemas: CrdSchema[] = [];
  for (const file of SCHEMA_FILES) {
    const text = readFileSync(new URL(file, folder), 'utf8');
    for (const document of parseAllDocuments(text)) {
      const crd = document.toJSON() as CrdDocument | null;
      if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.group === undefined) continue;
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        const kind = crd.spec.names?.kind;
        if (schema === undefined || kind === undefined || version.name === undefined) continue;
        schemas.push({ apiVersion: `${crd.spec.group}/${version.name}`, kind, schema });
      }
    }
  }
  return schemas;
}
