import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

const PROBLEM = /^application\/problem\+json/;

describe.each(BACKENDS)('HTTP errors and plumbing on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { corsOrigins: ['https://shop.example'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  it('answers an unknown route with a 404 problem carrying the request id', async () => {
    const response = await t.api.get('/v1/nope').set('X-Request-Id', 'req-123');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.body).toMatchObject({
      status: 404,
      code: 'route-not-found',
      requestId: 'req-123',
      instance: '/v1/nope',
    });
  });

  it('generates a request id when none (or a bad one) is sent', async () => {
    const response = await t.api.get('/v1/nope').set('X-Request-Id', 'bad id with spaces');
    expect(response.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await t.api
      .post('/v1/experiments')
      .set(bearer(t.keys.admin))
      .set('Content-Type', 'application/json')
      .send('{"key": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body.code).toBe('malformed-json');
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers a JSON scalar body with 400 (objects and arrays only)', async () => {
    const response = await t.api
      .post('/v1/experiments')
      .set(bearer(t.keys.admin))
      .set('Content-Type', 'application/json')
      .send('"hello"');
    expect(response.status).toBe(400);
  });

  it('answers a non-JSON body with 415', async () => {
    const response = await t.api
      .post('/v1/experiments')
      .set(bearer(t.keys.admin))
      .set('Content-Type', 'text/plain')
      .send('key=x');
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('unsupported-media-type');
  });

  it('answers a JSON body in an unsupported charset with 415', async () => {
    const response = await t.api
      .post('/v1/api-keys')
      .set(bearer(t.keys.admin))
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"name":"x","role":"sdk"}');
    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toMatch(PROBLEM);
  });

  it('answers a form body with 415', async () => {
    const response = await t.api
      .post('/v1/api-keys')
      .set(bearer(t.keys.admin))
      .type('form')
      .send({ name: 'x', role: 'sdk' });
    expect(response.status).toBe(415);
  });

  it('answers a body over 1 MB with 413', async () => {
    const body = experimentBody({ description: 'x'.repeat(1024 * 1024 + 10) });
    const response = await t.api.post('/v1/experiments').set(bearer(t.keys.admin)).send(body);
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(PROBLEM);
  });

  it('answers no key and an unknown key with 401, a wrong role with 403', async () => {
    const none = await t.api.get('/v1/experiments');
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(PROBLEM);
    expect((await t.api.get('/v1/experiments').set(bearer('lift_unknown'))).status).toBe(401);
    expect((await t.api.get('/v1/experiments').set('Authorization', 'Basic abc')).status).toBe(401);
    const forbidden = await t.api.get('/v1/experiments').set(bearer(t.keys.sdk));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'forbidden', role: 'sdk' });
  });

  it('lists every invalid field in a 400', async () => {
    const response = await t.api
      .post('/v1/experiments')
      .set(bearer(t.keys.admin))
      .send({ key: 'Bad Key', variants: [{ key: 'a', weight: 1.5 }], coverage: 20000, extra: true });
    expect(response.status).toBe(400);
    const paths = (response.body.errors as { path: string }[]).map((error) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining(['key', 'name', 'hypothesis', 'variants.0.weight', 'coverage', 'metrics', 'extra']),
    );
  });

  it('refuses NUL characters, which PostgreSQL cannot store, naming the field', async () => {
    const body = experimentBody({
      name: 'a\u0000b',
      variants: [
        { key: 'a', weight: 5000, payload: { 'k\u0000': 1 } },
        { key: 'b', weight: 5000 },
      ],
    });
    const response = await t.api.post('/v1/experiments').set(bearer(t.keys.admin)).send(body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([
      'name',
      'variants.0.payload.k\u0000',
    ]);
  });

  it('serves /healthz, /readyz, /openapi.json and /docs', async () => {
    expect((await t.api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.api.get('/readyz')).status).toBe(200);
    const openApi = await t.api.get('/openapi.json');
    expect(openApi.status).toBe(200);
    expect(openApi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openApi.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/api-keys',
        '/v1/experiments',
        '/v1/experiments/{key}',
        '/v1/experiments/{key}/start',
        '/v1/sdk/config',
        '/v1/sdk/stream',
      ]),
    );
    expect(openApi.body.components.schemas.CreateExperiment.required).toEqual(
      expect.arrayContaining(['key', 'name', 'hypothesis', 'variants', 'metrics']),
    );
    const docs = await t.api.get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    // Everything the page loads is served here (no CDN), and it reads the generated document.
    const scripts = [...docs.text.matchAll(/src="\.\/([\w.-]+\.js)"/g)].map((match) => match[1]);
    expect(scripts).toContain('swagger-ui-init.js');
    for (const script of scripts) expect((await t.api.get(`/docs/${script}`)).status).toBe(200);
    expect((await t.api.get('/docs/swagger-ui-init.js')).text).toContain('/openapi.json');
    expect(docs.text).not.toMatch(/(src|href)="https?:/);
    expect((await t.api.get('/docs')).headers.location).toBe('/docs/');
  });

  it('allows configured origins on the SDK endpoints only', async () => {
    const preflight = await t.api
      .options('/v1/sdk/config')
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
    const config = await t.api.get('/v1/sdk/config').set('Origin', 'https://shop.example').set(bearer(t.keys.sdk));
    expect(config.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(config.headers['access-control-expose-headers']).toContain('ETag');
    const other = await t.api.get('/v1/sdk/config').set('Origin', 'https://evil.example').set(bearer(t.keys.sdk));
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const admin = await t.api.get('/v1/experiments').set('Origin', 'https://shop.example').set(bearer(t.keys.admin));
    expect(admin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports not ready once the database is unreachable (last: it closes the database)', async () => {
    await t.database.db.destroy();
    const response = await t.api.get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'database-unreachable' });
    expect((await t.api.get('/healthz')).status).toBe(200);
  });
});
