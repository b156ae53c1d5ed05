import { isRecord, type JsonObject } from './json-value.js';

/*
 * The scorecard of `GET /v1/experiments/:key/scorecard`, read and checked before the gate sees
 * it. Only the fields the gate decides on are required: a metric without a `direction` or a
 * guardrail without a `status` would leave the gate to guess which way is better, so such an
 * answer is refused, naming the field.
 */

export type Interval = readonly [number, number];
export type MetricDirection = 'increase' | 'decrease';
export type MetricRole = 'primary' | 'secondary' | 'guardrail';
export type MetricVerdict = 'winning' | 'losing' | 'inconclusive' | 'srm-failed' | 'insufficient-data';
export type GuardrailStatus = 'ok' | 'harmed' | 'pending';
export type Recommendation = 'ship' | 'rollback' | 'keep-running';

/** An absolute or relative lift; relative ones are null where undefined (a mean of 0 or below). */
export interface Lift {
  readonly estimate: number | null;
  readonly ci: Interval | null;
  readonly ciSequential: Interval | null;
}

/** One variant's figures for one metric; treatments (every variant after the first) carry the comparison. */
export interface VariantResults {
  readonly key: string;
  readonly units: number;
  readonly conversions: number;
  readonly mean: number | null;
  readonly liftAbs: Lift | null;
  readonly liftRel: Lift | null;
  readonly pValueSequential: number | null;
  readonly chanceToBeatControl: number | null;
  /** Direction-aware: `winning` means better in the metric's direction. */
  readonly verdict: MetricVerdict | null;
  /** Guardrails only. */
  readonly guardrail: { readonly status: GuardrailStatus; readonly margin: number } | null;
}

export interface SampleRatio {
  readonly ok: boolean;
  readonly pValue: number | null;
  readonly chiSquare: number | null;
}

/** The results of one metric, as in `GET /v1/experiments/:key/results?metric=K`. */
export interface MetricResults {
  readonly metric: string;
  readonly direction: MetricDirection;
  readonly role: MetricRole;
  readonly srm: SampleRatio | null;
  /** The control first. */
  readonly variants: readonly VariantResults[];
}

/** `GET /v1/experiments/:key/scorecard`: every metric of an experiment and the server's recommendation. */
export interface Scorecard {
  readonly experiment: string;
  readonly generatedAt: string | null;
  readonly srm: SampleRatio;
  readonly decision: {
    readonly recommendation: Recommendation;
    readonly variant: string | null;
    readonly reason: string;
  };
  /** The primary, then secondaries, then guardrails. */
  readonly metrics: readonly MetricResults[];
}

const DIRECTIONS: readonly MetricDirection[] = ['increase', 'decrease'];
const ROLES: readonly MetricRole[] = ['primary', 'secondary', 'guardrail'];
const VERDICTS: readonly MetricVerdict[] = ['winning', 'losing', 'inconclusive', 'srm-failed', 'insufficient-data'];
const STATUSES: readonly GuardrailStatus[] = ['ok', 'harmed', 'pending'];
const RECOMMENDATIONS: readonly Recommendation[] = ['ship', 'rollback', 'keep-running'];

/** A scorecard field that is missing or of the wrong shape, named by its path. */
export class ScorecardError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`scorecard ${path}: ${problem}`);
    this.name = 'ScorecardError';
  }
}

function objectAt(value: unknown, path: string): JsonObject {
  if (!isRecord(value)) throw new ScorecardError(path, 'must be an object');
  return value;
}

