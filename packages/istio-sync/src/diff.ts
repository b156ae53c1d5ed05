import { isDeepStrictEqual } from 'node:util';
import type { IstioResource } from './istio-types.js';
import { isRecord } from './json-value.js';

/** A resource as the cluster returns it: the desired fields plus whatever the server and other managers add. */
export interface LiveObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: { readonly [key: string]: string };
    readonly annotations?: { readonly [key: string]: string };
    readonly managedFields?: readonly ManagedFieldsEntry[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: unknown;
}

/** One field that differs: its path (dotted, `metadata.labels.app`) and both values. */
export interface FieldDifference {
  readonly path: string;
  readonly live: unknown;
  readonly desired: unknown;
}

export type ResourceAction = 'create' | 'update' | 'unchanged';

export interface ResourceDiff {
  readonly action: ResourceAction;
  readonly desired: IstioResource;
  readonly differences: readonly FieldDifference[];
}

/** `Kind namespace/name`: how resources are named in logs and matched between desired and live. */
export function resourceKey(resource: {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}): string {
  return `${resource.kind} ${resource.metadata.namespace ?? ''}/${resource.metadata.name}`;
}

type Path = readonly string[];

/** Identity fields, equal by construction. */
const IDENTITY = new Set([
  'apiVersion\u0000',
  'kind\u0000',
  'metadata\u0000name\u0000',
  'metadata\u0000namespace\u0000',
]);

/** Leaf paths of what we apply: objects are walked, lists are atomic (as in the Istio CRDs). */
function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (!isRecord(value) || (Object.keys(value).length === 0 && prefix.length > 0)) return [prefix];
  return Object.entries(value).flatMap(([key, entry]) => leafPaths(entry, [...prefix, key]));
}

/** Leaf paths of the fields `manager` owns, from the FieldsV1 of its Apply entry. */
function ownedPaths(fields: unknown, prefix: Path = []): Path[] {
  if (!isRecord(fields)) return [];
  const paths: Path[] = [];
  const children = Object.keys(fields).filter((key) => key.startsWith('f:'));
  if (children.length === 0 && prefix.length > 0) return [prefix];
  for (const key of children) paths.push(...ownedPaths(fields[key], [...prefix, key.slice(2)]));
  // Keyed list entries (`k:`/`v:`/`i:`) mean a granular list; istio-sync applies whole lists, so own the list.
  if (Object.keys(fields).some((key) => /^[kvi]:/.test(key)) && prefix.length > 0) paths.push(prefix);
  return paths;
}

function valueAt(value: unknown, path: Path): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

const encode = (path: Path) => path.map((key) => `${key}\u0000`).join('');

/**
 * The differences between what istio-sync applies and the live object, looking only at fields it
 * owns: every field it applies must hold its value, and every field its field manager owns on the
 * live object (managedFields) must still be applied; fields of other managers (and of the server:
 * status, resourceVersion, annotations of others) are ignored.
 */
export function diffResource(desired: IstioResource, live: LiveObject | null, fieldManager: string): ResourceDiff {
  if (live === null) return { action: 'create', desired, differences: [{ path: '', live: undefined, desired }] };
  const differences: FieldDifference[] = [];
  const desiredPaths = leafPaths(desired).filter((path) => !IDENTITY.has(encode(path)));
  for (const path of desiredPaths) {
    const want = valueAt(desired, path);
    const have = valueAt(live, path);
    if (!isDeepStrictEqual(want, have)) differences.push({ path: path.join('.'), live: have, desired: want });
  }
  const applied = new Set(desiredPaths.map(encode));
  const isCovered = (path: Path) => path.some((_, index) => applied.has(encode(path.slice(0, index + 1))));
  const entry = live.metadata.managedFields?.find(
    (candidate) => candidate.manager === fieldManager && candidate.operation === 'Apply',
  );
  for (const path of ownedPaths(entry?.fieldsV1)) {
    if (
      IDENTITY.has(encode(path)) ||
      isCovered(path) ||
      desiredPaths.some((wanted) => encode(wanted).startsWith(encode(path)))
    )
      continue;
    const have = valueAt(live, path);
    if (have !== undefined) differences.push({ path: path.join('.'), live: have, desired: undefined });
  }
  return { action: differences.length === 0 ? 'unchanged' : 'update', desired, differences };
}

/** Narrows a difference to its deepest differing parts, for people (lists of equal length element by element). */
function narrow(path: string, live: unknown, desired: unknown): FieldDifference[] {
  if (isDeepStrictEqual(live, desired)) return [];
  if (Array.isArray(live) && Array.isArray(desired) && live.length === desired.length) {
    return desired.flatMap((entry: unknown, index) => narrow(`${path}[${index}]`, live[index], entry));
  }
  if (isRecord(live) && isRecord(desired)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])];
    return keys.flatMap((key) => narrow(`${path}.${key}`, live[key], desired[key]));
  }
  return [{ path, live, desired }];
}

/** A readable diff: `- live` / `+ desired` per differing field, as JSON, narrowed inside lists. */
export function formatDiff(diff: ResourceDiff): string {
  const header = `${diff.action === 'create' ? '+' : diff.action === 'update' ? '~' : '='} ${resourceKey(diff.desired)}`;
  if (diff.action !== 'update') return header;
  const lines = diff.differences
    .flatMap((difference) => narrow(difference.path, difference.live, difference.desired))
    .flatMap((difference) => [
      `  ${difference.path}:`,
      ...(difference.live === undefined ? [] : [`    - ${JSON.stringify(difference.live)}`]),
      ...(difference.desired === undefined ? [] : [`    + ${JSON.stringify(difference.desired)}`]),
    ]);
  return [header, ...lines].join('\n');
}
