/**
 * The shapes an SDK receives in its config snapshot and returns from `decide`.
 * Weights, coverage and layer ranges are integer basis points (0..10000).
 */

/** A value an attribute may hold: nested objects are read through dotted paths. */
export type AttributeValue =
  string | number | boolean | null | undefined | readonly AttributeValue[] | { readonly [key: string]: AttributeValue };

/** The attributes of one evaluation context, e.g. `{ userId: 'u1', platform: 'iOS' }`. */
export type Attributes = { readonly [key: string]: AttributeValue };

/**
 * A targeting condition in the MongoDB-style language (`$and $or $nor $not $eq $ne $in $nin $gt
 * $gte $lt $lte $regex $exists $type $size $elemMatch $all` and the semver `$v*` operators).
 * An empty object matches everyone.
 *
 * @example
 * const condition: Condition = { platform: 'iOS', region: { $in: ['NC', 'SC'] } };
 */
export type Condition = { readonly [key: string]: unknown };

/** Named lists of values that `$inGroup` / `$notInGroup` refer to. */
export type SavedGroups = { readonly [groupId: string]: readonly unknown[] };

/** One arm of an experiment. The first variant of an experiment is its control. */
export interface VariantDefinition {
  readonly key: string;
  /** Share of the traffic in basis points; the weights of an experiment sum to 10000. */
  readonly weight: number;
  readonly payload?: unknown;
}

/** Mutual exclusion: units whose layer bucket falls in `[from, to)` may enter. */
export interface LayerDefinition {
  readonly key: string;
  readonly range: readonly [from: number, to: number];
}

/** Lifecycle states of an experiment; only `running` assigns units. */
export type ExperimentStatus = 'draft' | 'running' | 'paused' | 'stopped' | 'archived';

/** An experiment as an SDK receives it in its config snapshot. */
export interface ExperimentDefinition {
  readonly key: string;
  readonly status: ExperimentStatus;
  readonly variants: readonly VariantDefinition[];
  /** Share of eligible units that enter, in basis points (10000 = everyone). */
  readonly coverage: number;
  /** The attribute that identifies a unit; default `userId`. */
  readonly unitAttribute?: string;
  /** The allocation salt; default the experiment key. */
  readonly salt?: string;
  readonly targeting?: Condition;
  readonly layer?: LayerDefinition;
  /** Forced variants per unit, for QA; excluded from analysis. */
  readonly overrides?: { readonly [unit: string]: string };
  readonly sticky?: boolean;
  readonly version?: number;
}

/** Everything an SDK needs to decide: what the server serves at `GET /v1/sdk/config`. */
export interface ConfigSnapshot {
  /** Bumped on every change to any experiment; ETag-like. */
  readonly version: number | string;
  readonly experiments: readonly ExperimentDefinition[];
  readonly savedGroups?: SavedGroups;
  readonly generatedAt?: string;
}

/** Why a decision came out as it did. */
export type Reason =
  | 'missing-unit'
  | 'not-running'
  | 'override'
  | 'targeting'
  | 'layer'
  | 'traffic'
  | 'assigned'
  | 'sticky'
  | 'not-ready'
  | 'error';

/** The outcome of deciding one experiment for one context. */
export interface Decision {
  readonly experiment: string;
  /** The variant key; the control unless assigned or overridden; null only when the definition has no usable control. */
  readonly variant: string | null;
  /** True for `assigned` and `sticky`: the unit counts in the analysis. */
  readonly inExperiment: boolean;
  readonly reason: Reason;
  /** The allocation bucket (0..9999), or null when the decision ended before allocation. */
  readonly bucket: number | null;
  /** The chosen variant's payload, or null. */
  readonly payload: unknown;
}
