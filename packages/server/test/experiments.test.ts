import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

describe.each(BACKENDS)('experiments on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const response = await t.api.post('/v1/experiments').set(admin()).send(experimentBody(overrides));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { key: string; version: number; id: string } & Record<string, unknown>;
  };
  const act = (key: string, action: string) => t.api.post(`/v1/experiments/${key}/${action}`).set(admin());

  it('creates a draft with every field and the documented defaults', async () => {
    const body = experimentBody({
      description: 'Green converts?',
      salt: 'salty',
      targeting: { platform: 'iOS', region: { $in: ['NC', 'SC'] }, appVersion: { $vgte: '2.1.0' } },
      layer: { key: 'checkout', range: [0, 5000] },
      overrides: { 'qa-user': 'treatment' },
      sticky: true,
      metrics: { primary: 'purchase', guardrails: ['refund'], conversionWindowHours: 72 },
      routing: {
        host: 'shop',
        namespace: 'acme',
        mode: 'ab',
        subsets: { control: { version: 'v1' }, treatment: { version: 'v2' } },
      },
    });
    const response = await t.api.post('/v1/experiments').set(admin()).send(body);
    expect(response.status).toBe(201);
    expect(response.headers['location']).toBe(`/v1/experiments/${String(body['key'])}`);
    expect(response.headers['etag']).toBe('"1"');
    expect(response.body).toMatchObject({
      ...body,
      status: 'draft',
      version: 1,
      coverage: 10000,
      unitAttribute: 'userId',
      startedAt: null,
    });

    const minimal = await create();
    expect(minimal).toMatchObject({
      coverage: 10000,
      unitAttribute: 'userId',
      salt: null,
      targeting: {},
      layer: null,
      overrides: {},
      sticky: false,
      routing: null,
    });
    // No window of its own: each metric's `windowHours` applies.
    expect(minimal['metrics']).toEqual({ primary: 'purchase', secondary: [], guardrails: [] });
    const read = await t.api.get(`/v1/experiments/${minimal.key}`).set(admin());
    expect(read.body).toEqual(minimal);
    expect((await t.api.get(`/v1/experiments/${minimal.key}`).set(admin()).set('If-None-Match', '"1"')).status).toBe(
      304,
    );
    expect((await t.api.get(`/v1/experiments/${minimal.key}`).set(admin()).set('If-None-Match', '"2"')).status).toBe(
      200,
    );
  });

  it('refuses a duplicate key with 409', async () => {
    const first = await create();
    const again = await t.api
      .post('/v1/experiments')
      .set(admin())
      .send(experimentBody({ key: first.key }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('key-taken');
  });

  it.each([
    [
      'weights that do not sum to 10000',
      {
        variants: [
          { key: 'a', weight: 5000 },
          { key: 'b', weight: 4000 },
        ],
      },
      'variants',
    ],
    [
      'fractional weights',
      {
        variants: [
          { key: 'a', weight: 5000.5 },
          { key: 'b', weight: 4999.5 },
        ],
      },
      'variants.0.weight',
    ],
    [
      'duplicate variant keys',
      {
        variants: [
          { key: 'a', weight: 5000 },
          { key: 'a', weight: 5000 },
        ],
      },
      'variants.1.key',
    ],
    ['a single variant', { variants: [{ key: 'a', weight: 10000 }] }, 'variants'],
    ['coverage over 10000', { coverage: 10001 }, 'coverage'],
    ['negative coverage', { coverage: -1 }, 'coverage'],
    ['an unknown targeting operator', { targeting: { region: { $foo: 1 } } }, 'targeting.region.$foo'],
    [
      'a nested unknown operator',
      { targeting: { $and: [{ a: 1 }, { platform: { $bar: 1 } }] } },
      'targeting.$and.1.platform.$bar',
    ],
    ['an empty layer range', { layer: { key: 'l', range: [5000, 5000] } }, 'layer.range'],
    ['a layer range past 10000', { layer: { key: 'l', range: [0, 10001] } }, 'layer.range.1'],
    ['an override to an unknown variant', { overrides: { u1: 'nope' } }, 'overrides.u1'],
    [
      'routing to an unknown variant',
      { routing: { host: 'h', namespace: 'n', mode: 'ab', subsets: { nope: {} } } },
      'routing.subsets.nope',
    ],
    ['a bad key', { key: 'Has Spaces' }, 'key'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    [
      'a conversion window of 0',
      { metrics: { primary: 'p', conversionWindowHours: 0 } },
      'metrics.conversionWindowHours',
    ],
  ])('refuses %s with 400 naming the field', async (_name, overrides, path) => {
    const response = await t.api.post('/v1/experiments').set(admin()).send(experimentBody(overrides));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('refuses overlapping layer ranges with 409 naming the other experiment', async () => {
    const layer = `layer-${backend}`;
    const first = await create({ layer: { key: layer, range: [0, 5000] } });
    await create({ layer: { key: layer, range: [5000, 10000] } });
    const overlapping = await t.api
      .post('/v1/experiments')
      .set(admin())
      .send(experimentBody({ layer: { key: layer, range: [4000, 6000] } }));
    expect(overlapping.status).toBe(409);
    expect(overlapping.body).toMatchObject({ code: 'layer-overlap', conflictingExperiment: first.key });
    expect(overlapping.body.detail).toContain(first.key);

    const movable = await create({ layer: { key: `${layer}-b`, range: [0, 1000] } });
    const patch = await t.api
      .patch(`/v1/experiments/${movable.key}`)
      .set(admin())
      .send({ layer: { key: layer, range: [2000, 3000] } });
    expect(patch.status).toBe(409);
    expect(patch.body.conflictingExperiment).toBe(first.key);

    // A stopped experiment frees its range.
    await act(first.key, 'start');
    await act(first.key, 'stop');
    const reused = await t.api
      .post('/v1/experiments')
      .set(admin())
      .send(experimentBody({ layer: { key: layer, range: [0, 5000] } }));
    expect(reused.status, JSON.stringify(reused.body)).toBe(201);
  });

  it('serializes concurrent writers: one wins a layer range, one start succeeds', async () => {
    const layer = `race-${backend}`;
    const creates = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.api
          .post('/v1/experiments')
          .set(admin())
          .send(experimentBody({ layer: { key: layer, range: [1000, 6000] } })),
      ),
    );
    expect(creates.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);

    const draft = await create();
    const starts = await Promise.all(Array.from({ length: 6 }, () => act(draft.key, 'start')));
    expect(starts.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const history = await t.api.get(`/v1/experiments/${draft.key}/history`).set(admin());
    expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['created', 'started']);
  });

  it('edits a draft freely, bumping the version and recording history', async () => {
    const draft = await create();
    const patched = await t.api
      .patch(`/v1/experiments/${draft.key}`)
      .set(admin())
      .send({
        variants: [
          { key: 'control', weight: 2000 },
          { key: 'treatment', weight: 8000 },
        ],
        coverage: 5000,
        owner: null,
        metrics: { guardrails: ['latency'] },
      });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      version: 2,
      coverage: 5000,
      owner: null,
      metrics: { primary: 'purchase', secondary: [], guardrails: ['latency'] },
    });

    const unchanged = await t.api.patch(`/v1/experiments/${draft.key}`).set(admin()).send({ coverage: 5000 });
    expect(unchanged.body.version).toBe(2);

    const history = await t.api.get(`/v1/experiments/${draft.key}/history`).set(admin());
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(2);
    const [created, updated] = history.body.items;
    expect(created).toMatchObject({ version: 1, action: 'created' });
    expect(updated).toMatchObject({ version: 2, action: 'updated' });
    expect(updated.actorKeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(updated.actorName).toBe('bootstrap admin');
    expect(Date.parse(updated.changedAt)).toBeGreaterThanOrEqual(Date.parse(created.changedAt));
    expect(updated.changes.map((change: { field: string }) => change.field).sort()).toEqual([
      'coverage',
      'metrics.guardrails',
      'owner',
      'variants',
    ]);
    expect(updated.changes.find((change: { field: string }) => change.field === 'coverage')).toEqual({
      field: 'coverage',
      from: 10000,
      to: 5000,
    });
  });

  it('validates a patch against the merged experiment', async () => {
    const draft = await create({ overrides: { 'qa-user': 'treatment' } });
    const response = await t.api
      .patch(`/v1/experiments/${draft.key}`)
      .set(admin())
      .send({
        variants: [
          { key: 'solo', weight: 5000 },
          { key: 'duo', weight: 5000 },
        ],
      });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['overrides.qa-user']);
    const bad = await t.api.patch(`/v1/experiments/${draft.key}`).set(admin()).send({ coverage: 'all', key: 'other' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['coverage', 'key']);
  });

  it('refuses allocation edits of a running experiment with 409 explaining users would switch variants', async () => {
    const running = await create({ coverage: 5000, overrides: { 'qa-1': 'treatment' } });
    expect((await act(running.key, 'start')).status).toBe(200);
    for (const patch of [
      {
        variants: [
          { key: 'control', weight: 3000 },
          { key: 'treatment', weight: 7000 },
        ],
      },
      { coverage: 4000 },
      { salt: 'new-salt' },
      { unitAttribute: 'deviceId' },
      { targeting: { platform: 'iOS' } },
      { layer: { key: 'x', range: [0, 10] } },
      { sticky: true },
      { metrics: { primary: 'signup' } },
    ]) {
      const response = await t.api.patch(`/v1/experiments/${running.key}`).set(admin()).send(patch);
      expect(response.status, JSON.stringify(patch)).toBe(409);
      expect(response.body).toMatchObject({ code: 'edit-not-allowed', currentStatus: 'running' });
      expect(response.body.detail).toContain('running');
    }
    const weights = await t.api.patch(`/v1/experiments/${running.key}`).set(admin()).send({ coverage: 4000 });
    expect(weights.body.detail).toMatch(/switch variants/);

    const allowed = await t.api
      .patch(`/v1/experiments/${running.key}`)
      .set(admin())
      .send({
        name: 'Renamed',
        hypothesis: 'New words',
        description: 'More',
        owner: 'other-team',
        overrides: { 'qa-2': 'control' },
        metrics: { guardrails: ['errors'] },
        coverage: 8000,
      });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      name: 'Renamed',
      coverage: 8000,
      overrides: { 'qa-2': 'control' },
      version: 3,
    });

    // Sending the unchanged allocation back with an allowed edit is fine.
    const roundTrip = await t.api
      .patch(`/v1/experiments/${running.key}`)
      .set(admin())
      .send({ variants: allowed.body.variants, name: 'Again' });
    expect(roundTrip.status).toBe(200);
  });

  it('lists with status and owner filters and cursor pagination', async () => {
    const owner = `owner-${backend}-${Date.now()}`;
    const made = [];
    for (let index = 0; index < 5; index += 1) made.push(await create({ owner }));
    await act(made[0]?.key ?? '', 'start');
    const all = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { key: string }[]; nextCursor: string | null } } = await t.api
        .get('/v1/experiments')
        .query({ owner, limit: 2, ...(cursor === null ? {} : { cursor }) })
        .set(admin());
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(all.map((experiment) => experiment.key)).toEqual(made.map((experiment) => experiment.key));

    const running = await t.api
      .get('/v1/experiments')
      .query({ owner, status: 'running' })
      .set({ Authorization: `Bearer ${t.keys.analyst}` });
    expect(running.body.items.map((experiment: { key: string }) => experiment.key)).toEqual([made[0]?.key]);
    const bad = await t.api.get('/v1/experiments').query({ status: 'flying', limit: 0, cursor: 'xyz' }).set(admin());
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['cursor', 'limit', 'status']);
  });

  it('makes writes conditional on If-Match', async () => {
    const draft = await create();
    const stale = await t.api
      .patch(`/v1/experiments/${draft.key}`)
      .set(admin())
      .set('If-Match', '"7"')
      .send({ name: 'x' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(1);
    const fresh = await t.api
      .patch(`/v1/experiments/${draft.key}`)
      .set(admin())
      .set('If-Match', '"1"')
      .send({ name: 'x' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers['etag']).toBe('"2"');
  });

  it('answers unknown experiments with 404', async () => {
    expect((await t.api.get('/v1/experiments/nope').set(admin())).status).toBe(404);
    expect((await t.api.patch('/v1/experiments/nope').set(admin()).send({ name: 'x' })).status).toBe(404);
    expect((await act('nope', 'start')).status).toBe(404);
    expect((await t.api.get('/v1/experiments/nope/history').set(admin())).status).toBe(404);
  });
});
