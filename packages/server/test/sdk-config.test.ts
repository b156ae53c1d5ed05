import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '@lift/sdk';
import { createExpressServer } from '../src/http/express-server.js';
import { BACKENDS } from './support/test-database.js';
import { listenOnLoopback } from './support/loopback.js';
import { openSse } from './support/sse-client.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

const HEARTBEAT_MS = 100;

describe.each(BACKENDS)('SDK config and stream on %s', (backend) => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    t = await createTestApp(backend, { heartbeatMs: HEARTBEAT_MS });
    server = createExpressServer(t.lift.app);
    baseUrl = await listenOnLoopback(server);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });
  const sdk = () => ({ Authorization: `Bearer ${t.keys.sdk}` });

  it('serves running and paused experiments in the SDK shape with a strong ETag and 304', async () => {
    const running = experimentBody({
      salt: 'pepper',
      layer: { key: `sdk-layer-${backend}`, range: [0, 2500] },
      overrides: { qa: 'treatment' },
      targeting: { country: 'NL' },
    });
    const paused = experimentBody();
    const draft = experimentBody();
    for (const body of [running, paused, draft]) await t.api.post('/v1/experiments').set(admin()).send(body);
    await t.api.post(`/v1/experiments/${String(running['key'])}/start`).set(admin());
    await t.api.post(`/v1/experiments/${String(paused['key'])}/start`).set(admin());
    await t.api.post(`/v1/experiments/${String(paused['key'])}/pause`).set(admin());

    const response = await t.api.get('/v1/sdk/config').set(sdk());
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const etag = response.headers['etag'] as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const snapshot = response.body as ConfigSnapshot;
    expect(typeof snapshot.version).toBe('number');
    const keys = snapshot.experiments.map((experiment) => experiment.key);
    expect(keys).toContain(running['key']);
    expect(keys).toContain(paused['key']);
    expect(keys).not.toContain(draft['key']);
    expect(snapshot.experiments.find((experiment) => experiment.key === running['key'])).toEqual({
      key: running['key'],
      status: 'running',
      variants: [
        { key: 'control', weight: 5000, payload: { color: 'blue' } },
        { key: 'treatment', weight: 5000, payload: { color: 'green' } },
      ],
      coverage: 10000,
      unitAttribute: 'userId',
      salt: 'pepper',
      targeting: { country: 'NL' },
      layer: { key: `sdk-layer-${backend}`, range: [0, 2500] },
      overrides: { qa: 'treatment' },
      sticky: false,
      version: 2,
    });
    expect(snapshot.experiments.find((experiment) => experiment.key === paused['key'])?.status).toBe('paused');

    const notModified = await t.api.get('/v1/sdk/config').set(sdk()).set('If-None-Match', etag);
    expect(notModified.status).toBe(304);
    expect(notModified.text ?? '').toBe('');
    expect(notModified.headers['etag']).toBe(etag);
    expect((await t.api.get('/v1/sdk/config').set(sdk()).set('If-None-Match', `"other", ${etag}`)).status).toBe(304);

    // A draft edit does not change what SDKs see; a running edit does.
    await t.api
      .patch(`/v1/experiments/${String(draft['key'])}`)
      .set(admin())
      .send({ name: 'still a draft' });
    expect((await t.api.get('/v1/sdk/config').set(sdk()).set('If-None-Match', etag)).status).toBe(304);
    await t.api
      .patch(`/v1/experiments/${String(running['key'])}`)
      .set(admin())
      .send({ coverage: 10000, overrides: {} });
    const changed = await t.api.get('/v1/sdk/config').set(sdk()).set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect(changed.body.version).toBeGreaterThan(snapshot.version as number);
  });

  it('streams the current config on connect, each new version, and heartbeats', async () => {
    const stream = await openSse(`${baseUrl}/v1/sdk/stream`, sdk());
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      const first = await stream.next((event) => event.event === 'config', 2000);
      const initial = JSON.parse(first.data) as ConfigSnapshot;
      expect(first.id).toBe(String(initial.version));
      const current = await t.api.get('/v1/sdk/config').set(sdk());
      expect(initial).toEqual(current.body);

      const body = experimentBody();
      await t.api.post('/v1/experiments').set(admin()).send(body);
      const startedAt = Date.now();
      await t.api.post(`/v1/experiments/${String(body['key'])}/start`).set(admin());
      const pushed = await stream.next(
        (event) =>
          event.event === 'config' &&
          (JSON.parse(event.data) as ConfigSnapshot).experiments.some((experiment) => experiment.key === body['key']),
        1000,
      );
      expect(Date.now() - startedAt).toBeLessThan(1000);
      expect(Number(pushed.id)).toBeGreaterThan(Number(initial.version));
      await stream.waitForComment('heartbeat', HEARTBEAT_MS * 20);
    } finally {
      stream.close();
    }
  });

  it('accepts the key in the query for EventSource, and checks roles on the stream', async () => {
    const viaQuery = await openSse(`${baseUrl}/v1/sdk/stream?apiKey=${encodeURIComponent(t.keys.sdk)}`);
    expect(viaQuery.status).toBe(200);
    viaQuery.close();
    const none = await openSse(`${baseUrl}/v1/sdk/stream`);
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    none.close();
    const analyst = await openSse(`${baseUrl}/v1/sdk/stream`, { Authorization: `Bearer ${t.keys.analyst}` });
    expect(analyst.status).toBe(403);
    analyst.close();
    const adminStream = await openSse(`${baseUrl}/v1/sdk/stream`, admin());
    expect(adminStream.status).toBe(200);
    adminStream.close();
    // The query form is only for the stream.
    expect((await t.api.get(`/v1/sdk/config?apiKey=${encodeURIComponent(t.keys.sdk)}`)).status).toBe(401);
  });

  it('ends open streams when shutdown begins', async () => {
    const stream = await openSse(`${baseUrl}/v1/sdk/stream`, sdk());
    await stream.next((event) => event.event === 'config', 2000);
    expect(t.lift.stream.clientCount).toBeGreaterThan(0);
    t.lift.beginShutdown();
    await stream.ended;
    expect(t.lift.stream.clientCount).toBe(0);
    const refused = await t.api.get('/v1/sdk/stream').set(sdk());
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('shutting-down');
    expect((await t.api.get('/readyz')).body).toEqual({ status: 'shutting-down' });
    expect((await t.api.get('/healthz')).status).toBe(200);
  });
});
