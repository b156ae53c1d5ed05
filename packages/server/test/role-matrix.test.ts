import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

type Caller = 'none' | 'unknown' | 'revoked' | 'admin' | 'sdk' | 'analyst';
const CALLERS: Caller[] = ['none', 'unknown', 'revoked', 'admin', 'sdk', 'analyst'];

interface Endpoint {
  readonly method: 'get' | 'post' | 'patch' | 'delete';
  readonly path: string;
  readonly roles: readonly Caller[];
  readonly body?: () => object;
}

const KEY = 'role-matrix-target';
const METRIC = 'role-matrix-metric';
let metricSequence = 0;
const ENDPOINTS: Endpoint[] = [
  { method: 'post', path: '/v1/api-keys', roles: ['admin'], body: () => ({ name: 'matrix', role: 'analyst' }) },
  { method: 'get', path: '/v1/api-keys', roles: ['admin'] },
  { method: 'get', path: '/v1/api-keys/00000000-0000-4000-8000-000000000000', roles: ['admin'] },
  { method: 'delete', path: '/v1/api-keys/00000000-0000-4000-8000-000000000000', roles: ['admin'] },
  { method: 'post', path: '/v1/experiments', roles: ['admin'], body: () => experimentBody() },
  { method: 'get', path: '/v1/experiments', roles: ['admin', 'analyst'] },
  { method: 'get', path: `/v1/experiments/${KEY}`, roles: ['admin', 'analyst'] },
  { method: 'get', path: `/v1/experiments/${KEY}/history`, roles: ['admin', 'analyst'] },
  { method: 'patch', path: `/v1/experiments/${KEY}`, roles: ['admin'], body: () => ({ name: 'renamed' }) },
  { method: 'post', path: `/v1/experiments/${KEY}/start`, roles: ['admin'] },
  { method: 'post', path: `/v1/experiments/${KEY}/pause`, roles: ['admin'] },
  { method: 'post', path: `/v1/experiments/${KEY}/resume`, roles: ['admin'] },
  { method: 'post', path: `/v1/experiments/${KEY}/stop`, roles: ['admin'] },
  { method: 'post', path: `/v1/experiments/${KEY}/archive`, roles: ['admin'] },
  { method: 'delete', path: `/v1/experiments/${KEY}`, roles: ['admin'] },
  {
    method: 'post',
    path: '/v1/metrics',
    roles: ['admin'],
    body: () => ({ key: `matrix-${(metricSequence += 1)}`, name: 'm', type: 'count', event: 'e' }),
  },
  { method: 'get', path: '/v1/metrics', roles: ['admin', 'analyst'] },
  { method: 'get', path: `/v1/metrics/${METRIC}`, roles: ['admin', 'analyst'] },
  { method: 'get', path: `/v1/metrics/${METRIC}/history`, roles: ['admin', 'analyst'] },
  { method: 'patch', path: `/v1/metrics/${METRIC}`, roles: ['admin'], body: () => ({ name: 'renamed' }) },
  { method: 'get', path: '/v1/sdk/config', roles: ['admin', 'sdk'] },
];

describe.each(BACKENDS)('the role matrix on %s', (backend) => {
  let t: TestApp;
  let secrets: Record<Caller, string | null>;
  beforeAll(async () => {
    t = await createTestApp(backend);
    const admin = { Authorization: `Bearer ${t.keys.admin}` };
    const revoked = await t.api.post('/v1/api-keys').set(admin).send({ name: 'revoked', role: 'admin' });
    await t.api.delete(`/v1/api-keys/${revoked.body.id}`).set(admin);
    await t.api
      .post('/v1/experiments')
      .set(admin)
      .send(experimentBody({ key: KEY }));
    await t.api.post('/v1/metrics').set(admin).send({ key: METRIC, name: 'Matrix', type: 'count', event: 'e' });
    secrets = {
      none: null,
      unknown: 'lift_not-a-real-key',
      revoked: revoked.body.key,
      admin: t.keys.admin,
      sdk: t.keys.sdk,
      analyst: t.keys.analyst,
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  // Writes that succeed (delete) come last, so earlier rows still find their target.
  const cases = ENDPOINTS.flatMap((endpoint) =>
    CALLERS.map((caller) => [`${endpoint.method.toUpperCase()} ${endpoint.path}`, caller, endpoint] as const),
  );

  it.each(cases)('%s as %s', async (_name, caller, endpoint) => {
    let request = t.api[endpoint.method](endpoint.path);
    const secret = secrets[caller];
    if (secret !== null) request = request.set('Authorization', `Bearer ${secret}`);
    const response = await (endpoint.body === undefined ? request : request.send(endpoint.body()));
    if (caller === 'none' || caller === 'unknown' || caller === 'revoked') {
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('unauthenticated');
    } else if (endpoint.roles.includes(caller)) {
      expect([401, 403]).not.toContain(response.status);
      expect(response.status).toBeLessThan(500);
    } else {
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'forbidden', role: caller });
    }
  });

  it('lets anyone read /healthz, /readyz, /openapi.json and /docs', async () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs/'])
      expect((await t.api.get(path)).status).toBe(200);
  });
});
