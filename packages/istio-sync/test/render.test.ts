import { describe, expect, it } from 'vitest';
import { readExperiments, RoutingError } from '../src/experiment-input.js';
import type { VirtualService } from '../src/istio-types.js';
import { renderResources } from '../src/render.js';
import { experimentOf } from './support/experiments.js';

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof RoutingError)
      return error.issues.map((issue) => `${issue.experiment} ${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a RoutingError');
}

function virtualService(resources: ReturnType<typeof renderResources>): VirtualService {
  const found = resources.find((resource): resource is VirtualService => resource.kind === 'VirtualService');
  if (found === undefined) throw new Error('no VirtualService');
  return found;
}

describe('renderResources', () => {
  it('refuses a non-RE2 regex (look-around, back-reference) before it reaches a cluster, naming experiment and field', () => {
    expect(
      issuesOf(() => renderResources([experimentOf({ targeting: { platform: { $regex: '^(?!Android)' } } })])),
    ).toEqual([
      'exp targeting.platform.$regex: "^(?!Android)" is not an RE2 regex (no look-around or back-references)',
    ]);
    expect(
      issuesOf(() => renderResources([experimentOf({ targeting: { platform: { $regex: '(a)\\1' } } })]))[0],
    ).toContain('is not an RE2 regex');
  });

  it('names a condition that cannot be a header match', () => {
    expect(issuesOf(() => renderResources([experimentOf({ targeting: { appVersion: { $vgte: '2.1.0' } } })]))).toEqual([
      'exp targeting.appVersion: attribute "appVersion" has no header in routing.headers',
    ]);
    expect(issuesOf(() => renderResources([experimentOf({ targeting: { region: { $gt: 'A' } } })]))).toEqual([
      'exp targeting.region.$gt: $gt cannot be a header match (use $eq, $in, $regex, $exists, $and, $or)',
    ]);
    expect(
      issuesOf(() => renderResources([experimentOf({ targeting: { $nor: [{ platform: 'iOS' }] } })]))[0],
    ).toContain('$nor cannot be a header match');
  });

  it('refuses overlapping matches of two experiments on one host, naming both', () => {
    const a = experimentOf({ key: 'a', targeting: { platform: 'iOS' } });
    const b = experimentOf({ key: 'b', targeting: { region: 'NC' } });
    expect(issuesOf(() => renderResources([a, b]))).toEqual([
      'b targeting: its header matches overlap those of experiment "a" on host web: one request could match both',
    ]);
  });

  it('accepts provably disjoint matches ($in sets without common values)', () => {
    const a = experimentOf({ key: 'a', targeting: { region: { $in: ['NC', 'SC'] } } });
    const b = experimentOf({ key: 'b', targeting: { region: { $in: ['CA', 'OR'] } } });
    expect(renderResources([a, b]).map((resource) => resource.kind)).toEqual(['DestinationRule', 'VirtualService']);
  });

  it('decides literal-against-regex overlaps exactly', () => {
    const apple = experimentOf({ key: 'a', targeting: { platform: { $regex: '^i(OS|PadOS)$' } } });
    const android = experimentOf({ key: 'b', targeting: { platform: { $in: ['Android', 'HarmonyOS'] } } });
    expect(renderResources([apple, android]).map((resource) => resource.kind)).toEqual([
      'DestinationRule',
      'VirtualService',
    ]);
    const ipad = experimentOf({ key: 'c', targeting: { platform: 'iPadOS' } });
    expect(issuesOf(() => renderResources([apple, ipad]))[0]).toContain(
      'its header matches overlap those of experiment "a"',
    );
  });

  it('refuses two experiments whose defaults differ on one host', () => {
    const ab = experimentOf({ key: 'a', targeting: { platform: 'iOS' } });
    const canary = experimentOf({
      key: 'c',
      routing: { mode: 'canary', subsets: { control: { version: 'v1' }, treatment: { version: 'v3' } } },
    });
    expect(issuesOf(() => renderResources([ab, canary]))[0]).toContain(
      'its default route (everything not matched) differs from that of experiment "a"',
    );
  });

  it('orders variant-header routes, then the most specific matches, the default last', () => {
    const broad = experimentOf({ key: 'a-broad', targeting: { platform: 'Android' } });
    const narrow = experimentOf({ key: 'z-narrow', targeting: { platform: 'iOS', region: 'NC' } });
    const names = virtualService(renderResources([broad, narrow])).spec.http.map((route) => route.name);
    expect(names).toEqual([
      'a-broad-variant-control',
      'a-broad-variant-treatment',
      'z-narrow-variant-control',
      'z-narrow-variant-treatment',
      'z-narrow-match-0',
      'a-broad-match-0',
      'default',
    ]);
  });

  it('routes a paused experiment entirely to its control and drops stopped ones', () => {
    const paused = experimentOf({ status: 'paused', targeting: { platform: 'iOS' } });
    expect(virtualService(renderResources([paused])).spec.http).toEqual([
      { name: 'default', route: [{ destination: { host: 'web', subset: 'exp-control' } }] },
    ]);
    expect(renderResources([experimentOf({ status: 'stopped' })])).toEqual([]);
  });

  it('promotes a canary past its steps: everything to active', () => {
    const promoted = experimentOf({ routing: { mode: 'canary', steps: [100], active: 'treatment' } });
    expect(virtualService(renderResources([promoted])).spec.http).toEqual([
      { name: 'default', route: [{ destination: { host: 'web', subset: 'exp-treatment' } }] },
    ]);
  });

  it('reads the REST shape and names the experiment and field of bad input', () => {
    expect(() =>
      readExperiments({ experiments: [{ key: 'x', status: 'running', variants: [{ key: 'a', weight: 10_000 }] }] }),
    ).toThrow('experiment "x" variants: must list at least two variants (the first is the control)');
    const bad = {
      key: 'y',
      status: 'running',
      variants: [
        { key: 'a', weight: 5000 },
        { key: 'b', weight: 5000 },
      ],
      routing: { host: 'h', namespace: 'n', mode: 'ab', subsets: { a: { v: '1' } }, mirrorPercent: 101 },
    };
    expect(issuesOf(() => readExperiments({ experiments: [bad] }))).toEqual([
      'y routing.subsets: variant "b" has no subset (pod labels)',
      'y routing.mirrorPercent: must be an integer from 0 to 100',
    ]);
  });

  it('refuses $regex targeting for an edge-bucketed experiment (Lua has no RE2)', () => {
    const edge = experimentOf({
      targeting: { platform: { $regex: 'iOS|iPadOS' } },
      routing: { headers: { userId: 'x-user-id', platform: 'x-platform' } },
    });
    expect(issuesOf(() => renderResources([edge]))[0]).toContain('the edge filter cannot evaluate $regex');
  });
});
