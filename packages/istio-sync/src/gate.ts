import type { Interval, MetricResults, Scorecard, VariantResults } from './scorecard-input.js';

/** What the statistics say to do with a rollout, with the figures that drove it. */
export type GateDecision =
  | { readonly action: 'promote'; readonly variant: string; readonly reason: string; readonly figures: Figures }
  | { readonly action: 'rollback'; readonly reason: string; readonly figures: Figures }
  | { readonly action: 'hold'; readonly reason: string; readonly figures: Figures };

export type Figures = {
  readonly [name: string]: string | number | boolean | null | readonly number[] | readonly string[];
};

export interface GateOptions {
  /**
   * A promotion also needs the primary's sequential p-value below this. Lift's verdicts are drawn
   * at 0.05, so a smaller alpha makes the gate stricter; a larger one cannot loosen it.
   */
  readonly alpha?: number;
  /**
   * An operator's promotion of this treatment without a winning primary (`--force`). Granted only
   * where no harm is shown: never over a sample ratio mismatch or a harmed guardrail (those roll
   * back), nor while the treatment is `losing` on the primary or a guardrail.
   */
  readonly forcedVariant?: string;
}

interface Reading {
  readonly metric: MetricResults;
  readonly treatment: VariantResults;
}

const DEFAULT_ALPHA = 0.05;
const PERCENT = 100;

function treatmentsOf(metric: MetricResults): readonly VariantResults[] {
  return metric.variants.slice(1);
}

function readingsOf(scorecard: Scorecard, role: MetricResults['role'], variant: string): Reading[] {
  return scorecard.metrics
    .filter((metric) => metric.role === role)
    .flatMap((metric) =>
      treatmentsOf(metric)
        .filter((treatment) => treatment.key === variant)
        .map((treatment) => ({ metric, treatment })),
    );
}

function signedPercent(value: number): string {
  const text = (value * PERCENT).toFixed(1);
  return `${value >= 0 && !text.startsWith('-') ? '+' : ''}${text}%`;
}