function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new ScorecardError(path, 'must be a non-empty string');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined)
    throw new ScorecardError(path, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value) ?? 'nothing'})`);
  return match;
}

function numberOrNull(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScorecardError(path, 'must be a finite number');
  return value;
}

function intervalOrNull(value: unknown, path: string): Interval | null {
  if (value === undefined || value === null) return null;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((bound) => typeof bound === 'number' && Number.isFinite(bound))
  )
    throw new ScorecardError(path, 'must be [low, high] or null');
  return [value[0] as number, value[1] as number];
}

function readLift(value: unknown, path: string): Lift | null {
  if (value === undefined || value === null) return null;
  const lift = objectAt(value, path);
  return {
    estimate: numberOrNull(lift['estimate'], `${path}.estimate`),
    ci: intervalOrNull(lift['ci'], `${path}.ci`),
    ciSequential: intervalOrNull(lift['ciSequential'], `${path}.ciSequential`),
  };
}

function readSrm(value: unknown, path: string): SampleRatio {
  const srm = objectAt(value, path);
  if (typeof srm['ok'] !== 'boolean') throw new ScorecardError(`${path}.ok`, 'must be a boolean');
  return {
    ok: srm['ok'],
    pValue: numberOrNull(srm['pValue'], `${path}.pValue`),
    chiSquare: numberOrNull(srm['chiSquare'], `${path}.chiSquare`),
  };
}

function readVariant(
  value: unknown,
  path: string,
  options: { isTreatment: boolean; role: MetricRole },
): VariantResults {
  const variant = objectAt(value, path);
  const guardrail =
    options.isTreatment && options.role === 'guardrail' ? objectAt(variant['guardrail'], `${path}.guardrail`) : null;
  return {
    key: stringAt(variant['key'], `${path}.key`),
    units: numberOrNull(variant['units'], `${path}.units`) ?? 0,
    conversions: numberOrNull(variant['conversions'], `${path}.conversions`) ?? 0,
    mean: numberOrNull(variant['mean'] ?? variant['rate'], `${path}.mean`),
    liftAbs: readLift(variant['liftAbs'], `${path}.liftAbs`),
    liftRel: readLift(variant['liftRel'], `${path}.liftRel`),
    pValueSequential: numberOrNull(variant['pValueSequential'], `${path}.pValueSequential`),
    chanceToBeatControl: numberOrNull(variant['chanceToBeatControl'], `${path}.chanceToBeatControl`),
    verdict: options.isTreatment ? oneOf(variant['verdict'], VERDICTS, `${path}.verdict`) : null,
    guardrail:
      guardrail === null
        ? null
        : {
            status: oneOf(guardrail['status'], STATUSES, `${path}.guardrail.status`),
            margin: numberOrNull(guardrail['margin'], `${path}.guardrail.margin`) ?? 0,
          },
  };
}

function readMetric(value: unknown, path: string): MetricResults {
  const metric = objectAt(value, path);
  const role = oneOf(metric['role'], ROLES, `${path}.role`);
  const variants = metric['variants'];
  if (!Array.isArray(variants) || variants.length < 2)
    throw new ScorecardError(`${path}.variants`, 'must list the control and at least one treatment');
  return {
    metric: stringAt(metric['metric'], `${path}.metric`),
    direction: oneOf(metric['direction'], DIRECTIONS, `${path}.direction`),
    role,
    srm: metric['srm'] === undefined || metric['srm'] === null ? null : readSrm(metric['srm'], `${path}.srm`),
    variants: variants.map((variant: unknown, index) =>
      readVariant(variant, `${path}.variants[${index}]`, { isTreatment: index > 0, role }),
    ),
  };
}

/**
 * Reads a scorecard answer, throwing `ScorecardError` (naming the field) when a field the gate
 * decides on is missing or malformed.
 */
export function readScorecard(value: unknown): Scorecard {
  const scorecard = objectAt(value, '(answer)');
  const decision = objectAt(scorecard['decision'], 'decision');
  const metrics = scorecard['metrics'];
  if (!Array.isArray(metrics)) throw new ScorecardError('metrics', 'must be a list');
  const variant = decision['variant'];
  return {
    experiment: stringAt(scorecard['experiment'], 'experiment'),
    generatedAt: typeof scorecard['generatedAt'] === 'string' ? scorecard['generatedAt'] : null,
    srm: readSrm(scorecard['srm'], 'srm'),
    decision: {
      recommendation: oneOf(decision['recommendation'], RECOMMENDATIONS, 'decision.recommendation'),
      variant: variant === undefined || variant === null ? null : stringAt(variant, 'decision.variant'),
      reason: typeof decision['reason'] === 'string' ? decision['reason'] : '',
    },
    metrics: metrics.map((metric: unknown, index) => readMetric(metric, `metrics[${index}]`)),
  };
}
