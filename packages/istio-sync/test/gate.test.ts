import { describe, expect, it } from 'vitest';
import { decideGate, type GateDecision } from '../src/gate.js';
import { changeFor, promotion, rollback } from '../src/rollout.js';
import { readScorecard } from '../src/scorecard-input.js';
import { experimentOf } from './support/experiments.js';
import { arms, scorecardOf, type MetricSpec } from './support/scorecards.js';

/** A canary with 2,000,000 units per arm: enough for guardrails to be shown within their 2% margins. */
const UNITS = 2_000_000;
const purchase = (v2: number): MetricSpec => ({
  metric: 'purchase',
  role: 'primary',
  arms: arms(UNITS, { v1: 200_000, v2 }),
});
const addToCart = (v2: number): MetricSpec => ({
  metric: 'add-to-cart',
  role: 'guardrail',
  arms: arms(UNITS, { v1: 600_000, v2 }),
});
const serverError = (v2: number): MetricSpec => ({
  metric: 'server-error',
  role: 'guardrail',
  direction: 'decrease',
  arms: arms(UNITS, { v1: 40_000, v2 }),
});

const WINNING_PURCHASE = 220_000; // 10% -> 11%
const FLAT_PURCHASE = 200_200;
const LOSING_PURCHASE = 190_000;
const OK_CART = 600_500;
const OK_ERRORS = 39_600;
const PENDING_ERRORS = 40_800; // +2%: not yet shown within the margin, nor shown worse
const TRIPLED_ERRORS = 120_000; // 2% -> 6%

function gate(
  specs: readonly MetricSpec[],
  options: Parameters<typeof decideGate>[1] = {},
  overrides = {},
): GateDecision {
  return decideGate(readScorecard(scorecardOf('shop-v2-canary', specs, overrides)), options);
}

