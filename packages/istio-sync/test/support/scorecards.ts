/**
 * Scorecards in the server's REST shape, computed from counts the way Lift's spec computes a
 * proportion metric (Wald interval, log-scale relative lift, mSPRT confidence sequences with
 * τ = max(0.1·|m_c|, 1e-4) and τ_L = 0.1, the direction-aware verdict and guardrail status, the
 * recommendation), so a test reads as "server errors from 2% to 6% of 5000 units" rather than
 * as hand-typed verdicts. The chance to beat the control uses the normal approximation.
 */

type Json = { [key: string]: unknown };
type Interval = [number, number];
type Direction = 'increase' | 'decrease';
type Role = 'primary' | 'secondary' | 'guardrail';

export interface Arm {
  readonly key: string;
  readonly units: number;
  readonly conversions: number;
}

export interface MetricSpec {
  readonly metric: string;
  readonly role: Role;
  readonly direction?: Direction;
  /** The control first. */
  readonly arms: readonly Arm[];
  readonly margin?: number;
}

const Z = 1.959963984540054;
const ALPHA = 0.05;
const TAU_RELATIVE = 0.1;
const DEFAULT_MARGIN = 0.02;
const SRM_ALPHA = 0.001;

/** Φ, from erf (Abramowitz and Stegun 7.1.26; error below 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Half-width of the mixture confidence sequence for variance `v` and mixing variance `tau2`. */
function sequentialHalfWidth(v: number, tau2: number): number {
  return Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / ALPHA) + Math.log((v + tau2) / v)));
}

function isWhollyBetter([lo, hi]: Interval, direction: Direction): boolean {
  return direction === 'increase' ? lo > 0 : hi < 0;
}

function isWhollyWorse([lo, hi]: Interval, direction: Direction): boolean {
  return direction === 'increase' ? hi < 0 : lo > 0;
}

function treatmentResults(spec: MetricSpec, control: Arm, arm: Arm): Json {
  const direction = spec.direction ?? 'increase';
  const mc = control.conversions / control.units;
  const mt = arm.conversions / arm.units;
  const varC = (mc * (1 - mc)) / control.units;
  const varT = (mt * (1 - mt)) / arm.units;
  const theta = mt - mc;
  const v = varT + varC;
  const tau2 = Math.max(TAU_RELATIVE * Math.abs(mc), 1e-4) ** 2;
  const isInsufficient = v === 0 || arm.units < 2 || control.units < 2;
  const absoluteSequential: Interval = isInsufficient
    ? [theta, theta]
    : [theta - sequentialHalfWidth(v, tau2), theta + sequentialHalfWidth(v, tau2)];
  let relative: Json = { estimate: mc > 0 ? mt / mc - 1 : null, ci: null, ciSequential: null };
  let relativeSequential: Interval | null = null;
  if (mc > 0 && mt > 0 && !isInsufficient) {
    const log = Math.log(mt) - Math.log(mc);
    const vLog = varT / (mt * mt) + varC / (mc * mc);
    const w = sequentialHalfWidth(vLog, TAU_RELATIVE ** 2);
    relativeSequential = [Math.exp(log - w) - 1, Math.exp(log + w) - 1];
    relative = {
      estimate: mt / mc - 1,
      ci: [Math.exp(log - Z * Math.sqrt(vLog)) - 1, Math.exp(log + Z * Math.sqrt(vLog)) - 1],
      ciSequential: relativeSequential,
    };
  }
  const verdict = isInsufficient
    ? 'insufficient-data'
    : isWhollyBetter(absoluteSequential, direction)
      ? 'winning'
      : isWhollyWorse(absoluteSequential, direction)
        ? 'losing'
        : 'inconclusive';
  const lambda = isInsufficient
    ? 1
    : Math.sqrt(v / (v + tau2)) * Math.exp((tau2 * theta * theta) / (2 * v * (v + tau2)));
  const sign = direction === 'increase' ? 1 : -1;
  const margin = spec.margin ?? DEFAULT_MARGIN;
  return {
    key: arm.key,
    units: arm.units,
    conversions: arm.conversions,
    mean: mt,
    rate: mt,
    liftAbs: {
      estimate: theta,
      ci: isInsufficient ? [theta, theta] : [theta - Z * Math.sqrt(v), theta + Z * Math.sqrt(v)],
      ciSequential: absoluteSequential,
    },
    liftRel: relative,
    pValueSequential: Math.min(1, 1 / lambda),
    chanceToBeatControl: isInsufficient ? 0.5 : normalCdf((sign * theta) / Math.sqrt(v)),
    verdict,
    ...(spec.role === 'guardrail'
      ? { guardrail: { status: guardrailStatus(direction, margin, relativeSequential, absoluteSequential), margin } }
      : {}),
  };
}