function signedNumber(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toPrecision(3)}`;
}

function formatInterval(interval: Interval | null, format: (value: number) => string): string {
  return interval === null ? 'no interval yet' : `[${format(interval[0])}, ${format(interval[1])}]`;
}

function betterWay(metric: MetricResults): string {
  return metric.direction === 'increase' ? 'higher is better' : 'lower is better';
}

/** The lift of a reading in words: relative where defined, else absolute, with its confidence sequence. */
function describeLift({ metric, treatment }: Reading): string {
  const relative = treatment.liftRel;
  if (relative !== null && relative.estimate !== null)
    return `${betterWay(metric)}; relative lift ${signedPercent(relative.estimate)}, sequential interval ${formatInterval(relative.ciSequential, signedPercent)}`;
  const absolute = treatment.liftAbs;
  if (absolute !== null && absolute.estimate !== null)
    return `${betterWay(metric)}; relative lift undefined, absolute lift ${signedNumber(absolute.estimate)}, sequential interval ${formatInterval(absolute.ciSequential, signedNumber)}`;
  return betterWay(metric);
}

function figuresOf({ metric, treatment }: Reading): Figures {
  const control = metric.variants[0];
  return {
    metric: metric.metric,
    role: metric.role,
    direction: metric.direction,
    variant: treatment.key,
    verdict: treatment.verdict,
    ...(treatment.guardrail === null ? {} : { guardrailStatus: treatment.guardrail.status }),
    liftRel: treatment.liftRel?.estimate ?? null,
    liftRelCiSequential: treatment.liftRel?.ciSequential ?? null,
    liftAbs: treatment.liftAbs?.estimate ?? null,
    units: treatment.units,
    controlUnits: control?.units ?? null,
    mean: treatment.mean,
    controlMean: control?.mean ?? null,
    pValueSequential: treatment.pValueSequential,
    chanceToBeatControl: treatment.chanceToBeatControl,
  };
}

const label = ({ metric, treatment }: Reading): string => `${metric.metric} (${treatment.key})`;

/** Step 1: a split that is not the configured one discredits every figure. */
function srmRollback(scorecard: Scorecard): GateDecision | null {
  const failed = [
    ...(scorecard.srm.ok ? [] : ['the experiment']),
    ...scorecard.metrics
      .filter(
        (metric) =>
          metric.srm?.ok === false || treatmentsOf(metric).some((treatment) => treatment.verdict === 'srm-failed'),
      )
      .map((metric) => metric.metric),
  ];
  if (failed.length === 0) return null;
  return {
    action: 'rollback',
    reason: `sample ratio mismatch on ${failed.join(', ')} (p = ${scorecard.srm.pValue ?? 'unknown'}): the split is not the configured one, so no figure can be trusted`,
    figures: {
      srmOk: scorecard.srm.ok,
      srmPValue: scorecard.srm.pValue,
      srmChiSquare: scorecard.srm.chiSquare,
      srmFailedOn: failed,
    },
  };
}

/** Step 2: a guardrail Lift shows harmed (in its own direction) for any treatment. */
function harmRollback(scorecard: Scorecard): GateDecision | null {
  const harmed: Reading[] = scorecard.metrics
    .filter((metric) => metric.role === 'guardrail')
    .flatMap((metric) =>
      treatmentsOf(metric)
        .filter((treatment) => treatment.guardrail?.status === 'harmed')
        .map((treatment) => ({ metric, treatment })),
    );
  const first = harmed[0];
  if (first === undefined) return null;
  const others = harmed.slice(1).map(label);
  return {
    action: 'rollback',
    reason: `guardrail ${first.metric.metric} is harmed for ${first.treatment.key} (${describeLift(first)})${others.length > 0 ? `; also harmed: ${others.join(', ')}` : ''}`,
    figures: { ...figuresOf(first), harmedGuardrails: harmed.map(label) },
  };
}

/** What stands between a treatment and its promotion, given its primary and pending guardrails; empty when nothing does. */
function blockersOf(primary: Reading | undefined, pending: readonly string[], alpha: number): string[] {
  const blockers: string[] =
    pending.length === 0
      ? []
      : [`${pending.length === 1 ? 'guardrail' : 'guardrails'} ${pending.join(', ')} (pending)`];
  if (primary === undefined) return [...blockers, 'a primary metric (the scorecard has none)'];
  const { verdict, pValueSequential } = primary.treatment;
  if (verdict !== 'winning') blockers.push(`the primary ${primary.metric.metric} (${verdict ?? 'no verdict'})`);
  else if (pValueSequential === null || pValueSequential >= alpha)
    blockers.push(
      `the primary ${primary.metric.metric} (sequential p ${pValueSequential ?? 'unknown'}, not below ${alpha})`,
    );
  return blockers;
}

/** The treatment a hold speaks of: the server's pick, else the likeliest to beat the control on the primary. */
function focusOf(scorecard: Scorecard): string | null {
  if (scorecard.decision.variant !== null) return scorecard.decision.variant;
  const primary = scorecard.metrics.find((metric) => metric.role === 'primary');
  const best = [...(primary === undefined ? [] : treatmentsOf(primary))].sort(
    (a, b) => (b.chanceToBeatControl ?? 0) - (a.chanceToBeatControl ?? 0) || (a.key < b.key ? -1 : 1),
  )[0];
  return best?.key ?? scorecard.metrics[0]?.variants[1]?.key ?? null;
}

/** Step 3 for one treatment: promote when Lift recommends it and every condition holds here too; else hold, saying what it waits for. */
function decideFor(scorecard: Scorecard, variant: string, alpha: number): GateDecision {
  const primary = readingsOf(scorecard, 'primary', variant)[0];
  const pending = readingsOf(scorecard, 'guardrail', variant)
    .filter((reading) => reading.treatment.guardrail?.status !== 'ok')
    .map((reading) => reading.metric.metric);
  const figures: Figures = {
    ...(primary === undefined ? { variant } : figuresOf(primary)),
    pendingGuardrails: pending,
    recommendation: scorecard.decision.recommendation,
  };
  if (primary?.treatment.verdict === 'losing')
    return {
      action: 'hold',
      reason: `the primary ${primary.metric.metric} is losing for ${variant} (${describeLift(primary)}): it will not be promoted; roll it back or stop the experiment`,
      figures,
    };
  const blockers = blockersOf(primary, pending, alpha);
  const isRecommended = scorecard.decision.recommendation === 'ship' && scorecard.decision.variant === variant;
  if (blockers.length === 0 && isRecommended && primary !== undefined)
    return {
      action: 'promote',
      variant,
      reason: `${variant} is winning on ${primary.metric.metric} (${describeLift(primary)}) with every guardrail ok`,
      figures,
    };
  const waitingFor = blockers.length > 0 ? blockers.join(' and ') : `Lift to recommend shipping ${variant}`;
  return {
    action: 'hold',
    reason: `${variant}: waiting for ${waitingFor}${isRecommended ? ' (Lift recommends shipping it, but the scorecard does not bear it out)' : ''}`,
    figures,
  };
}

/** An operator's promotion over a hold: granted unless the treatment is shown worse on the primary or a guardrail. */
function forceFor(scorecard: Scorecard, variant: string, alpha: number): GateDecision {
  const gated = decideFor(scorecard, variant, alpha);
  if (gated.action !== 'hold') return gated;
  if (!scorecard.metrics.some((metric) => treatmentsOf(metric).some((treatment) => treatment.key === variant)))
    return { ...gated, reason: `cannot force ${variant}: the scorecard has no treatment ${variant}` };
  const losing = [...readingsOf(scorecard, 'primary', variant), ...readingsOf(scorecard, 'guardrail', variant)].filter(
    (reading) => reading.treatment.verdict === 'losing',
  );
  const first = losing[0];
  if (first !== undefined)
    return {
      ...gated,
      reason: `cannot force ${variant}: it is losing on ${losing.map((reading) => reading.metric.metric).join(', ')} (${first.metric.metric}: ${describeLift(first)})`,
    };
  return { action: 'promote', variant, reason: `forced by an operator over: ${gated.reason}`, figures: gated.figures };
}

/**
 * The rollout gate, over Lift's scorecard. Every decision is read off Lift's direction-aware fields
 * (verdicts, guardrail statuses, the recommendation), never off the sign of a lift:
 * 1. a sample ratio mismatch → rollback;
 * 2. a guardrail `harmed` for any treatment → rollback, naming it with its relative lift's
 *    sequential interval (so does a `rollback` recommendation);
 * 3. promote when Lift recommends shipping a treatment and the scorecard bears it out: its primary
 *    `winning`, every guardrail `ok`;
 * 4. otherwise hold, naming what it waits for (pending guardrails, the primary).
 * With `forcedVariant`, a hold becomes that treatment's promotion unless it is `losing` on the
 * primary or a guardrail; steps 1 and 2 still roll back. Pure: the caller fetches and acts.
 *
 * @example
 * const decision = decideGate(await client.scorecard('checkout'));
 * if (decision.action === 'rollback') console.error(decision.reason);
 */
export function decideGate(scorecard: Scorecard, options: GateOptions = {}): GateDecision {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const rollback = srmRollback(scorecard) ?? harmRollback(scorecard);
  if (rollback !== null) return rollback;
  if (scorecard.decision.recommendation === 'rollback')
    return {
      action: 'rollback',
      reason: `Lift recommends a rollback: ${scorecard.decision.reason}`,
      figures: { recommendation: 'rollback', variant: scorecard.decision.variant },
    };
  if (options.forcedVariant !== undefined) return forceFor(scorecard, options.forcedVariant, alpha);
  const focus = focusOf(scorecard);
  if (focus === null) return { action: 'hold', reason: 'the scorecard has no treatment', figures: {} };
  return decideFor(scorecard, focus, alpha);
}
