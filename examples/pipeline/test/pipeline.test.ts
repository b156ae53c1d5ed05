import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The release workflow's shape: jobs run in the talk's order (build, test, dark launch, canary,
 * A/B test, release), each stage only after the previous one passed, every gate decides with
 * lift-istio, and a failure anywhere rolls back.
 */

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
}
interface Job {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly environment?: string;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly concurrency: { readonly group: string; readonly 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

const HERE = new URL('../', import.meta.url);
const REPO_ROOT = new URL('../../', HERE);
const workflow = parse(readFileSync(new URL('release.yml', HERE), 'utf8')) as Workflow;
const STAGES = ['build', 'test', 'dark-launch', 'canary', 'ab-test', 'release'] as const;
const DEPLOYING = ['dark-launch', 'canary', 'ab-test', 'release'];

const needsOf = (job: string): string[] => {
  const needs = workflow.jobs[job]?.needs;
  return needs === undefined ? [] : typeof needs === 'string' ? [needs] : [...needs];
};

/** Every job `job` transitively waits for. */
function ancestors(job: string, seen = new Set<string>()): Set<string> {
  for (const parent of needsOf(job)) {
    if (!seen.has(parent)) {
      seen.add(parent);
      ancestors(parent, seen);
    }
  }
  return seen;
}

const gateSteps = (): { job: string; step: Step }[] =>
  Object.entries(workflow.jobs).flatMap(([job, definition]) =>
    definition.steps.filter((step) => step.name?.startsWith('Gate') === true).map((step) => ({ job, step })),
  );

describe('release pipeline', () => {
  it('has the stages of the talk, and only known jobs', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual([...STAGES, 'roll-back'].sort());
    for (const job of Object.keys(workflow.jobs))
      for (const parent of needsOf(job)) expect(Object.keys(workflow.jobs)).toContain(parent);
  });

  it('runs each stage only after every earlier one (the needs: graph orders them)', () => {
    STAGES.forEach((stage, index) => {
      const before = ancestors(stage);
      for (const earlier of STAGES.slice(0, index))
        expect(before.has(earlier), `${stage} waits for ${earlier}`).toBe(true);
      for (const later of STAGES.slice(index + 1))
        expect(before.has(later), `${stage} must not wait for ${later}`).toBe(false);
    });
  });

  it('has no cycle', () => {
    for (const job of Object.keys(workflow.jobs)) expect(ancestors(job).has(job), job).toBe(false);
  });

  it('gates the dark launch, the canary and the A/B test with lift-gate.sh, which decides with lift-istio', () => {
    const gates = gateSteps();
    expect(new Set(gates.map((gate) => gate.job))).toEqual(new Set(['dark-launch', 'canary', 'ab-test', 'roll-back']));
    const gateScript = readFileSync(new URL('lift-gate.sh', HERE), 'utf8');
    for (const { job, step } of gates) {
      if (job === 'roll-back') {
        expect(step.run, `${job}: ${step.name}`).toMatch(/\blift-istio rollback /);
        continue;
      }
      expect(step.run, `${job}: ${step.name}`).toMatch(/^\.\/examples\/pipeline\/lift-gate\.sh [\w-]+ v2 /);
      // Only the canary moves traffic; the dark launch and the A/B test watch.
      expect(step.run?.includes('--dry-run'), job).toBe(job !== 'canary');
    }
    expect(gateScript).toMatch(/\blift-istio promote "\$experiment"/);
    expect(gateScript).toMatch(/\blift-istio promote "\$experiment" .*--force --variant "\$variant"/);
    expect(gateScript).toMatch(/\blift-istio rollback "\$experiment"/);
  });

  it('moves traffic only through lift-istio and experiments: mirror first, then canary, then A/B', () => {
    const text = (job: string): string => workflow.jobs[job]?.steps.map((step) => step.run ?? '').join('\n') ?? '';
    expect(text('dark-launch')).toContain('experiments/1-dark-launch.json');
    expect(text('canary')).toContain('experiments/2-canary.json');
    expect(text('ab-test')).toContain('experiments/3-ab-test.json');
    for (const job of DEPLOYING) expect(text(job), job).toMatch(/lift-istio apply --from/);
  });

  it('rolls everything back when any deploying stage fails or is cancelled', () => {
    const rollBack = workflow.jobs['roll-back'];
    expect(rollBack?.if).toMatch(/failure\(\)/);
    expect(rollBack?.if).toMatch(/cancelled\(\)/);
    expect(new Set(needsOf('roll-back'))).toEqual(new Set(DEPLOYING));
  });

  it('deploys through a protected environment, one release at a time', () => {
    for (const job of [...DEPLOYING, 'roll-back']) expect(workflow.jobs[job]?.environment, job).toBe('production');
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
  });

  it('pins every action to a major version and uses only files that exist', () => {
    for (const [job, definition] of Object.entries(workflow.jobs)) {
      for (const step of definition.steps) {
        if (step.uses === undefined) continue;
        if (step.uses.startsWith('./'))
          expect(existsSync(new URL(`${step.uses.slice(2)}/action.yml`, REPO_ROOT)), `${job}: ${step.uses}`).toBe(true);
        else expect(step.uses, job).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
      }
      for (const file of definition.steps
        .map((step) => step.run ?? '')
        .join('\n')
        .match(/(?:\.\/)?examples\/[\w./-]+\.(?:json|sh|yaml)/g) ?? []) {
        expect(existsSync(new URL(file.replace(/^\.\//, ''), REPO_ROOT)), `${job}: ${file}`).toBe(true);
      }
    }
  });
});