function guardrailStatus(
  direction: Direction,
  margin: number,
  relative: Interval | null,
  absolute: Interval,
): 'ok' | 'harmed' | 'pending' {
  if (relative === null) {
    if (isWhollyWorse(absolute, direction)) return 'harmed';
    return isWhollyBetter(absolute, direction) ? 'ok' : 'pending';
  }
  if (isWhollyWorse(relative, direction)) return 'harmed';
  return (direction === 'increase' ? relative[0] > -margin : relative[1] < margin) ? 'ok' : 'pending';
}

/** Equal weights, two arms: the χ² test with one degree of freedom. */
function sampleRatio(arms: readonly Arm[]): Json {
  const total = arms.reduce((sum, arm) => sum + arm.units, 0);
  const expected = total / arms.length;
  const chiSquare = arms.reduce((sum, arm) => sum + (arm.units - expected) ** 2 / expected, 0);
  const pValue = 2 * (1 - normalCdf(Math.sqrt(chiSquare)));
  return { chiSquare, pValue, ok: pValue >= SRM_ALPHA };
}

/** One metric's results, as `GET /v1/experiments/:key/results?metric=K` answers. */
export function metricResults(experiment: string, spec: MetricSpec): Json {
  const [control, ...treatments] = spec.arms;
  if (control === undefined) throw new Error('a metric needs a control arm');
  return {
    experiment,
    metric: spec.metric,
    type: 'proportion',
    direction: spec.direction ?? 'increase',
    role: spec.role,
    srm: sampleRatio(spec.arms),
    excluded: { outsideWindow: 0 },
    completeSince: null,
    variants: [
      {
        key: control.key,
        units: control.units,
        conversions: control.conversions,
        mean: control.conversions / control.units,
        rate: control.conversions / control.units,
      },
      ...treatments.map((arm) => treatmentResults(spec, control, arm)),
    ],
  };
}

type Treatment = Json & { key: string; verdict: string; chanceToBeatControl: number; guardrail?: { status: string } };

/** The recommendation as Lift's spec draws it from the metrics. */
function recommend(srmOk: boolean, metrics: readonly Json[]): Json {
  const treatmentsOf = (metric: Json): Treatment[] => (metric['variants'] as Treatment[]).slice(1);
  const guardrails = metrics.filter((metric) => metric['role'] === 'guardrail');
  if (!srmOk) return { recommendation: 'rollback', reason: 'The sample ratio does not match the configured weights.' };
  for (const guardrail of guardrails) {
    const harmed = treatmentsOf(guardrail).find((treatment) => treatment.guardrail?.status === 'harmed');
    if (harmed !== undefined)
      return {
        recommendation: 'rollback',
        variant: harmed.key,
        reason: `Guardrail ${String(guardrail['metric'])} is harmed for ${harmed.key}.`,
      };
  }
  const primary = metrics.find((metric) => metric['role'] === 'primary');
  const shippable = (primary === undefined ? [] : treatmentsOf(primary))
    .filter(
      (treatment) =>
        treatment.verdict === 'winning' &&
        guardrails.every((guardrail) =>
          treatmentsOf(guardrail).some((other) => other.key === treatment.key && other.guardrail?.status === 'ok'),
        ),
    )
    .sort((a, b) => b.chanceToBeatControl - a.chanceToBeatControl);
  const best = shippable[0];
  if (best !== undefined)
    return {
      recommendation: 'ship',
      variant: best.key,
      reason: `${best.key} wins on ${String(primary?.['metric'])} with every guardrail ok.`,
    };
  return { recommendation: 'keep-running', reason: 'No treatment wins on the primary with every guardrail ok yet.' };
}

/** A scorecard from metric specs; `srmOk: false` marks the split broken, `decision` overrides the recommendation. */
export function scorecardOf(
  experiment: string,
  specs: readonly MetricSpec[],
  overrides: { readonly srmOk?: boolean; readonly decision?: Json } = {},
): Json {
  const metrics = specs.map((spec) => metricResults(experiment, spec));
  const first = metrics[0]?.['srm'] as Json | undefined;
  const srm = overrides.srmOk === false ? { chiSquare: 31.2, pValue: 0.0000001, ok: false } : (first ?? { ok: true });
  return {
    experiment,
    generatedAt: '2026-11-27T12:00:00Z',
    srm,
    decision: overrides.decision ?? recommend(srm['ok'] === true, metrics),
    metrics,
  };
}

/** Control and treatment arms of `units` each, with the given conversions. */
export function arms(units: number, conversions: { readonly [variant: string]: number }): Arm[] {
  return Object.entries(conversions).map(([key, count]) => ({ key, units, conversions: count }));
}
