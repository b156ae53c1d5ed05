import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { checkCelRules } from './cel-rules.js';
import { CrdCatalog, defaultSchemaDir, type CrdSchema } from './crd-schemas.js';
import { isRe2 } from './header-matches.js';
import { asArray, isRecord, type JsonObject } from './json-value.js';
import { isDnsLabel } from './naming.js';

/** One reason a document would be refused (or, as a warning, could not be fully checked). */
export interface ValidationIssue {
  /** Position of the document in the input, from 0. */
  readonly document: number;
  /** `Kind namespace/name` of the document, as far as it is known. */
  readonly resource: string;
  /** JSON pointer into the document. */
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

const MAX_REGEX_LENGTH = 1024;
const MAX_PERCENT = 100;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

// ajv-formats ships as CommonJS; its default export is the plugin function.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((ajvFormats as unknown as { default: { default?: FormatsPlugin } & FormatsPlugin }).default
  .default ?? (ajvFormats as unknown as { default: FormatsPlugin }).default) as FormatsPlugin;

interface Finding {
  readonly path: string;
  readonly message: string;
}

/** Every `regex` string anywhere in `value` must be RE2 and at most 1024 characters. */
function checkRegexes(value: unknown, path: string, findings: Finding[]): void {
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, index) => checkRegexes(entry, `${path}/${index}`, findings));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, entry] of Object.entries(value)) {
    if (key === 'regex' && typeof entry === 'string') {
      if (entry.length > MAX_REGEX_LENGTH)
        findings.push({
          path: `${path}/regex`,
          message: `regex is ${entry.length} characters; istiod allows at most ${MAX_REGEX_LENGTH}`,
        });
      else if (!isRe2(entry))
        findings.push({
          path: `${path}/regex`,
          message: `${JSON.stringify(entry)} is not an RE2 regex (no look-around, no back-references)`,
        });
    } else {
      checkRegexes(entry, `${path}/${key}`, findings);
    }
  }
}

function checkPercent(value: unknown, path: string, findings: Finding[]): void {
  const percent = isRecord(value) ? value['value'] : value;
  if (typeof percent === 'number' && (percent < 0 || percent > MAX_PERCENT))
    findings.push({ path, message: `mirror percentage ${percent} is outside 0-100` });
}

function checkHeaderNames(headers: unknown, path: string, findings: Finding[]): void {
  if (!isRecord(headers)) return;
  for (const name of Object.keys(headers)) {
    if (name !== name.toLowerCase())
      findings.push({ path: `${path}/${name}`, message: `header name "${name}" must be lower-case` });
  }
}

function checkVirtualService(spec: JsonObject, findings: Finding[]): void {
  for (const section of ['http', 'tcp', 'tls'] as const) {
    asArray(spec[section]).forEach((route: unknown, index) => {
      if (!isRecord(route)) return;
      const at = `/spec/${section}/${index}`;
      const destinations = asArray(route['route']);
      let total = 0;
      destinations.forEach((destination: unknown, position) => {
        const weight = isRecord(destination) ? destination['weight'] : undefined;
        if (typeof weight === 'number') {
          if (weight < 0)
            findings.push({ path: `${at}/route/${position}/weight`, message: `weight ${weight} is negative` });
          total += weight;
        }
      });
      if (destinations.length > 1 && total === 0)
        findings.push({ path: `${at}/route`, message: 'the weights of a multi-destination route total 0' });
      if (route['mirror'] !== undefined && route['mirrors'] !== undefined)
        findings.push({ path: at, message: 'mirror and mirrors cannot be set together' });
      if (route['mirrorPercentage'] !== undefined)
        checkPercent(route['mirrorPercentage'], `${at}/mirrorPercentage`, findings);
      if (route['mirrorPercent'] !== undefined) checkPercent(route['mirrorPercent'], `${at}/mirrorPercent`, findings);
      if (route['mirror_percent'] !== undefined)
        checkPercent(route['mirror_percent'], `${at}/mirror_percent`, findings);
      asArray(route['mirrors']).forEach((mirror: unknown, position) => {
        if (isRecord(mirror) && mirror['percentage'] !== undefined)
          checkPercent(mirror['percentage'], `${at}/mirrors/${position}/percentage`, findings);
      });
      asArray(route['match']).forEach((match: unknown, position) => {
        if (!isRecord(match)) return;
        checkHeaderNames(match['headers'], `${at}/match/${position}/headers`, findings);
        checkHeaderNames(match['withoutHeaders'], `${at}/match/${position}/withoutHeaders`, findings);
      });
    });
  }
}

