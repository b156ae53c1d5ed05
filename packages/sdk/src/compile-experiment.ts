import { readPath, splitPath } from './attribute-path.js';
import { BUCKET_COUNT, bucketFrom } from './bucket.js';
import { compileCondition, type CompiledCondition } from './condition/index.js';
import { hashState, type HashState } from './hash.js';
import type { Attributes, Decision, ExperimentDefinition, Reason, SavedGroups } from './types.js';

const DEFAULT_UNIT_ATTRIBUTE = 'userId';
const STATUSES: ReadonlySet<unknown> = new Set(['draft', 'running', 'paused', 'stopped', 'archived']);

/** One variant's slice of the allocation buckets: `[start, end)`. */
interface VariantRange {
  readonly key: string;
  readonly payload: unknown;
  readonly start: number;
  readonly end: number;
}

/**
 * An experiment definition checked and prepared once: paths split, targeting compiled, hash
 * prefixes computed, and every decision that does not depend on a bucket built ahead, so that
 * deciding allocates at most the one decision that carries the unit's bucket.
 */
export interface CompiledExperiment {
  readonly key: string;
  /** Why the definition is unusable, or null when it is valid. */
  readonly problem: string | null;
  readonly isRunning: boolean;
  readonly isSticky: boolean;
  readonly unitPath: readonly string[];
  readonly overrides: ReadonlyMap<string, Decision> | null;
  readonly targeting: CompiledCondition | null;
  readonly layerState: HashState | null;
  readonly layerFrom: number;
  readonly layerTo: number;
  readonly allocationState: HashState;
  readonly ranges: readonly VariantRange[];
  readonly fixed: { readonly [R in Exclude<Reason, 'assigned' | 'override' | 'sticky' | 'not-ready'>]: Decision };
}

class DefinitionError extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DefinitionError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isBasisPoints(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= BUCKET_COUNT;
}

function makeDecision(
  experiment: string,
  variant: string | null,
  reason: Reason,
  bucketValue: number | null,
  payload: unknown,
): Decision {
  return { experiment, variant, inExperiment: reason === 'assigned' || reason === 'sticky', reason, bucket: bucketValue, payload };
}

/** Decisions shared by every caller (those without a bucket) are frozen so no caller can change another's. */
function sharedDecision(experiment: string, variant: string | null, reason: Reason, payload: unknown): Decision {
  return Object.freeze(makeDecision(experiment, variant, reason, null, payload));
}

function fixedDecisions(key: string, variant: string | null, payload: unknown): CompiledExperiment['fixed'] {
  return {
    'missing-unit': sharedDecision(key, variant, 'missing-unit', payload),
    'not-running': sharedDecision(key, variant, 'not-running', payload),
    targeting: sharedDecision(key, variant, 'targeting', payload),
    layer: sharedDecision(key, variant, 'layer', payload),
    traffic: sharedDecision(key, variant, 'traffic', payload),
    error: sharedDecision(key, variant, 'error', payload),
  };
}

function checkVariants(variants: unknown): VariantRange[] {
  check(Array.isArray(variants) && variants.length > 0, 'variants must be a non-empty array');
  const keys = new Set<string>();
  let total = 0;
  const ranges: VariantRange[] = [];
  for (let i = 0; i < variants.length; i++) {
    const variant: unknown = variants[i];
    check(isRecord(variant), `variants[${i}] must be an object`);
    check(typeof variant.key === 'string' && variant.key !== '', `variants[${i}].key must be a non-empty string`);
    check(!keys.has(variant.key), `variants[${i}].key "${variant.key}" is not unique`);
    check(isBasisPoints(variant.weight), `variants[${i}].weight must be an integer from 0 to 10000`);
    keys.add(variant.key);
    ranges.push({ key: variant.key, payload: variant.payload ?? null, start: total, end: total + variant.weight });
    total += variant.weight;
  }
  check(total === BUCKET_COUNT, `variant weights must sum to 10000, not ${total}`);
  return ranges;
}

