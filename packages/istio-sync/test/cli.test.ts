import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-commands.js';
import type { CliIo } from '../src/cli-io.js';
import { KubernetesCluster } from '../src/cluster.js';
import { FakeKubeApi } from './support/fake-kube-api.js';
import { FakeLiftServer } from './support/fake-lift-server.js';
import { arms, scorecardOf, type MetricSpec } from './support/scorecards.js';
import { SCHEMA_DIR } from './support/schemas.js';

const golden = (file: string) => new URL(`./golden/${file}`, import.meta.url);
let kube: FakeKubeApi;
let lift: FakeLiftServer;
const folder = mkdtempSync(join(tmpdir(), 'lift-istio-cli-'));

async function run(argv: readonly string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => stdin,
    env: { LIFT_API_KEY: lift.apiKey },
    makeCluster: () => new KubernetesCluster(kube.kubeConfig()),
    schemaDir: SCHEMA_DIR,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  kube = await new FakeKubeApi().start();
  lift = await new FakeLiftServer().start();
});
afterAll(async () => {
  await kube.stop();
  await lift.stop();
});
beforeEach(() => {
  kube.objects.clear();
  kube.requests.length = 0;
  lift.requests.length = 0;
  lift.scorecards.clear();
  lift.hasScorecardRoute = true;
});

const talkInput = () => readFileSync(golden('talk-ios-north-carolina.json'), 'utf8');

