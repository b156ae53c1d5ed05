import type { Condition, ExperimentStatus } from '@lift/sdk';
import { isRecord, isStringRecord, type JsonObject } from './json-value.js';

/** The routing modes istio-sync renders. */
export const ROUTING_MODES = ['ab', 'canary', 'mirror', 'blue-green'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** An experiment's `routing` field as the server stores it. */
export interface Routing {
  readonly host: string;
  readonly namespace: string;
  readonly gateways?: readonly string[];
  readonly hosts?: readonly string[];
  readonly mode: RoutingMode;
  /** Pod labels selecting each variant's workload, keyed by variant key. */
  readonly subsets: { readonly [variantKey: string]: { readonly [podLabel: string]: string } };
  /** Targeting attribute -> request header carrying it; `cookie:<name>` reads the unit id from a cookie (edge filter only). */
  readonly headers?: { readonly [attribute: string]: string };
  readonly variantHeader?: string;
  readonly mirrorPercent?: number;
  readonly active?: string;
  readonly steps?: readonly number[];
}

export interface RoutedVariant {
  readonly key: string;
  readonly weight: number;
}

/** An experiment in the server's REST shape, reduced to what routing needs. */
export interface RoutedExperiment {
  readonly key: string;
  readonly status: ExperimentStatus;
  readonly version: number;
  readonly variants: readonly RoutedVariant[];
  readonly coverage: number;
  readonly unitAttribute: string;
  readonly salt: string | null;
  readonly targeting: Condition;
  readonly layer: { readonly key: string; readonly range: readonly [number, number] } | null;
  readonly overrides: { readonly [unit: string]: string };
  readonly routing: Routing | null;
}

/** A problem in the input, naming the experiment and the field at fault. */
export interface InputIssue {
  readonly experiment: string;
  readonly path: string;
  readonly message: string;
}

/** Thrown when experiments cannot be read or routed; `issues` name each experiment and field. */
export class RoutingError extends Error {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'RoutingError';
    this.issues = issues;
  }
}

export function formatIssue(issue: InputIssue): string {
  const where = issue.path === '' ? '' : ` ${issue.path}`;
  return `experiment "${issue.experiment}"${where}: ${issue.message}`;
}

const STATUSES: readonly ExperimentStatus[] = ['draft', 'running', 'paused', 'stopped', 'archived'];
const BASIS_POINTS = 10_000;
const PERCENT = 100;

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string' && entry.length > 0);
}

/** Collects issues for one experiment while its fields are read. */
class IssueCollector {
  readonly issues: InputIssue[] = [];
  constructor(readonly experiment: string) {}
  add(path: string, message: string): void {
    this.issues.push({ experiment: this.experiment, path, message });
  }
}

function readRouting(value: unknown, variantKeys: ReadonlySet<string>, issues: IssueCollector): Routing | null {
  if (value === null || value === undefined) return null;
  if (!isRecord(value)) {
    issues.add('routing', 'must be an object');
    return null;
  }
  const { host, namespace, gateways, hosts, mode, subsets, headers, variantHeader, mirrorPercent, active, steps } =
    value;
  const before = issues.issues.length;
  if (typeof host !== 'string' || host.length === 0) issues.add('routing.host', 'must be a non-empty string');
  if (typeof namespace !== 'string' || namespace.length === 0)
    issues.add('routing.namespace', 'must be a non-empty string');
  if (gateways !== undefined && !isStringArray(gateways))
    issues.add('routing.gateways', 'must be a list of gateway names');
  if (hosts !== undefined && !isStringArray(hosts)) issues.add('routing.hosts', 'must be a list of host names');
  if (typeof mode !== 'string' || !(ROUTING_MODES as readonly string[]).includes(mode)) {
    issues.add('routing.mode', `must be one of ${ROUTING_MODES.join(', ')}`);
  }
  if (!isRecord(subsets) || !Object.values(subsets).every(isStringRecord)) {
    issues.add('routing.subsets', 'must map variant keys to pod labels');
  } else {
    for (const [variant, labels] of Object.entries(subsets)) {
      if (!variantKeys.has(variant))
        issues.add(`routing.subsets.${variant}`, `"${variant}" is not a variant of this experiment`);
      if (isRecord(labels) && Object.keys(labels).length === 0)
        issues.add(`routing.subsets.${variant}`, 'needs at least one pod label');
    }
    for (const variant of variantKeys) {
      if (!(variant in subsets)) issues.add(`routing.subsets`, `variant "${variant}" has no subset (pod labels)`);
    }
  }
  if (headers !== undefined && !isStringRecord(headers))
    issues.add('routing.headers', 'must map attributes to header names');
  if (variantHeader !== undefined && (typeof variantHeader !== 'string' || variantHeader.length === 0)) {
    issues.add('routing.variantHeader', 'must be a header name');
  }
  if (mirrorPercent !== undefined && !isInt(mirrorPercent, 0, PERCENT))
    issues.add('routing.mirrorPercent', 'must be an integer from 0 to 100');
  if (active !== undefined && (typeof active !== 'string' || !variantKeys.has(active))) {
    issues.add('routing.active', `${JSON.stringify(active)} is not a variant of this experiment`);
  }
  if (steps !== undefined) {
    if (!Array.isArray(steps) || !steps.every((step) => isInt(step, 1, PERCENT))) {
      issues.add('routing.steps', 'must be a list of percentages from 1 to 100');
    } else if (steps.some((step: number, index) => index > 0 && step <= (steps[index - 1] as number))) {
      issues.add('routing.steps', 'must increase');
    }
  }
  if (issues.issues.length > before) return null;
  return value as unknown as Routing;
}

