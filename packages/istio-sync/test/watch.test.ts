import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAutoRollout } from '../src/auto-rollout.js';
import { KubernetesCluster } from '../src/cluster.js';
import { readExperiments } from '../src/experiment-input.js';
import type { VirtualService } from '../src/istio-types.js';
import { LiftApiClient } from '../src/lift-api-client.js';
import { watch } from '../src/watch.js';
import { FakeKubeApi } from './support/fake-kube-api.js';
import { FakeLiftServer } from './support/fake-lift-server.js';
import { arms, scorecardOf, type MetricSpec } from './support/scorecards.js';
import { sharedValidator } from './support/schemas.js';

let kube: FakeKubeApi;
let lift: FakeLiftServer;
let client: LiftApiClient;

function canary(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key: 'payments',
    status: 'running',
    version: 4,
    variants: [
      { key: 'control', weight: 5000 },
      { key: 'treatment', weight: 5000 },
    ],
    coverage: 10000,
    unitAttribute: 'userId',
    salt: null,
    targeting: {},
    layer: null,
    overrides: {},
    metrics: { primary: 'purchase', guardrails: ['refunds'], conversionWindowHours: 168 },
    routing: {
      host: 'payments',
      namespace: 'shop',
      mode: 'canary',
      subsets: { control: { version: 'v1' }, treatment: { version: 'v2' } },
      steps: [10, 50, 100],
    },
    ...overrides,
  };
}

const UNITS = 2_000_000;
const PURCHASE_WINNING = 220_000;
const purchase = (treatment: number): MetricSpec => ({
  metric: 'purchase',
  role: 'primary',
  arms: arms(UNITS, { control: 200_000, treatment }),
});
/** Refunds: fewer are better. */
const refunds = (treatment: number): MetricSpec => ({
  metric: 'refunds',
  role: 'guardrail',
  direction: 'decrease',
  arms: arms(UNITS, { control: 40_000, treatment }),
});
const REFUNDS_OK = 39_600;
const REFUNDS_PENDING = 40_800;
const REFUNDS_TRIPLED = 120_000;

function setScorecard(specs: readonly MetricSpec[]): void {
  lift.scorecards.set('payments', scorecardOf('payments', specs));
}

