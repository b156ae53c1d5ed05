import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAutoRollout } from '../src/auto-rollout.js';
import { KubernetesCluster } from '../src/cluster.js';
import { readExperiments } from '../src/experiment-input.js';
import type { VirtualService } from '../src/istio-types.js';
import { LiftApiClient } from '../src/lift-api-client.js';
import { watch } from '../src/watch.js';
import { FakeKubeApi } from './support/fake-kube-api.js';
import { FakeLiftServer, resultsOf } from './support/fake-lift-server.js';
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
  lift.results.clear();
});

describe('LiftApiClient', () => {
  it('pages through every experiment with the admin key', async () => {
    lift.experiments = [canary(), draft('a'), draft('b'), draft('c'), draft('d')];
    const items = await client.listExperiments();
    expect(items.map((item) => (item as { key: string }).key)).toEqual(['payments', 'a', 'b', 'c', 'd']);
    expect(lift.requests.map((request) => request.query.get('cursor'))).toEqual([null, '2', '4']);
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
    lift.setResults('payments', 'purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.004 }));
    lift.setResults('payments', 'refunds', resultsOf({ verdict: 'inconclusive', pValueSequential: 0.6 }));
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
      figures: { pValueSequential: 0.004, metric: 'purchase' },
    });

    // The next look within the step interval waits instead of racing through the steps.
    const again = readExperiments(await client.listExperiments());
    expect(await runAutoRollout(again, client, clock, options)).toBe(false);
    expect(log[1]).toMatchObject({ decision: 'promote', action: 'wait: last promotion less than 60s ago' });
  });

  it('rolls back (pauses) on a losing guardrail', async () => {
    lift.experiments = [canary()];
    lift.setResults('payments', 'purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.004 }));
    lift.setResults('payments', 'refunds', resultsOf({ verdict: 'losing', pValueSequential: 0.01 }));
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
      reason: 'guardrail refunds is losing for treatment',
      figures: { metric: 'refunds', verdict: 'losing' },
    });
  });

  it('holds, and says why, when results cannot be read', async () => {
    lift.experiments = [canary()];
    const log: Record<string, unknown>[] = [];
    expect(
      await runAutoRollout(readExperiments(await client.listExperiments()), client, new Map(), {
        stepIntervalMs: 0,
        log: (entry) => log.push(entry),
      }),
    ).toBe(false);
    expect(String(log[0]?.['reason'])).toContain('could not read results');
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

  it('with --auto, promotes a winning canary step by step and the mesh follows; a losing guardrail sends everyone to the control', async () => {
    lift.experiments = [canary()];
    lift.setResults('payments', 'purchase', resultsOf({ verdict: 'winning', pValueSequential: 0.001 }));
    lift.setResults('payments', 'refunds', resultsOf({ verdict: 'inconclusive', pValueSequential: 0.7 }));
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
      figures: { pValueSequential: 0.001 },
    });

    lift.setResults('payments', 'refunds', resultsOf({ verdict: 'losing', pValueSequential: 0.01 }));
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