/** Scales each variant's range by coverage: variant i owns [W_i, W_i + floor(c * w_i / 10000)). */
function scaleRanges(ranges: readonly VariantRange[], coverage: number): VariantRange[] {
  return ranges.map((range) => ({
    ...range,
    end: range.start + Math.floor((coverage * (range.end - range.start)) / BUCKET_COUNT),
  }));
}

function compileOverrides(
  key: string,
  overrides: unknown,
  ranges: readonly VariantRange[],
): ReadonlyMap<string, Decision> | null {
  if (overrides === undefined || overrides === null) return null;
  check(isRecord(overrides), 'overrides must be an object of unit -> variant key');
  const byKey = new Map(ranges.map((range) => [range.key, range]));
  const decisions = new Map<string, Decision>();
  for (const [unit, variantKey] of Object.entries(overrides)) {
    const range = typeof variantKey === 'string' ? byKey.get(variantKey) : undefined;
    check(range !== undefined, `overrides["${unit}"] names no variant of this experiment`);
    decisions.set(unit, sharedDecision(key, range.key, 'override', range.payload));
  }
  return decisions.size === 0 ? null : decisions;
}

function compileLayer(layer: unknown): { state: HashState | null; from: number; to: number } {
  if (layer === undefined || layer === null) return { state: null, from: 0, to: BUCKET_COUNT };
  check(isRecord(layer), 'layer must be an object { key, range: [from, to] }');
  check(typeof layer.key === 'string' && layer.key !== '', 'layer.key must be a non-empty string');
  const range = layer.range;
  check(Array.isArray(range) && range.length === 2, 'layer.range must be [from, to]');
  const [from, to] = range as unknown[];
  check(isBasisPoints(from) && isBasisPoints(to) && from < to, 'layer.range must be integers with 0 <= from < to <= 10000');
  return { state: hashState(`${layer.key}:`), from, to };
}

function compileValid(definition: Record<string, unknown>, key: string, savedGroups: SavedGroups | undefined): CompiledExperiment {
  check(STATUSES.has(definition.status), 'status must be one of draft, running, paused, stopped, archived');
  const ranges = checkVariants(definition.variants);
  check(isBasisPoints(definition.coverage), 'coverage must be an integer from 0 to 10000');
  const { unitAttribute = DEFAULT_UNIT_ATTRIBUTE, salt = key, targeting } = definition;
  check(typeof unitAttribute === 'string' && unitAttribute !== '', 'unitAttribute must be a non-empty string');
  check(typeof salt === 'string', 'salt must be a string');
  check(targeting === undefined || targeting === null || isRecord(targeting), 'targeting must be a condition object');
  check(definition.sticky === undefined || typeof definition.sticky === 'boolean', 'sticky must be a boolean');
  const control = ranges[0] as VariantRange;
  const layer = compileLayer(definition.layer);
  const hasTargeting = isRecord(targeting) && Object.keys(targeting).length > 0;
  return {
    key,
    problem: null,
    isRunning: definition.status === 'running',
    isSticky: definition.sticky === true,
    unitPath: splitPath(unitAttribute),
    overrides: compileOverrides(key, definition.overrides, ranges),
    targeting: hasTargeting ? compileCondition(targeting, savedGroups) : null,
    layerState: layer.state,
    layerFrom: layer.from,
    layerTo: layer.to,
    allocationState: hashState(`${salt}:`),
    ranges: scaleRanges(ranges, definition.coverage),
    fixed: fixedDecisions(key, control.key, control.payload),
  };
}

function controlOf(definition: Record<string, unknown>): { key: string | null; payload: unknown } {
  const variants = definition.variants;
  const first: unknown = Array.isArray(variants) ? variants[0] : undefined;
  if (isRecord(first) && typeof first.key === 'string') return { key: first.key, payload: first.payload ?? null };
  return { key: null, payload: null };
}