function draft(key: string): Record<string, unknown> {
  return { ...canary(), key, status: 'draft' };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const weights = () =>
  (kube.objects.get('virtualservices/shop/lift-payments') as unknown as VirtualService | undefined)?.spec.http
    .at(-1)
    ?.route.map((route) => route.weight);

beforeAll(async () => {
  kube = await new FakeKubeApi().start();
  lift = await new FakeLiftServer().start();
  client = new LiftApiClient({ baseUrl: lift.url, apiKey: lift.apiKey });
});
afterAll(async () => {
  await lift.stop();
  await kube.stop();
});
beforeEach(() => {
  kube.objects.clear();
  kube.requests.length = 0;
  lift.requests.length = 0;
  lift.scorecards.clear();
  lift.hasScorecardRoute = true;
});

describe('LiftApiClient', () => {
  it('pages through every experiment with the admin key', async () => {
    lift.experiments = [canary(), draft('a'), draft('b'), draft('c'), draft('d')];
    const items = await client.listExperiments();
    expect(items.map((item) => (item as { key: string }).key)).toEqual(['payments', 'a', 'b', 'c', 'd']);
    expect(lift.requests.map((request) => request.query.get('cursor'))).toEqual([null, '2', '4']);
  });

  it('reads the scorecard, telling a missing experiment from a Lift without the route, and naming a malformed field', async () => {
    lift.experiments = [canary()];
    setScorecard([purchase(PURCHASE_WINNING), refunds(REFUNDS_OK)]);
    const scorecard = await client.scorecard('payments');
    expect(scorecard.metrics.map((metric) => [metric.metric, metric.role, metric.direction])).toEqual([
      ['purchase', 'primary', 'increase'],
      ['refunds', 'guardrail', 'decrease'],
    ]);
    const missing = client.scorecard('nope');
    await expect(missing).rejects.toThrow('GET /v1/experiments/nope/scorecard: 404 No experiment with key "nope".');
    await expect(missing).rejects.not.toThrow('predates');
    lift.scorecards.set('payments', { ...scorecardOf('payments', []), srm: { ok: 'yes' } });
    await expect(client.scorecard('payments')).rejects.toThrow(
      'GET /v1/experiments/payments/scorecard: scorecard srm.ok: must be a boolean',
    );
  });

  it('reports problem+json details', async () => {
    await expect(new LiftApiClient({ baseUrl: lift.url, apiKey: 'wrong' }).listExperiments()).rejects.toThrow(
      '401 Send an API key',
    );
  });
});

describe('auto rollout against a fake results server', () => {
  it('promotes a winning canary one step, conditional on the version it read, and logs the figures', async () => {
    lift.experiments = [canary()];
    setScorecard([purchase(PURCHASE_WINNING), refunds(REFUNDS_OK)]);
    const log: Record<string, unknown>[] = [];
    const clock = new Map<string, number>();
    const experiments = readExperiments(await client.listExperiments());
    const options = {
      stepIntervalMs: 60_000,
      now: () => 1_000_000,
      log: (entry: Record<string, unknown>) => log.push(entry),
    };
    expect(await runAutoRollout(experiments, client, clock, options)).toBe(true);
    const patch = lift.requests.find((request) => request.method === 'PATCH');
    expect(patch?.headers['if-match']).toBe('"4"');
    expect(JSON.parse(patch?.body ?? '{}')).toMatchObject({ routing: { steps: [50, 100] } });
    expect(log[0]).toMatchObject({
      experiment: 'payments',
      decision: 'promote',
      action: 'canary step 10% -> 50%',
      figures: { metric: 'purchase', verdict: 'winning', pendingGuardrails: [] },
    });

    // The next look within the step interval waits instead of racing through the steps.
    const again = readExperiments(await client.listExperiments());
    expect(await runAutoRollout(again, client, clock, options)).toBe(false);
    expect(log[1]).toMatchObject({ decision: 'promote', action: 'wait: last promotion less than 60s ago' });
  });

  it('rolls back (pauses) on a harmed guardrail: refunds tripled, though the lift is positive', async () => {
    lift.experiments = [canary()];
    setScorecard([purchase(PURCHASE_WINNING), refunds(REFUNDS_TRIPLED)]);
    const log: Record<string, unknown>[] = [];
    await runAutoRollout(readExperiments(await client.listExperiments()), client, new Map(), {
      stepIntervalMs: 0,
      log: (entry) => log.push(entry),
    });
    expect(lift.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([
      '/v1/experiments/payments/pause',
    ]);
    expect(lift.experiments[0]?.['status']).toBe('paused');
    expect(log[0]).toMatchObject({
      decision: 'rollback',
      figures: { metric: 'refunds', direction: 'decrease', guardrailStatus: 'harmed', verdict: 'losing' },
    });
    expect(String(log[0]?.['reason'])).toMatch(
      /^guardrail refunds is harmed for treatment \(lower is better; relative lift \+200\.0%/,
    );
  });

  it('never forces: a pending guardrail holds, whatever the primary, and nothing is written', async () => {
    lift.experiments = [canary()];
    setScorecard([purchase(PURCHASE_WINNING), refunds(REFUNDS_PENDING)]);
    const log: Record<string, unknown>[] = [];
    expect(
      await runAutoRollout(readExperiments(await client.listExperiments()), client, new Map(), {
        stepIntervalMs: 0,
        log: (entry) => log.push(entry),
      }),
    ).toBe(false);
    expect(lift.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(log[0]).toMatchObject({
      decision: 'hold',
      reason: 'treatment: waiting for guardrail refunds (pending)',
      action: 'hold',
    });
  });

  it('holds, and says why, when the scorecard cannot be read (a Lift that predates it)', async () => {
    lift.experiments = [canary()];
    lift.hasScorecardRoute = false;
    const log: Record<string, unknown>[] = [];
    expect(
      await runAutoRollout(readExperiments(await client.listExperiments()), client, new Map(), {
        stepIntervalMs: 0,
        log: (entry) => log.push(entry),
      }),
    ).toBe(false);
    expect(log[0]).toMatchObject({ decision: 'hold' });
    expect(String(log[0]?.['reason'])).toContain(
      'could not read the scorecard: this Lift server has no scorecard: it answered 404 to GET /v1/experiments/payments/scorecard',
    );
  });
});

describe('watch', () => {
  it('reconciles on connect and on every stream event, writes only real changes, reconnects with backoff', async () => {
    lift.experiments = [canary()];
    const controller = new AbortController();
    const log: Record<string, unknown>[] = [];
    const running = watch({
      client,
      cluster: new KubernetesCluster(kube.kubeConfig()),
      validator: sharedValidator(),
      signal: controller.signal,
      resyncMs: 60_000,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      log: (entry) => log.push(entry),
    });
    await until(() => weights() !== undefined);
    expect(weights()).toEqual([95, 5]);
    await until(() => log.some((entry) => entry['event'] === 'synced'));

    // An event with nothing changed: a pass runs, no write.
    const writesBefore = kube.writes().length;
    const syncedBefore = log.filter((entry) => entry['event'] === 'synced').length;
    lift.push();
    await until(() => log.filter((entry) => entry['event'] === 'synced').length > syncedBefore);
    expect(kube.writes().length).toBe(writesBefore);

    // The experiment moves to its next step in Lift: the stream says so, the mesh follows.
    (lift.experiments[0] as { routing: { steps: number[] } }).routing.steps = [50, 100];
    lift.push();
    await until(() => weights()?.[1] === 25);
    expect(weights()).toEqual([75, 25]);

    // The stream drops: watch reconnects and resyncs.
    const streamsSeen = lift.requests.filter((request) => request.path === '/v1/sdk/stream').length;
    lift.dropStreams();
    await until(() => lift.requests.filter((request) => request.path === '/v1/sdk/stream').length > streamsSeen);
    expect(log.some((entry) => entry['event'] === 'stream')).toBe(true);

    // Stopped in Lift: the resources are pruned.
    lift.experiments = [{ ...canary(), status: 'stopped' }];
    lift.push();
    await until(() => kube.objects.size === 0);
    controller.abort();
    await running;
  });

  it('with --auto, promotes a winning canary step by step and the mesh follows; a harmed guardrail sends everyone to the control', async () => {
    lift.experiments = [canary()];
    setScorecard([purchase(PURCHASE_WINNING), refunds(REFUNDS_OK)]);
    const controller = new AbortController();
    const log: Record<string, unknown>[] = [];
    const running = watch({
      client,
      cluster: new KubernetesCluster(kube.kubeConfig()),
      validator: sharedValidator(),
      signal: controller.signal,
      resyncMs: 60_000,
      isAuto: true,
      stepIntervalMs: 60_000,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      log: (entry) => log.push(entry),
    });
    // The first pass promotes 10% -> 50% before rendering, so the mesh starts at the new step.
    await until(() => weights()?.[1] === 25);
    expect(lift.experiments[0]).toMatchObject({ version: 5, routing: { steps: [50, 100] } });
    expect(log.find((entry) => entry['event'] === 'gate')).toMatchObject({
      decision: 'promote',
      action: 'canary step 10% -> 50%',
      figures: { metric: 'purchase', verdict: 'winning' },
    });

    setScorecard([purchase(PURCHASE_WINNING), refunds(REFUNDS_TRIPLED)]);
    lift.push();
    await until(() => weights()?.length === 1);
    expect(lift.experiments[0]?.['status']).toBe('paused');
    const vs = kube.objects.get('virtualservices/shop/lift-payments') as unknown as VirtualService;
    expect(vs.spec.http).toEqual([
      { name: 'default', route: [{ destination: { host: 'payments', subset: 'payments-control' } }] },
    ]);
    expect(log.some((entry) => entry['event'] === 'gate' && entry['decision'] === 'rollback')).toBe(true);
    controller.abort();
    await running;
  });
});