/** The variants' keys; each variant must be `{ key, weight }`, the keys unique, the weights summing to 10000. */
function readVariantKeys(variants: unknown, issues: IssueCollector): Set<string> {
  const variantKeys = new Set<string>();
  if (!Array.isArray(variants) || variants.length < 2) {
    issues.add('variants', 'must list at least two variants (the first is the control)');
    return variantKeys;
  }
  let total = 0;
  variants.forEach((variant: unknown, position) => {
    if (!isRecord(variant) || typeof variant['key'] !== 'string' || !isInt(variant['weight'], 0, BASIS_POINTS)) {
      issues.add(`variants[${position}]`, 'must be { key, weight } with weight in basis points (0..10000)');
      return;
    }
    if (variantKeys.has(variant['key']))
      issues.add(`variants[${position}].key`, `duplicate variant key "${variant['key']}"`);
    variantKeys.add(variant['key']);
    total += variant['weight'];
  });
  if (total !== BASIS_POINTS) issues.add('variants', `weights must sum to 10000; they sum to ${total}`);
  return variantKeys;
}

function isLayer(layer: unknown): layer is NonNullable<RoutedExperiment['layer']> {
  const range = isRecord(layer) ? layer['range'] : undefined;
  return (
    isRecord(layer) &&
    typeof layer['key'] === 'string' &&
    Array.isArray(range) &&
    range.length === 2 &&
    isInt(range[0], 0, BASIS_POINTS) &&
    isInt(range[1], 0, BASIS_POINTS)
  );
}

function readExperiment(value: unknown, index: number): { experiment: RoutedExperiment | null; issues: InputIssue[] } {
  const key = isRecord(value) && typeof value['key'] === 'string' ? value['key'] : `#${index}`;
  const issues = new IssueCollector(key);
  if (!isRecord(value)) {
    issues.add('', 'must be an object');
    return { experiment: null, issues: issues.issues };
  }
  if (typeof value['key'] !== 'string' || value['key'].length === 0) issues.add('key', 'must be a non-empty string');
  const status = value['status'];
  if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status))
    issues.add('status', `must be one of ${STATUSES.join(', ')}`);
  const version = value['version'] ?? 0;
  if (!isInt(version, 0, Number.MAX_SAFE_INTEGER)) issues.add('version', 'must be a non-negative integer');
  const variants = value['variants'];
  const variantKeys = readVariantKeys(variants, issues);
  const coverage = value['coverage'] ?? BASIS_POINTS;
  if (!isInt(coverage, 0, BASIS_POINTS)) issues.add('coverage', 'must be an integer from 0 to 10000');
  const unitAttribute = value['unitAttribute'] ?? 'userId';
  if (typeof unitAttribute !== 'string' || unitAttribute.length === 0)
    issues.add('unitAttribute', 'must be a non-empty string');
  const salt = value['salt'] ?? null;
  if (salt !== null && typeof salt !== 'string') issues.add('salt', 'must be a string');
  const targeting = value['targeting'] ?? {};
  if (!isRecord(targeting)) issues.add('targeting', 'must be a condition object');
  const layer = value['layer'] ?? null;
  if (layer !== null && !isLayer(layer)) issues.add('layer', 'must be { key, range: [from, to] } in basis points');
  const overrides = value['overrides'] ?? {};
  if (!isStringRecord(overrides)) issues.add('overrides', 'must map unit ids to variant keys');
  const routing = readRouting(value['routing'], variantKeys, issues);
  if (issues.issues.length > 0) return { experiment: null, issues: issues.issues };
  const variantList = (variants as readonly JsonObject[]).map((variant) => ({
    key: variant['key'] as string,
    weight: variant['weight'] as number,
  }));
  return {
    experiment: {
      key,
      status: status as ExperimentStatus,
      version: version as number,
      variants: variantList,
      coverage: coverage as number,
      unitAttribute: unitAttribute as string,
      salt: salt as string | null,
      targeting: targeting as Condition,
      layer: layer as RoutedExperiment['layer'],
      overrides: overrides as RoutedExperiment['overrides'],
      routing,
    },
    issues: [],
  };
}

/**
 * Reads experiments in the server's REST shape (`{ experiments: [...] }`, `{ items: [...] }` or a
 * bare array); throws a {@link RoutingError} naming each experiment and field at fault.
 *
 * @example
 * const experiments = readExperiments(JSON.parse(fs.readFileSync('experiments.json', 'utf8')));
 */
export function readExperiments(document: unknown): RoutedExperiment[] {
  const list = Array.isArray(document)
    ? document
    : isRecord(document) && Array.isArray(document['experiments'])
      ? document['experiments']
      : isRecord(document) && Array.isArray(document['items'])
        ? document['items']
        : null;
  if (list === null)
    throw new RoutingError([
      { experiment: '(input)', path: 'experiments', message: 'expected { "experiments": [...] }' },
    ]);
  const experiments: RoutedExperiment[] = [];
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, index) => {
    const read = readExperiment(entry, index);
    issues.push(...read.issues);
    if (read.experiment === null) return;
    if (seen.has(read.experiment.key))
      issues.push({ experiment: read.experiment.key, path: 'key', message: 'appears twice in the input' });
    seen.add(read.experiment.key);
    experiments.push(read.experiment);
  });
  if (issues.length > 0) throw new RoutingError(issues);
  return experiments;
}