function checkDestinationRule(spec: JsonObject, findings: Finding[]): void {
  const seen = new Set<string>();
  asArray(spec['subsets']).forEach((subset: unknown, index) => {
    const name = isRecord(subset) ? subset['name'] : undefined;
    if (typeof name !== 'string') return;
    if (seen.has(name))
      findings.push({ path: `/spec/subsets/${index}/name`, message: `duplicate subset name "${name}"` });
    seen.add(name);
    if (!isDnsLabel(name))
      findings.push({ path: `/spec/subsets/${index}/name`, message: `subset name "${name}" is not a DNS-1123 label` });
  });
}

/** Integer formats the CRDs use; ajv-formats knows the string ones. */
function addKubernetesFormats(ajv: Ajv): void {
  ajv.addFormat('int32', {
    type: 'number',
    validate: (value: number) => Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX,
  });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isInteger(value) });
  ajv.addFormat('double', { type: 'number', validate: (value: number) => Number.isFinite(value) });
}

/**
 * Validates Kubernetes documents against the published CRD schemas (ajv) and the rules istiod's
 * validating webhook enforces that a schema cannot: RE2 regexes of at most 1024 characters,
 * non-negative weights, multi-destination routes whose weights total more than 0, mirror
 * percentages within 0-100, `mirror` xor `mirrors`, unique DNS-1123 subset names, lower-case header
 * names, and the CRDs' CEL rules.
 *
 * @example
 * const validator = new ResourceValidator();
 * const issues = validator.validate(resources).filter((issue) => issue.severity === 'error');
 */
export class ResourceValidator {
  readonly #catalog: CrdCatalog;
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #ajv: Ajv;

  static readonly #shared = new Map<string, ResourceValidator>();

  /** One validator per schema folder for the whole process: parsing and compiling the CRDs takes a moment. */
  static shared(schemaDir: URL = defaultSchemaDir()): ResourceValidator {
    let validator = ResourceValidator.#shared.get(schemaDir.href);
    if (validator === undefined) {
      validator = new ResourceValidator({ schemaDir });
      ResourceValidator.#shared.set(schemaDir.href, validator);
    }
    return validator;
  }

  constructor(options: { readonly schemaDir?: URL } = {}) {
    this.#catalog = new CrdCatalog(options.schemaDir ?? defaultSchemaDir());
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    addKubernetesFormats(this.#ajv);
  }

  #validatorFor(key: string, schema: CrdSchema): ValidateFunction {
    let validate = this.#compiled.get(key);
    if (validate === undefined) {
      validate = this.#ajv.compile(schema.schema);
      this.#compiled.set(key, validate);
    }
    return validate;
  }

  /** The issues of one document (`index` is its position, for messages). */
  validateDocument(document: unknown, index = 0): ValidationIssue[] {
    if (!isRecord(document))
      return [
        {
          document: index,
          resource: '(not an object)',
          path: '/',
          message: 'a document must be an object',
          severity: 'error',
        },
      ];
    const metadata = isRecord(document['metadata']) ? document['metadata'] : {};
    const kind = typeof document['kind'] === 'string' ? document['kind'] : '(no kind)';
    const resource = `${kind} ${typeof metadata['namespace'] === 'string' ? `${metadata['namespace']}/` : ''}${typeof metadata['name'] === 'string' ? metadata['name'] : '(no name)'}`;
    const issue = (path: string, message: string, severity: 'error' | 'warning' = 'error'): ValidationIssue => ({
      document: index,
      resource,
      path,
      message,
      severity,
    });
    const key = `${String(document['apiVersion'])}|${kind}`;
    const schema = this.#catalog.find(String(document['apiVersion']), kind);
    if (schema === undefined) return [issue('/', `no published schema for ${String(document['apiVersion'])} ${kind}`)];
    const issues: ValidationIssue[] = [];
    if (typeof metadata['name'] !== 'string' || metadata['name'] === '')
      issues.push(issue('/metadata/name', 'is required'));
    const validate = this.#validatorFor(key, schema);
    if (!validate(document)) {
      for (const error of validate.errors ?? [])
        issues.push(issue(error.instancePath || '/', error.message ?? 'is invalid'));
    }
    for (const finding of checkCelRules(schema.schema, document))
      issues.push(issue(finding.path, finding.message, finding.isUnchecked ? 'warning' : 'error'));
    const findings: Finding[] = [];
    const spec = isRecord(document['spec']) ? document['spec'] : {};
    checkRegexes(spec, '/spec', findings);
    if (kind === 'VirtualService') checkVirtualService(spec, findings);
    if (kind === 'DestinationRule') checkDestinationRule(spec, findings);
    for (const finding of findings) issues.push(issue(finding.path, finding.message));
    return issues;
  }

  /** The issues of every document. */
  validate(documents: readonly unknown[]): ValidationIssue[] {
    return documents.flatMap((document, index) => this.validateDocument(document, index));
  }
}

/** `Kind ns/name /path: message` lines for people. */
export function formatValidationIssue(issue: ValidationIssue): string {
  return `${issue.severity}: document ${issue.document + 1} (${issue.resource}) ${issue.path}: ${issue.message}`;
}
