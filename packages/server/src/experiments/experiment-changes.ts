import { isDeepStrictEqual } from 'node:util';
import { isRecord } from '../common/is-record.js';
import type { ExperimentDefinitionInput, ExperimentStatusName, FieldChange } from './experiment-schemas.js';

type Definition = ExperimentDefinitionInput;
type Metrics = Definition['metrics'];

const TOP_LEVEL_FIELDS = [
  'name',
  'hypothesis',
  'owner',
  'description',
  'variants',
  'coverage',
  'unitAttribute',
  'salt',
  'targeting',
  'layer',
  'overrides',
  'sticky',
  'routing',
] as const satisfies readonly (keyof Definition)[];
const METRIC_FIELDS = [
  'primary',
  'secondary',
  'guardrails',
  'conversionWindowHours',
] as const satisfies readonly (keyof Metrics)[];

function toJson(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** The fields that differ between two definitions; metrics are compared field by field. */
export function diffDefinitions(before: Definition, after: Definition): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TOP_LEVEL_FIELDS) {
    if (!isDeepStrictEqual(before[field] ?? null, after[field] ?? null)) {
      changes.push({ field, from: toJson(before[field]), to: toJson(after[field]) });
    }
  }
  for (const field of METRIC_FIELDS) {
    if (!isDeepStrictEqual(before.metrics[field], after.metrics[field])) {
      changes.push({
        field: `metrics.${field}`,
        from: toJson(before.metrics[field]),
        to: toJson(after.metrics[field]),
      });
    }
  }
  return changes;
}

/** Fields that never move a unit between variants, so they stay editable while running. */
const ALWAYS_EDITABLE = new Set(['name', 'hypothesis', 'description', 'owner']);
const EDITABLE_WHILE_SERVED = new Set([...ALWAYS_EDITABLE, 'overrides', 'metrics.secondary', 'metrics.guardrails']);
/** Rollout controls istio-sync's promote advances; the subsets and matches stay fixed. */
const ROLLOUT_ROUTING_FIELDS = new Set(['active', 'steps', 'mirrorPercent']);

const WHY_SERVED_FIELD_IS_LOCKED: Record<string, string> = {
  variants: 'changing variants or their weights re-allocates buckets, so users would switch variants',
  coverage:
    'lowering coverage drops units that are already in the experiment back to the control, so users would switch variants (raising it is allowed)',
  unitAttribute: 'a different unit attribute re-buckets everyone, so users would switch variants',
  salt: 'a different salt re-buckets everyone, so users would switch variants',
  targeting: 'different targeting moves users in or out of the experiment, so users would switch variants',
  layer: 'a different layer or range changes who is eligible, so users would switch variants',
  sticky: 'changing stickiness changes which assignment wins, so users would switch variants',
  routing:
    'changing subsets, hosts or header matches re-routes live traffic, so users would switch variants (only active, steps and mirrorPercent may change)',
  'metrics.primary': 'the analysis of data already collected depends on the primary metric',
  'metrics.conversionWindowHours': 'the analysis of data already collected depends on the conversion window',
};

/** A field that may not change in the current status, and why. */
export interface LockedField {
  readonly field: string;
  readonly reason: string;
}

function isRolloutOnlyRoutingChange(change: FieldChange): boolean {
  const { from, to } = change;
  if (!isRecord(from) || !isRecord(to)) return false;
  const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
  return [...keys].every((key) => ROLLOUT_ROUTING_FIELDS.has(key) || isDeepStrictEqual(from[key], to[key]));
}

function isVariantDescriptionChange(change: FieldChange): boolean {
  const strip = (variants: unknown): unknown =>
    Array.isArray(variants)
      ? variants.map((variant: unknown) => {
          if (!isRecord(variant)) return variant;
          const { description: _description, ...rest } = variant;
          return rest;
        })
      : variants;
  return isDeepStrictEqual(strip(change.from), strip(change.to));
}

function isServedChangeAllowed(change: FieldChange): boolean {
  if (EDITABLE_WHILE_SERVED.has(change.field)) return true;
  if (change.field === 'coverage')
    return typeof change.from === 'number' && typeof change.to === 'number' && change.to > change.from;
  if (change.field === 'routing') return isRolloutOnlyRoutingChange(change);
  if (change.field === 'variants') return isVariantDescriptionChange(change);
  return false;
}

/**
 * The changes the status forbids: drafts take anything; running and paused experiments only
 * what cannot move users between variants; stopped ones only their descriptive text; archived
 * ones nothing.
 */
export function findLockedFields(status: ExperimentStatusName, changes: readonly FieldChange[]): LockedField[] {
  switch (status) {
    case 'draft':
      return [];
    case 'running':
    case 'paused':
      return changes
        .filter((change) => !isServedChangeAllowed(change))
        .map((change) => ({
          field: change.field,
          reason: WHY_SERVED_FIELD_IS_LOCKED[change.field] ?? 'it is fixed while the experiment runs',
        }));
    case 'stopped':
      return changes
        .filter((change) => !ALWAYS_EDITABLE.has(change.field))
        .map((change) => ({
          field: change.field,
          reason: 'a stopped experiment is final: its analysis depends on the definition it ran with',
        }));
    case 'archived':
      return changes.map((change) => ({ field: change.field, reason: 'an archived experiment is read-only' }));
  }
}

/** Whether two layer ranges `[from, to)` share any bucket. */
export function rangesOverlap(left: readonly [number, number], right: readonly [number, number]): boolean {
  return left[0] < right[1] && right[0] < left[1];
}