function compileInvalid(definition: unknown, problem: string): CompiledExperiment {
  const record = isRecord(definition) ? definition : {};
  const key = typeof record.key === 'string' ? record.key : '';
  const control = controlOf(record);
  return {
    key,
    problem,
    isRunning: false,
    isSticky: false,
    unitPath: [],
    overrides: null,
    targeting: null,
    layerState: null,
    layerFrom: 0,
    layerTo: 0,
    allocationState: hashState(''),
    ranges: [],
    fixed: fixedDecisions(key, control.key, control.payload),
  };
}

/**
 * Checks an experiment definition and prepares it for fast decisions. Never throws: an unusable
 * definition compiles to one whose every decision is the control with reason `error`, and
 * `problem` says why.
 *
 * @example
 * const compiled = compileExperiment({ key: 'checkout', status: 'running', coverage: 10000,
 *   variants: [{ key: 'control', weight: 5000 }, { key: 'moved', weight: 5000 }] });
 * compiled.problem; // null
 */
export function compileExperiment(definition: ExperimentDefinition, savedGroups?: SavedGroups): CompiledExperiment {
  try {
    const record: unknown = definition;
    check(isRecord(record), 'an experiment definition must be an object');
    check(typeof record.key === 'string' && record.key !== '', 'key must be a non-empty string');
    return compileValid(record, record.key, savedGroups);
  } catch (error) {
    return compileInvalid(definition, error instanceof Error ? error.message : String(error));
  }
}

/** A unit read from an attribute value: a non-empty string, or a finite number in decimal; else null. */
export function unitFrom(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The unit a context identifies for this experiment (DESIGN.md step 1), or null. */
export function unitOf(compiled: CompiledExperiment, attributes: Attributes): string | null {
  return unitFrom(readPath(attributes, compiled.unitPath));
}

function allocate(compiled: CompiledExperiment, unit: string): Decision {
  const b = bucketFrom(compiled.allocationState, unit);
  const ranges = compiled.ranges;
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as VariantRange;
    if (b >= range.start && b < range.end) return makeDecision(compiled.key, range.key, 'assigned', b, range.payload);
  }
  const control = compiled.fixed.traffic;
  return makeDecision(compiled.key, control.variant, 'traffic', b, control.payload);
}

/**
 * The decision that keeps a unit on a variant it was given before (step 7), bucket included, or
 * null when the variant no longer exists.
 */
export function stickyDecision(compiled: CompiledExperiment, variant: string, bucketValue: number | null): Decision | null {
  for (const range of compiled.ranges) {
    if (range.key === variant) return makeDecision(compiled.key, range.key, 'sticky', bucketValue, range.payload);
  }
  return null;
}

/**
 * Whether a recorded sticky variant overrides this decision: only those of DESIGN.md steps 5-6
 * (reasons `assigned`, `layer`, `traffic`), never a missing unit, a stopped experiment, an
 * override or a targeting miss.
 *
 * @example
 * isStickyOverridable(decide(experiment, context)); // true when step 7 may apply
 */
export function isStickyOverridable(decision: Decision): boolean {
  return decision.reason === 'assigned' || decision.reason === 'layer' || decision.reason === 'traffic';
}

/**
 * DESIGN.md steps 1-6 over a compiled experiment, each a named early return.
 * Throws only on faults of the host's own objects (a throwing getter); callers catch.
 */
export function decideCompiled(compiled: CompiledExperiment, context: Attributes): Decision {
  if (compiled.problem !== null) return compiled.fixed.error;
  if (context === null || typeof context !== 'object') return compiled.fixed.error;
  const unit = unitOf(compiled, context);
  if (unit === null) return compiled.fixed['missing-unit'];
  if (!compiled.isRunning) return compiled.fixed['not-running'];
  const forced = compiled.overrides?.get(unit);
  if (forced !== undefined) return forced;
  if (compiled.targeting !== null && !compiled.targeting(context)) return compiled.fixed.targeting;
  if (compiled.layerState !== null) {
    const layerBucket = bucketFrom(compiled.layerState, unit);
    if (layerBucket < compiled.layerFrom || layerBucket >= compiled.layerTo) return compiled.fixed.layer;
  }
  return allocate(compiled, unit);
}
