import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { VirtualService } from '../../../packages/istio-sync/src/istio-types.js';
import { FakeKubeApi } from '../../../packages/istio-sync/test/support/fake-kube-api.js';
import { FakeLiftServer } from '../../../packages/istio-sync/test/support/fake-lift-server.js';
import { arms, scorecardOf, type MetricSpec } from '../../../packages/istio-sync/test/support/scorecards.js';

/**
 * Runs the canary job's gate step of release.yml, as GitHub would (`bash -e` in the repository's
 * root, the workflow's and the job's environment), against a fake Lift on 127.0.0.1 and a fake
 * Kubernetes API, with `lift-istio` on PATH running the CLI's sources. Looks are shortened by the
 * workflow's own variables; nothing else of the step is changed.
 */

interface Step {
  readonly name?: string;
  readonly run?: string;
}
interface Job {
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly env: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const HERE = new URL('../', import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('../../', HERE));
const workflow = parse(readFileSync(new URL('release.yml', HERE), 'utf8')) as Workflow;
const canaryJob = workflow.jobs['canary'] as Job;
const gateStep = canaryJob.steps.find((step) => step.name?.startsWith('Gate:') === true);
const canaryFile = new URL('../kubernetes/experiments/2-canary.json', HERE);
const canary = (JSON.parse(readFileSync(canaryFile, 'utf8')) as { experiments: Record<string, unknown>[] })
  .experiments[0] as Record<string, unknown>;
const STEP_TIMEOUT_MS = 150_000;
const UNITS = 5000;

const folder = mkdtempSync(join(tmpdir(), 'lift-pipeline-'));
let lift: FakeLiftServer;
let kube: FakeKubeApi;

/** `lift-istio` on PATH: the CLI's TypeScript sources under tsx, so the test needs no build. */
function installLiftIstio(): string {
  const bin = join(folder, 'bin');
  mkdirSync(bin, { recursive: true });
  const cli = join(REPO_ROOT, 'packages/istio-sync/src/cli.ts');
  const shim = join(bin, 'lift-istio');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${cli}" "$@"\n`);
  chmodSync(shim, 0o755);
  return bin;
}

interface StepRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: string;
}

