import { describe, expect, it } from 'vitest';
import { decideGate } from '../src/gate.js';
import type { ExperimentResults } from '../src/lift-api-client.js';
import { changeFor, promotion, rollback } from '../src/rollout.js';
import { experimentOf } from './support/experiments.js';
import { resultsOf } from './support/fake-lift-server.js';

const on = (metric: string, results: Omit<ExperimentResults, 'experiment' | 'metric'>): ExperimentResults => ({
  experiment: 'exp',
  metric,
  ...results,
});

describe('decideGate', () => {
  it('promotes a winning verdict whose sequential p-value is below alpha, with the figures', () => {
    const decision = decideGate(on('purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.01 })), []);
    expect(decision).toMatchObject({
      action: 'promote',
      variant: 'treatment',
      figures: { metric: 'purchase', pValueSequential: 0.01, liftRel: 0.2, verdict: 'winning' },
    });
  });

  it('holds a winning verdict whose sequential p-value is not below alpha', () => {
    expect(decideGate(on('purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.2 })), []).action).toBe(
      'hold',
    );
    expect(decideGate(on('purchase', resultsOf({ verdict: 'inconclusive', pValueSequential: 0.4 })), []).action).toBe(
      'hold',
    );
    expect(
      decideGate(on('purchase', resultsOf({ verdict: 'insufficient-data', pValueSequential: 1 })), []).action,
    ).toBe('hold');
  });

  it('rolls back on a sample ratio mismatch, even when winning', () => {
    const decision = decideGate(on('purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.001 }, false)), []);
    expect(decision).toMatchObject({ action: 'rollback', figures: { srmOk: false, srmChiSquare: 31.2 } });
  });

  it('rolls back on a losing guardrail, naming it', () => {
    const decision = decideGate(on('purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.001 })), [
      on('page-errors', resultsOf({ verdict: 'inconclusive', pValueSequential: 0.5 })),
      on('refunds', resultsOf({ verdict: 'losing', pValueSequential: 0.01 })),
    ]);
    expect(decision).toMatchObject({
      action: 'rollback',
      reason: 'guardrail refunds is losing for treatment',
      figures: { metric: 'refunds' },
    });
  });

  it('rolls back when the primary metric is losing for every treatment', () => {
    expect(decideGate(on('purchase', resultsOf({ verdict: 'losing', pValueSequential: 0.001 })), []).action).toBe(
      'rollback',
    );
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