describe('decideGate over the scorecard', () => {
  it('rolls back when a decrease-direction guardrail triples (2% -> 6%), naming metric, treatment and interval, even with a winning primary and --force', () => {
    const specs = [purchase(WINNING_PURCHASE), addToCart(OK_CART), serverError(TRIPLED_ERRORS)];
    const decision = gate(specs);
    expect(decision.action).toBe('rollback');
    // The relative lift is +200%: positive, and harmful, because fewer server errors are better.
    expect(decision.reason).toMatch(
      /^guardrail server-error is harmed for v2 \(lower is better; relative lift \+200\.0%, sequential interval \[\+\d+\.\d%, \+\d+\.\d%\]\)$/,
    );
    expect(decision.figures).toMatchObject({
      metric: 'server-error',
      variant: 'v2',
      direction: 'decrease',
      verdict: 'losing',
      guardrailStatus: 'harmed',
      harmedGuardrails: ['server-error (v2)'],
    });
    expect(decision.figures['liftRel']).toBeCloseTo(2, 10);
    expect(gate(specs, { forcedVariant: 'v2' }).action).toBe('rollback');
  });

  it('holds on a pending guardrail, naming it; forcing promotes, since no harm is shown', () => {
    const specs = [purchase(WINNING_PURCHASE), addToCart(OK_CART), serverError(PENDING_ERRORS)];
    const decision = gate(specs);
    expect(decision).toMatchObject({
      action: 'hold',
      reason: 'v2: waiting for guardrail server-error (pending)',
      figures: { metric: 'purchase', verdict: 'winning', pendingGuardrails: ['server-error'] },
    });
    expect(gate(specs, { forcedVariant: 'v2' })).toMatchObject({
      action: 'promote',
      variant: 'v2',
      reason: 'forced by an operator over: v2: waiting for guardrail server-error (pending)',
    });
  });

  it('holds naming the primary while it is inconclusive', () => {
    expect(gate([purchase(FLAT_PURCHASE), addToCart(OK_CART), serverError(OK_ERRORS)])).toMatchObject({
      action: 'hold',
      reason: 'v2: waiting for the primary purchase (inconclusive)',
      figures: { metric: 'purchase', direction: 'increase', verdict: 'inconclusive', pendingGuardrails: [] },
    });
  });

  it('rolls back on a sample ratio mismatch, even when winning, and --force does not pass it', () => {
    const specs = [purchase(WINNING_PURCHASE), addToCart(OK_CART), serverError(OK_ERRORS)];
    const decision = gate(specs, {}, { srmOk: false });
    expect(decision).toMatchObject({ action: 'rollback', figures: { srmOk: false, srmChiSquare: 31.2 } });
    expect(decision.reason).toContain('sample ratio mismatch');
    expect(gate(specs, { forcedVariant: 'v2' }, { srmOk: false }).action).toBe('rollback');
    const skewed: MetricSpec = {
      metric: 'purchase',
      role: 'primary',
      arms: [
        { key: 'v1', units: 10_000, conversions: 1000 },
        { key: 'v2', units: 11_000, conversions: 1400 },
      ],
    };
    expect(gate([skewed]).action).toBe('rollback');
  });

  it('promotes a winning primary with every guardrail ok, with the figures', () => {
    const decision = gate([purchase(WINNING_PURCHASE), addToCart(OK_CART), serverError(OK_ERRORS)]);
    expect(decision).toMatchObject({
      action: 'promote',
      variant: 'v2',
      figures: { metric: 'purchase', variant: 'v2', direction: 'increase', verdict: 'winning', pendingGuardrails: [] },
    });
    expect(decision.reason).toMatch(
      /^v2 is winning on purchase \(higher is better; relative lift \+10\.0%, sequential interval \[\+\d+\.\d%, \+\d+\.\d%\]\) with every guardrail ok$/,
    );
    expect(decision.figures['liftRelCiSequential']).toHaveLength(2);
  });

  it('promotes a decrease-direction primary that wins by falling (fewer refunds)', () => {
    const refunds: MetricSpec = {
      metric: 'refunds',
      role: 'primary',
      direction: 'decrease',
      arms: arms(UNITS, { v1: 100_000, v2: 80_000 }),
    };
    const decision = gate([refunds, addToCart(OK_CART), serverError(OK_ERRORS)]);
    expect(decision).toMatchObject({
      action: 'promote',
      variant: 'v2',
      figures: { direction: 'decrease', verdict: 'winning' },
    });
    expect(decision.reason).toContain('lower is better; relative lift -20.0%');
    // The same fall on an increase-direction primary is a loss: held, and not forceable.
    const fewerPurchases = gate([purchase(160_000), addToCart(OK_CART), serverError(OK_ERRORS)]);
    expect(fewerPurchases.action).toBe('hold');
    expect(fewerPurchases.reason).toMatch(
      /^the primary purchase is losing for v2 \(higher is better; relative lift -20\.0%/,
    );
  });

  it('refuses to force a treatment shown losing on its primary', () => {
    const decision = gate([purchase(LOSING_PURCHASE), addToCart(OK_CART), serverError(PENDING_ERRORS)], {
      forcedVariant: 'v2',
    });
    expect(decision.action).toBe('hold');
    expect(decision.reason).toMatch(
      /^cannot force v2: it is losing on purchase \(purchase: higher is better; relative lift -5\.0%/,
    );
  });

  it('promotes only what Lift recommends and the scorecard bears out', () => {
    const specs = [purchase(WINNING_PURCHASE), addToCart(OK_CART), serverError(PENDING_ERRORS)];
    const claimed = gate(specs, {}, { decision: { recommendation: 'ship', variant: 'v2', reason: 'v2 wins.' } });
    expect(claimed.action).toBe('hold');
    expect(claimed.reason).toContain('Lift recommends shipping it, but the scorecard does not bear it out');
    const recalled = gate(
      [purchase(WINNING_PURCHASE), addToCart(OK_CART), serverError(OK_ERRORS)],
      {},
      {
        decision: { recommendation: 'rollback', variant: 'v2', reason: 'Latency is harmed for v2.' },
      },
    );
    expect(recalled).toMatchObject({
      action: 'rollback',
      reason: 'Lift recommends a rollback: Latency is harmed for v2.',
    });
  });

  it('a smaller alpha makes the gate stricter, never looser', () => {
    const specs = [
      { ...purchase(0), arms: arms(20_000, { v1: 2000, v2: 2300 }) },
      { ...addToCart(0), arms: arms(20_000, { v1: 6000, v2: 6000 }) },
    ];
    const scorecard = scorecardOf('exp', specs, { decision: { recommendation: 'ship', variant: 'v2', reason: '' } });
    const decision = decideGate(readScorecard(scorecard), { alpha: 1e-12 });
    expect(decision.action).toBe('hold');
    expect(decision.reason).toContain('not below 1e-12');
  });

  it('promotes the treatment Lift picks among several, once the scorecard bears it out', () => {
    const three: MetricSpec[] = [
      { metric: 'purchase', role: 'primary', arms: arms(UNITS, { v1: 200_000, v2: 210_000, v3: 220_000 }) },
      {
        metric: 'server-error',
        role: 'guardrail',
        direction: 'decrease',
        arms: arms(UNITS, { v1: 40_000, v2: 40_800, v3: 39_500 }),
      },
    ];
    const ship = (variant: string) => ({ decision: { recommendation: 'ship', variant, reason: '' } });
    expect(gate(three, {}, ship('v3'))).toMatchObject({ action: 'promote', variant: 'v3' });
    expect(gate(three, {}, ship('v2'))).toMatchObject({ action: 'hold', figures: { variant: 'v2' } });
  });
});

describe('readScorecard', () => {
  const good = () =>
    scorecardOf('exp', [purchase(WINNING_PURCHASE), serverError(OK_ERRORS)]) as {
      metrics: { [key: string]: unknown }[];
    };

  it('refuses a metric without a direction, or a guardrail without a status, naming the field', () => {
    const noDirection = good();
    delete (noDirection.metrics[1] as { direction?: unknown }).direction;
    expect(() => readScorecard(noDirection)).toThrow(
      'scorecard metrics[1].direction: must be one of increase, decrease',
    );
    const noStatus = good();
    delete ((noStatus.metrics[1]?.['variants'] as { guardrail?: unknown }[])[1] as { guardrail?: unknown }).guardrail;
    expect(() => readScorecard(noStatus)).toThrow('scorecard metrics[1].variants[1].guardrail: must be an object');
  });
});

describe('promotion and rollback', () => {
  const canary = experimentOf({ routing: { mode: 'canary', steps: [5, 25, 100] } });
  it('advances a canary step by step, then sends everything to the winner', () => {
    expect(promotion(canary, canary.routing!, 'treatment')).toMatchObject({
      routing: { steps: [25, 100] },
      summary: 'canary step 5% -> 25%',
    });
    const last = experimentOf({ routing: { mode: 'canary', steps: [100] } });
    expect(promotion(last, last.routing!, 'treatment')).toMatchObject({
      routing: { steps: [100], active: 'treatment' },
    });
  });

  it('switches blue-green to the winner and back on rollback, pausing the experiment', () => {
    const blueGreen = experimentOf({ routing: { mode: 'blue-green' } });
    expect(promotion(blueGreen, blueGreen.routing!, 'treatment').routing?.active).toBe('treatment');
    const switched = experimentOf({ routing: { mode: 'blue-green', active: 'treatment' } });
    expect(rollback(switched, switched.routing!)).toMatchObject({ routing: { active: 'control' }, isPausing: true });
  });

  it('has nothing to promote for ab and mirror, and holds on hold', () => {
    const ab = experimentOf();
    expect(promotion(ab, ab.routing!, 'treatment').routing).toBeNull();
    expect(changeFor(ab, ab.routing!, { action: 'hold', reason: '', figures: {} })).toEqual({
      routing: null,
      isPausing: false,
      summary: 'hold',
    });
    expect(rollback(ab, ab.routing!)).toEqual({
      routing: null,
      isPausing: true,
      summary: 'rollback: all traffic to control, experiment paused',
    });
  });
});