async function runGateStep(): Promise<StepRun> {
  const run = gateStep?.run;
  if (run === undefined) throw new Error('release.yml: the canary job has no "Gate: ..." step with a run: script');
  const script = join(folder, 'canary-gate.sh');
  writeFileSync(script, run);
  const summaryFile = join(folder, `summary-${Date.now()}.md`);
  writeFileSync(summaryFile, '');
  const kubeconfig = join(folder, 'kubeconfig.json');
  writeFileSync(kubeconfig, kube.kubeConfig().exportConfig());
  const env = {
    PATH: `${installLiftIstio()}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: folder,
    ...workflow.env,
    ...canaryJob.env,
    LIFT_URL: lift.url,
    LIFT_API_KEY: lift.apiKey,
    KUBECONFIG: kubeconfig,
    GITHUB_STEP_SUMMARY: summaryFile,
    TSX_TSCONFIG_PATH: join(REPO_ROOT, 'packages/istio-sync/tsconfig.json'),
    // The workflow's own knobs, shortened: no pause between looks, one look per canary step.
    LOOK_EVERY_SECONDS: '0',
    CANARY_LOOKS_PER_STEP: '1',
  };
  const child = spawn('bash', ['--noprofile', '--norc', '-e', script], { cwd: REPO_ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr, summary: readFileSync(summaryFile, 'utf8') };
}

function serveScorecard(metrics: { purchase: number; addToCart: number; serverError: number }): void {
  const specs: MetricSpec[] = [
    { metric: 'purchase', role: 'primary', arms: arms(UNITS, { v1: 500, v2: metrics.purchase }) },
    { metric: 'add-to-cart', role: 'guardrail', arms: arms(UNITS, { v1: 1500, v2: metrics.addToCart }) },
    {
      metric: 'server-error',
      role: 'guardrail',
      direction: 'decrease',
      arms: arms(UNITS, { v1: 100, v2: metrics.serverError }),
    },
  ];
  lift.scorecards.set('shop-v2-canary', scorecardOf('shop-v2-canary', specs));
}

/** The subsets the shop's VirtualService sends traffic to (weight 0 excluded). */
function routedSubsets(): string[] {
  const vs = kube.objects.get('virtualservices/acme/lift-shop') as unknown as VirtualService | undefined;
  return [
    ...new Set(
      (vs?.spec.http ?? []).flatMap((route) =>
        route.route
          .filter((destination) => destination.weight === undefined || destination.weight > 0)
          .map((destination) => destination.destination.subset ?? ''),
      ),
    ),
  ].sort();
}

const patches = () => lift.requests.filter((request) => request.method === 'PATCH');
const pauses = () => lift.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/pause'));

beforeAll(async () => {
  lift = await new FakeLiftServer().start();
  kube = await new FakeKubeApi().start();
});
afterAll(async () => {
  await lift.stop();
  await kube.stop();
});
beforeEach(() => {
  lift.experiments = [structuredClone(canary)];
  lift.requests.length = 0;
  lift.scorecards.clear();
  kube.objects.clear();
});

describe("release.yml's canary gate, run", () => {
  it('is a plain script of the workflow: no GitHub expression to substitute, bounded by the workflow variables', () => {
    expect(gateStep?.run).toBeDefined();
    expect(gateStep?.run).not.toContain('${{');
    expect(gateStep?.run).toContain('$CANARY_LOOKS_PER_STEP');
    const steps = (canary['routing'] as { steps: number[] }).steps;
    // One promotion per step after the first, and one past the last to send everything to v2.
    expect(Number(workflow.env['CANARY_PROMOTIONS'])).toBe(steps.length);
  });

  it(
    'rolls back, and never promotes, when server-error (lower is better) triples for v2 from 2% to 6%',
    async () => {
      serveScorecard({ purchase: 505, addToCart: 1490, serverError: 300 });
      const result = await runGateStep();
      expect(result.code, result.stderr).toBe(1);
      expect(patches()).toEqual([]);
      expect(pauses()).toHaveLength(1);
      expect(lift.experiments[0]?.['status']).toBe('paused');
      expect(result.stderr).toContain('"decision":"rollback","reason":"guardrail server-error is harmed for v2');
      expect(result.summary).toBe('shop-v2-canary: rolled back (the gate found harm)\n');
      expect(routedSubsets()).toEqual(['shop-v2-canary-v1']);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'rolls back when the looks end on a v2 shown losing on purchases: --force refuses it',
    async () => {
      serveScorecard({ purchase: 380, addToCart: 1490, serverError: 104 });
      const result = await runGateStep();
      expect(result.code, result.stderr).toBe(1);
      expect(patches()).toEqual([]);
      expect(lift.experiments[0]?.['status']).toBe('paused');
      expect(result.stderr).toContain('refused: --force promotes only where no harm is shown: cannot force v2');
      expect(result.summary).toBe('shop-v2-canary: rolled back (no promotion without harm shown was possible)\n');
      expect(routedSubsets()).toEqual(['shop-v2-canary-v1']);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'promotes step by step to all traffic on v2 when no harm is shown (guardrails pending)',
    async () => {
      serveScorecard({ purchase: 505, addToCart: 1490, serverError: 104 });
      const result = await runGateStep();
      expect(result.code, result.stderr).toBe(0);
      expect(patches()).toHaveLength(3);
      expect(pauses()).toEqual([]);
      expect(lift.experiments[0]).toMatchObject({ status: 'running', routing: { steps: [100], active: 'v2' } });
      expect(result.summary.trimEnd().split('\n')).toEqual(
        [1, 2, 3].map((step) => `shop-v2-canary: promotion ${step} of 3: no harm shown in 1 looks`),
      );
      expect(routedSubsets()).toEqual(['shop-v2-canary-v2']);
    },
    STEP_TIMEOUT_MS,
  );
});
