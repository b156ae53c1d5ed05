import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** A CRD version's openAPIV3Schema, keyed by `group/version` and kind. */
export interface CrdSchema {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: object;
}

/** The published CRDs istio-sync output must satisfy (see shared/schemas/README.md). */
export const SCHEMA_FILES = [
  'istio-api-1.30.3-customresourcedefinitions.gen.yaml',
  'gateway-api-v1.6.1-standard-httproutes.yaml',
] as const;

/**
 * The folder holding the schemas: `LIFT_SCHEMAS_DIR`, else `shared/schemas` beside the repository
 * (four levels up from this file, in src/ and dist/ alike).
 */
export function defaultSchemaDir(): URL {
  const fromEnv = process.env['LIFT_SCHEMAS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '')
    return new URL(`file://${fromEnv.endsWith('/') ? fromEnv : `${fromEnv}/`}`);
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

const DOCUMENT_SEPARATOR = /^---\s*$/m;
const GROUP = /^ {2}group: ["']?([\w.-]+)["']?\s*$/m;
const NAMES_KIND = /^ {2}names:\s*$[\s\S]*?^ {4}kind: ["']?(\w+)["']?\s*$/m;

function schemasOf(crd: CrdDocument | null): CrdSchema[] {
  if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.group === undefined) return [];
  const kind = crd.spec.names?.kind;
  return (crd.spec.versions ?? []).flatMap((version) => {
    const schema = version.schema?.openAPIV3Schema;
    return schema === undefined || kind === undefined || version.name === undefined
      ? []
      : [{ apiVersion: `${crd.spec?.group}/${version.name}`, kind, schema }];
  });
}

/**
 * The CRDs of the schema files, parsed only when a kind is asked for: the files hold many CRDs
 * and are large, and istio-sync needs three of them.
 */
export class CrdCatalog {
  readonly #texts = new Map<string, string[]>();
  readonly #parsed = new Map<string, CrdSchema[]>();

  constructor(folder: URL = defaultSchemaDir()) {
    for (const file of SCHEMA_FILES) {
      for (const text of readFileSync(new URL(file, folder), 'utf8').split(DOCUMENT_SEPARATOR)) {
        const group = GROUP.exec(text)?.[1];
        const kind = NAMES_KIND.exec(text)?.[1];
        if (group === undefined || kind === undefined) continue;
        const key = `${group}|${kind}`;
        this.#texts.set(key, [...(this.#texts.get(key) ?? []), text]);
      }
    }
  }

  /** The schema of `apiVersion` (`group/version`) and `kind`, or undefined when none is published. */
  find(apiVersion: string, kind: string): CrdSchema | undefined {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
    const key = `${group}|${kind}`;
    let schemas = this.#parsed.get(key);
    if (schemas === undefined) {
      schemas = (this.#texts.get(key) ?? []).flatMap((text) => schemasOf(parse(text) as CrdDocument | null));
      this.#parsed.set(key, schemas);
    }
    return schemas.find((schema) => schema.apiVersion === apiVersion && schema.kind === kind);
  }
}

/** Every CRD version in the schema files (parses everything; prefer {@link CrdCatalog}). */
export function loadCrdSchemas(folder: URL = defaultSchemaDir()): CrdSchema[] {
  const schemas: CrdSchema[] = [];
  for (const file of SCHEMA_FILES) {
    for (const text of readFileSync(new URL(file, folder), 'utf8').split(DOCUMENT_SEPARATOR))
      schemas.push(...schemasOf(parse(text) as CrdDocument | null));
  }
  return schemas;
}
