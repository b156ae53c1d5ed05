import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../src/cluster.js';
import type { VirtualService } from '../src/istio-types.js';
import { reconcile } from '../src/reconcile.js';
import { renderResources } from '../src/render.js';
import { syncOnce } from '../src/sync.js';
import { sharedValidator } from './support/schemas.js';
import { experimentOf } from './support/experiments.js';
import { FakeKubeApi } from './support/fake-kube-api.js';

let api: FakeKubeApi;
let cluster: KubernetesCluster;

beforeAll(async () => {
  api = await new FakeKubeApi().start();
  cluster = new KubernetesCluster(api.kubeConfig());
});
afterAll(async () => api.stop());
beforeEach(() => {
  api.objects.clear();
  api.requests.length = 0;
});

const ios = experimentOf({ key: 'ios', targeting: { platform: 'iOS' } });

describe('reconcile against a fake API server', () => {
  it('creates with server-side apply: apply-patch content type, field manager, force', async () => {
    const report = await reconcile(renderResources([ios]), cluster, { isApplying: true });
    expect(report.applied).toEqual(['DestinationRule shop/lift-web', 'VirtualService shop/lift-web']);
    const patches = api.writes();
    expect(
      patches.map((request) => [
        request.method,
        request.path,
        request.contentType,
        request.query.get('fieldManager'),
        request.query.get('force'),
        request.query.get('dryRun'),
      ]),
    ).toEqual([
      [
        'PATCH',
        '/apis/networking.istio.io/v1/namespaces/shop/destinationrules/lift-web',
        'application/apply-patch+yaml',
        'lift-istio-sync',
        'true',
        null,
      ],
      [
        'PATCH',
        '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/lift-web',
        'application/apply-patch+yaml',
        'lift-istio-sync',
        'true',
        null,
      ],
    ]);
    const stored = api.objects.get('virtualservices/shop/lift-web') as unknown as VirtualService;
    expect(stored.spec.http.map((route) => route.name)).toEqual([
      'ios-variant-control',
      'ios-variant-treatment',
      'ios-match-0',
      'default',
    ]);
  });

  it('writes nothing when the diff is empty', async () => {
    await reconcile(renderResources([ios]), cluster, { isApplying: true });
    api.requests.length = 0;
    const report = await reconcile(renderResources([ios]), cluster, { isApplying: true, isPruning: true });
    expect(report.diffs.map((diff) => diff.action)).toEqual(['unchanged', 'unchanged']);
    expect(api.writes()).toEqual([]);
  });

  it('ignores fields it does not own (another manager adds an annotation and spec.exportTo)', async () => {
    await reconcile(renderResources([ios]), cluster, { isApplying: true });
    api.edit('virtualservices', 'shop', 'lift-web', (object) => {
      (object['metadata'] as { annotations: Record<string, string> }).annotations['team.example.com/owner'] = 'growth';
      (object['spec'] as Record<string, unknown>)['exportTo'] = ['.'];
    });
    api.requests.length = 0;
    const report = await reconcile(renderResources([ios]), cluster, { isApplying: true });
    expect(report.diffs.every((diff) => diff.action === 'unchanged')).toBe(true);
    expect(api.writes()).toEqual([]);
  });

  it('re-applies a field it owns that someone changed, and drops fields it stopped applying', async () => {
    await reconcile(renderResources([ios]), cluster, { isApplying: true });
    api.edit('virtualservices', 'shop', 'lift-web', (object) => {
      (object['spec'] as { hosts: string[] }).hosts = ['hijacked'];
    });
    const report = await reconcile(renderResources([ios]), cluster, { isApplying: true });
    expect(
      report.diffs
        .find((diff) => diff.desired.kind === 'VirtualService')
        ?.differences.map((difference) => difference.path),
    ).toEqual(['spec.hosts']);
    expect((api.objects.get('virtualservices/shop/lift-web') as unknown as VirtualService).spec.hosts).toEqual(['web']);

    const withGateway = experimentOf({
      key: 'ios',
      targeting: { platform: 'iOS' },
      routing: { gateways: ['shop/public'] },
    });
    await reconcile(renderResources([withGateway]), cluster, { isApplying: true });
    expect((api.objects.get('virtualservices/shop/lift-web') as unknown as VirtualService).spec.gateways).toEqual([
      'shop/public',
    ]);
    const update = await reconcile(renderResources([ios]), cluster, { isApplying: true });
    expect(
      update.diffs
        .find((diff) => diff.desired.kind === 'VirtualService')
        ?.differences.map((difference) => difference.path),
    ).toEqual(['spec.gateways']);
    expect(
      (api.objects.get('virtualservices/shop/lift-web') as unknown as VirtualService).spec.gateways,
    ).toBeUndefined();
  });

  it('dry run sends dryRun=All and stores nothing', async () => {
    const report = await reconcile(renderResources([ios]), cluster, { isApplying: true, isDryRun: true });
    expect(report.applied).toHaveLength(2);
    expect(api.writes().map((request) => request.query.get('dryRun'))).toEqual(['All', 'All']);
    expect(api.objects.size).toBe(0);
  });

  it('prunes only objects it owns (by label) whose experiments ended', async () => {
    const other = experimentOf({ key: 'search', routing: { host: 'search' } });
    await reconcile(renderResources([ios, other]), cluster, { isApplying: true });
    api.seed({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'hand-made', namespace: 'shop', labels: { app: 'web' } },
      spec: { hosts: ['x'] },
    });
    const stopped = { ...other, status: 'stopped' as const };
    const listing = await reconcile(renderResources([ios, stopped]), cluster, { isApplying: true });
    expect(listing.prunable.map((candidate) => [candidate.key, candidate.experiments])).toEqual([
      ['DestinationRule shop/lift-search', 'search@1'],
      ['VirtualService shop/lift-search', 'search@1'],
    ]);
    expect(api.objects.has('virtualservices/shop/lift-search')).toBe(true);
    const pruning = await reconcile(renderResources([ios, stopped]), cluster, { isApplying: true, isPruning: true });
    expect(pruning.pruned).toEqual(['DestinationRule shop/lift-search', 'VirtualService shop/lift-search']);
    expect([...api.objects.keys()].sort()).toEqual([
      'destinationrules/shop/lift-web',
      'virtualservices/shop/hand-made',
      'virtualservices/shop/lift-web',
    ]);
    expect(
      api.requests.some(
        (request) =>
          request.method === 'GET' &&
          request.query.get('labelSelector') === 'app.kubernetes.io/managed-by=lift-istio-sync',
      ),
    ).toBe(true);
  });

  it('discovers the Istio API group before writing, as kubectl does', async () => {
    // A fresh client: discovery answers are cached per client.
    await reconcile(renderResources([ios]), new KubernetesCluster(api.kubeConfig()), { isApplying: true });
    expect(
      api.requests.some((request) => request.method === 'GET' && request.path === '/apis/networking.istio.io/v1'),
    ).toBe(true);
  });

  it('the fake API server refuses what a real one refuses: non-SSA patches, apply without field manager, bad dryRun', async () => {
    const url = `${api.url}/apis/networking.istio.io/v1/namespaces/shop/virtualservices/x`;
    const body = JSON.stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'x', namespace: 'shop' },
      spec: { hosts: ['x'] },
    });
    const merge = await fetch(`${url}?fieldManager=lift-istio-sync`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body,
    });
    expect(merge.status).toBe(415);
    const anonymous = await fetch(url, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body,
    });
    expect(anonymous.status).toBe(422);
    const badDryRun = await fetch(`${url}?fieldManager=m&dryRun=Yes`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body,
    });
    expect(badDryRun.status).toBe(400);
    api.seed({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'x', namespace: 'shop' },
      spec: { hosts: ['y'] },
    });
    const conflict = await fetch(`${url}?fieldManager=m`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body,
    });
    expect(conflict.status).toBe(409);
  });

  it('takes over fields another manager set, by force, as a controller must', async () => {
    api.seed({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'lift-web', namespace: 'shop' },
      spec: { hosts: ['old'], http: [] },
    });
    await reconcile(renderResources([ios]), cluster, { isApplying: true });
    expect((api.objects.get('virtualservices/shop/lift-web') as unknown as VirtualService).spec.hosts).toEqual(['web']);
  });

  it('syncOnce: REST-shaped experiments in, one validated pass out; bad input writes nothing', async () => {
    const document = { experiments: [{ ...ios, salt: null, layer: null }] };
    const report = await syncOnce(document, cluster, sharedValidator(), { isApplying: true });
    expect(report.applied).toEqual(['DestinationRule shop/lift-web', 'VirtualService shop/lift-web']);
    const bad = { experiments: [{ ...ios, routing: { ...ios.routing, mirrorPercent: 120 } }] };
    api.requests.length = 0;
    await expect(syncOnce(bad, cluster, sharedValidator(), { isApplying: true })).rejects.toThrow(
      'routing.mirrorPercent: must be an integer from 0 to 100',
    );
    expect(api.requests).toEqual([]);
  });
});