describe('lift-istio CLI', () => {
  it('render --from file prints the golden YAML', async () => {
    const result = await run(['render', '--from', golden('talk-ios-north-carolina.json').pathname]);
    expect(result).toEqual({
      code: 0,
      stdout: readFileSync(golden('talk-ios-north-carolina.yaml'), 'utf8'),
      stderr: '',
    });
  });

  it('render --from - reads stdin; render --from <server-url> pages through the server', async () => {
    expect((await run(['render', '--from', '-'], talkInput())).stdout).toBe(
      readFileSync(golden('talk-ios-north-carolina.yaml'), 'utf8'),
    );
    lift.experiments = (JSON.parse(talkInput()) as { experiments: Record<string, unknown>[] }).experiments;
    const fromServer = await run(['render', '--from', lift.url]);
    expect(fromServer.stdout).toBe(readFileSync(golden('talk-ios-north-carolina.yaml'), 'utf8'));
    expect(lift.requests[0]?.headers.authorization).toBe(`Bearer ${lift.apiKey}`);
  });

  it('render exits 1 naming the experiment and field of unroutable input', async () => {
    const input = JSON.parse(talkInput()) as { experiments: { targeting: unknown }[] };
    (input.experiments[0] as { targeting: unknown }).targeting = { platform: { $regex: '^(?!Android)' } };
    const result = await run(['render', '--from', '-'], JSON.stringify(input));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: experiment "reviews-v2" targeting.platform.$regex: "^(?!Android)" is not an RE2 regex (no look-around or back-references)\n',
    );
  });

  it('validate passes the golden files and fails bad documents with exit 1', async () => {
    expect((await run(['validate', golden('edge-bucketing.yaml').pathname])).code).toBe(0);
    const bad =
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs, namespace: ns}\nspec:\n  hosts: [web]\n  http:\n  - match: [{headers: {X-Beta: {regex: "(?<=a)b"}}}]\n    route: [{destination: {host: web}, weight: -3}]\n';
    const result = await run(['validate', '-'], bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('header name "X-Beta" must be lower-case');
    expect(result.stderr).toContain('is not an RE2 regex');
    expect(result.stderr).toContain('weight -3 is negative');
  });

  it('apply --dry-run, apply, diff and prune against the fake API server', async () => {
    const file = join(folder, 'experiments.json');
    writeFileSync(file, talkInput());
    const dry = await run(['apply', '--from', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('2 applied, 0 pruned, 0 unchanged (dry run)\n');
    expect(kube.objects.size).toBe(0);
    expect(kube.writes().every((request) => request.query.get('dryRun') === 'All')).toBe(true);

    expect((await run(['apply', '--from', file])).stderr).toBe('2 applied, 0 pruned, 0 unchanged\n');
    const diff = await run(['diff', '--from', file, '--exit-code']);
    expect(diff).toMatchObject({ code: 0, stderr: '0 to apply, 0 to prune, 2 unchanged\n' });

    const input = JSON.parse(talkInput()) as { experiments: { targeting: unknown }[] };
    (input.experiments[0] as { targeting: unknown }).targeting = { platform: 'iOS', region: 'SC' };
    writeFileSync(file, JSON.stringify(input));
    const changed = await run(['diff', '--from', file, '--exit-code']);
    expect(changed.code).toBe(3);
    expect(changed.stdout).toContain(
      '~ VirtualService bookinfo/lift-reviews\n  spec.http[2].match[0].headers.x-region.exact:\n    - "NC"\n    + "SC"\n',
    );

    const ended = JSON.parse(talkInput()) as { experiments: { status: string }[] };
    (ended.experiments[0] as { status: string }).status = 'stopped';
    writeFileSync(file, JSON.stringify(ended));
    const prune = await run(['prune', '--from', file]);
    expect(prune.stdout).toContain('- VirtualService bookinfo/lift-reviews (experiments ended: reviews-v2@3)');
    expect(kube.objects.size).toBe(0);
  });

  it('promote is gated by the scorecard; rollback pauses', async () => {
    const experiment = {
      key: 'payments',
      status: 'running',
      version: 2,
      variants: [
        { key: 'control', weight: 5000 },
        { key: 'treatment', weight: 5000 },
      ],
      metrics: { primary: 'purchase', guardrails: [] },
      routing: {
        host: 'payments',
        namespace: 'shop',
        mode: 'blue-green',
        subsets: { control: { v: '1' }, treatment: { v: '2' } },
      },
    };
    const purchase = (treatment: number): MetricSpec => ({
      metric: 'purchase',
      role: 'primary',
      arms: arms(5000, { control: 500, treatment }),
    });
    lift.experiments = [structuredClone(experiment)];
    lift.scorecards.set('payments', scorecardOf('payments', [purchase(510)]));
    const refused = await run(['promote', 'payments', '--from', lift.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"decision":"hold"');
    expect(refused.stderr).toContain('refused: the gate holds');

    lift.scorecards.set('payments', scorecardOf('payments', [purchase(650)]));
    const promoted = await run(['promote', 'payments', '--from', lift.url]);
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      decision: 'promote',
      action: 'blue-green switch control -> treatment',
      figures: { metric: 'purchase', verdict: 'winning' },
    });
    expect(lift.experiments[0]).toMatchObject({ version: 3, routing: { active: 'treatment' } });

    const rolledBack = await run(['rollback', 'payments', '--from', lift.url]);
    expect(rolledBack.code).toBe(0);
    expect(lift.experiments[0]).toMatchObject({ status: 'paused', routing: { active: 'control' } });
  });

  it('usage errors exit 2', async () => {
    expect((await run(['render'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['render', '--bogus'])).code).toBe(2);
    expect((await run(['--help'])).code).toBe(0);
  });
});

describe('lift-istio promote over a canary', () => {
  const canary = {
    key: 'shop-v2-canary',
    status: 'running',
    version: 7,
    variants: [
      { key: 'v1', weight: 5000 },
      { key: 'v2', weight: 5000 },
    ],
    metrics: { primary: 'purchase', guardrails: ['server-error'] },
    routing: {
      host: 'shop',
      namespace: 'acme',
      mode: 'canary',
      subsets: { v1: { version: 'v1' }, v2: { version: 'v2' } },
      steps: [10, 50, 100],
    },
  };
  const UNITS = 2_000_000;
  const purchase = (v2: number, direction: 'increase' | 'decrease' = 'increase'): MetricSpec => ({
    metric: direction === 'increase' ? 'purchase' : 'refund',
    role: 'primary',
    direction,
    arms: arms(UNITS, { v1: 200_000, v2 }),
  });
  const serverError = (v2: number, units = UNITS): MetricSpec => ({
    metric: 'server-error',
    role: 'guardrail',
    direction: 'decrease',
    arms: arms(units, { v1: units / 50, v2 }),
  });
  const promote = (...flags: string[]) => run(['promote', 'shop-v2-canary', '--from', lift.url, ...flags]);
  const patches = () => lift.requests.filter((request) => request.method === 'PATCH');

  beforeEach(() => {
    lift.experiments = [structuredClone(canary)];
  });

  it('refuses, even with --force, when server-error (lower is better) triples from 2% to 6%', async () => {
    lift.scorecards.set('shop-v2-canary', scorecardOf('shop-v2-canary', [purchase(201_000), serverError(300, 5000)]));
    for (const flags of [[], ['--force'], ['--force', '--variant', 'v2']]) {
      const result = await promote(...flags);
      expect(result.code, flags.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      const [decision, refusal] = result.stderr.trimEnd().split('\n');
      expect(JSON.parse(decision ?? '')).toMatchObject({
        decision: 'rollback',
        figures: { metric: 'server-error', variant: 'v2', direction: 'decrease', guardrailStatus: 'harmed' },
      });
      expect(JSON.parse(decision ?? '').reason).toMatch(
        /^guardrail server-error is harmed for v2 \(lower is better; relative lift \+200\.0%, sequential interval \[/,
      );
      expect(refusal).toBe(
        'refused: the scorecard calls for a rollback; no promotion passes a sample ratio mismatch or a harmed guardrail, --force included',
      );
    }
    expect(patches()).toEqual([]);
  });

  it('holds on a pending guardrail, and --force promotes the step (no harm shown)', async () => {
    lift.scorecards.set('shop-v2-canary', scorecardOf('shop-v2-canary', [purchase(220_000), serverError(40_800)]));
    const held = await promote();
    expect(held.code).toBe(1);
    expect(held.stderr).toContain('"reason":"v2: waiting for guardrail server-error (pending)"');
    expect(patches()).toEqual([]);
    const forced = await promote('--force');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      decision: 'promote',
      reason: 'forced by an operator over: v2: waiting for guardrail server-error (pending)',
      action: 'canary step 10% -> 50%',
    });
    expect(lift.experiments[0]).toMatchObject({ version: 8, routing: { steps: [50, 100] } });
  });

  it('refuses --force on a sample ratio mismatch', async () => {
    lift.scorecards.set(
      'shop-v2-canary',
      scorecardOf('shop-v2-canary', [purchase(220_000), serverError(39_600)], { srmOk: false }),
    );
    const result = await promote('--force');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"decision":"rollback","reason":"sample ratio mismatch');
    expect(patches()).toEqual([]);
  });

  it('refuses --force for a treatment losing on its primary', async () => {
    lift.scorecards.set('shop-v2-canary', scorecardOf('shop-v2-canary', [purchase(190_000), serverError(40_800)]));
    const result = await promote('--force');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'refused: --force promotes only where no harm is shown: cannot force v2: it is losing on purchase',
    );
    expect(patches()).toEqual([]);
  });

  it('promotes a winning primary with ok guardrails, in either direction', async () => {
    lift.scorecards.set('shop-v2-canary', scorecardOf('shop-v2-canary', [purchase(220_000), serverError(39_600)]));
    expect(JSON.parse((await promote()).stdout)).toMatchObject({
      decision: 'promote',
      action: 'canary step 10% -> 50%',
    });
    // Fewer refunds: a decrease-direction primary wins by falling.
    lift.experiments = [structuredClone(canary)];
    lift.scorecards.set(
      'shop-v2-canary',
      scorecardOf('shop-v2-canary', [purchase(160_000, 'decrease'), serverError(39_600)]),
    );
    const fewerRefunds = await promote();
    expect(fewerRefunds.code).toBe(0);
    expect(JSON.parse(fewerRefunds.stdout)).toMatchObject({
      decision: 'promote',
      figures: { metric: 'refund', direction: 'decrease', verdict: 'winning' },
    });
  });

  it('fails clearly against a Lift without the scorecard, and names a --variant that is no treatment', async () => {
    lift.hasScorecardRoute = false;
    const older = await promote('--force');
    expect(older.code).toBe(1);
    expect(older.stderr).toContain(
      'error: this Lift server has no scorecard: it answered 404 to GET /v1/experiments/shop-v2-canary/scorecard',
    );
    lift.hasScorecardRoute = true;
    const wrong = await promote('--force', '--variant', 'v1');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--variant: "v1" is not a treatment of shop-v2-canary (treatments: v2)');
  });
});
