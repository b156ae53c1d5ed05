import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

let sequence = 0;

/** A unique metric key for this run. */
function uniqueKey(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

function meanBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { key: uniqueKey('revenue'), name: 'Revenue per user', type: 'mean', event: 'purchase', ...overrides };
}

interface Problem {
  readonly code: string;
  readonly errors?: readonly { path: string; message: string }[];
}

function errorPaths(body: Problem): string[] {
  return (body.errors ?? []).map((error) => error.path).sort();
}

describe.each(BACKENDS)('the metric catalogue on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });
  const analyst = () => ({ Authorization: `Bearer ${t.keys.analyst}` });
  const metricPath = (key: string) => `/v1/metrics/${encodeURIComponent(key)}`;
  const create = async (body: Record<string, unknown>) => {
    const response = await t.api.post('/v1/metrics').set(admin()).send(body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { key: string; version: number } & Record<string, unknown>;
  };
  const createExperiment = async (overrides: Record<string, unknown>) => {
    const response = await t.api.post('/v1/experiments').set(admin()).send(experimentBody(overrides));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { key: string; version: number };
  };

  it('creates a metric with the documented defaults and reads it back with its version as ETag', async () => {
    const body = meanBody();
    const response = await t.api.post('/v1/metrics').set(admin()).send(body);
    expect(response.status).toBe(201);
    expect(response.headers['location']).toBe(metricPath(String(body['key'])));
    expect(response.headers['etag']).toBe('"1"');
    expect(response.body).toEqual({
      ...body,
      description: null,
      numerator: null,
      denominator: null,
      direction: 'increase',
      capping: null,
      windowHours: 168,
      nonInferiorityMargin: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const read = await t.api.get(metricPath(String(body['key']))).set(analyst());
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
    expect(
      (
        await t.api
          .get(metricPath(String(body['key'])))
          .set(admin())
          .set('If-None-Match', '"1"')
      ).status,
    ).toBe(304);
  });

  it('creates a ratio with every field', async () => {
    const body = {
      key: uniqueKey('revenue-per-order'),
      name: 'Revenue per order',
      description: 'Spend over orders, per unit.',
      type: 'ratio',
      numerator: { event: 'purchase', aggregate: 'sum' },
      denominator: { event: 'purchase', aggregate: 'count' },
      direction: 'decrease',
      capping: { perUnitMax: 500 },
      windowHours: 72,
      nonInferiorityMargin: 0.05,
    };
    const created = await create(body);
    expect(created).toMatchObject({ ...body, event: null, version: 1 });
  });

  it('takes any name experiments took as an event name for a key', async () => {
    const created = await create(meanBody({ key: '  Order Completed/v2 ' }));
    expect(created.key).toBe('Order Completed/v2');
    expect((await t.api.get(metricPath('Order Completed/v2')).set(admin())).body.key).toBe('Order Completed/v2');
  });

  it('refuses a taken key with 409', async () => {
    const first = await create(meanBody());
    const again = await t.api
      .post('/v1/metrics')
      .set(admin())
      .send(meanBody({ key: first.key, type: 'count' }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'key-taken', key: first.key });
  });

  it.each([
    [
      'a ratio without a denominator',
      { type: 'ratio', event: undefined, numerator: { event: 'purchase', aggregate: 'sum' } },
      ['denominator'],
    ],
    [
      'an event on a ratio',
      {
        type: 'ratio',
        numerator: { event: 'purchase', aggregate: 'sum' },
        denominator: { event: 'visit', aggregate: 'count' },
      },
      ['event'],
    ],
    ['a numerator on a mean', { numerator: { event: 'purchase', aggregate: 'sum' } }, ['numerator']],
    ['a mean without an event', { event: undefined }, ['event']],
    ['a bad direction', { direction: 'up' }, ['direction']],
    ['a bad type', { type: 'median' }, ['type']],
    ['a negative cap', { capping: { perUnitMax: -5 } }, ['capping.perUnitMax']],
    ['a zero cap', { capping: { perUnitMax: 0 } }, ['capping.perUnitMax']],
    ['a cap on a proportion', { type: 'proportion', capping: { perUnitMax: 1 } }, ['capping']],
    ['a margin of 1', { nonInferiorityMargin: 1 }, ['nonInferiorityMargin']],
    ['a negative margin', { nonInferiorityMargin: -0.01 }, ['nonInferiorityMargin']],
    ['a window of 0 hours', { windowHours: 0 }, ['windowHours']],
    ['a window past a year', { windowHours: 8761 }, ['windowHours']],
    [
      'an unknown aggregate',
      {
        type: 'ratio',
        event: undefined,
        numerator: { event: 'purchase', aggregate: 'mean' },
        denominator: { event: 'visit', aggregate: 'count' },
      },
      ['numerator.aggregate'],
    ],
    ['an empty key', { key: ' ' }, ['key']],
    ['a key over 200 characters', { key: 'k'.repeat(201) }, ['key']],
    ['a missing name', { name: undefined }, ['name']],
    ['an unknown field', { colour: 'red' }, ['colour']],
  ])('refuses %s with 400 naming the field', async (_name, overrides, paths) => {
    const response = await t.api.post('/v1/metrics').set(admin()).send(meanBody(overrides));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(errorPaths(response.body)).toEqual(paths);
  });

  it('merges a patch, validates the result as a whole, bumps the version and records history', async () => {
    const metric = await create(meanBody({ description: 'Spend', capping: { perUnitMax: 100 }, windowHours: 24 }));
    const path = metricPath(metric.key);
    const patched = await t.api
      .patch(path)
      .set(admin())
      .send({ direction: 'decrease', description: null, capping: null, windowHours: null, nonInferiorityMargin: 0.1 });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.headers['etag']).toBe('"2"');
    expect(patched.body).toMatchObject({
      name: 'Revenue per user',
      type: 'mean',
      event: 'purchase',
      direction: 'decrease',
      description: null,
      capping: null,
      windowHours: 168,
      nonInferiorityMargin: 0.1,
      version: 2,
    });

    const unchanged = await t.api.patch(path).set(admin()).send({ direction: 'decrease' });
    expect(unchanged.body.version).toBe(2);

    const toRatio = await t.api.patch(path).set(admin()).send({ type: 'ratio' });
    expect(toRatio.status).toBe(400);
    expect(errorPaths(toRatio.body)).toEqual(['denominator', 'event', 'numerator']);
    const ratio = await t.api
      .patch(path)
      .set(admin())
      .send({
        type: 'ratio',
        event: null,
        numerator: { event: 'purchase', aggregate: 'sum' },
        denominator: { event: 'session', aggregate: 'count' },
      });
    expect(ratio.status, JSON.stringify(ratio.body)).toBe(200);
    expect(ratio.body).toMatchObject({ type: 'ratio', event: null, version: 3 });

    const toProportion = await t.api
      .patch(path)
      .set(admin())
      .send({ type: 'proportion', capping: { perUnitMax: 2 } });
    expect(errorPaths(toProportion.body)).toEqual(['capping', 'denominator', 'event', 'numerator']);
    const badPatch = await t.api.patch(path).set(admin()).send({ key: 'other', windowHours: 1.5 });
    expect(errorPaths(badPatch.body)).toEqual(['key', 'windowHours']);

    const history = await t.api.get(`${path}/history`).set(analyst());
    expect(history.status).toBe(200);
    const [created, updated, retyped] = history.body.items;
    expect(history.body.items).toHaveLength(3);
    expect(created).toMatchObject({ version: 1, action: 'created', actorName: 'bootstrap admin' });
    expect(created.changes.map((change: { field: string }) => change.field)).toEqual([
      'name',
      'description',
      'type',
      'event',
      'direction',
      'capping',
      'windowHours',
    ]);
    expect(updated).toMatchObject({ version: 2, action: 'updated' });
    expect(updated.actorKeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(updated.changes).toEqual([
      { field: 'description', from: 'Spend', to: null },
      { field: 'direction', from: 'increase', to: 'decrease' },
      { field: 'capping', from: { perUnitMax: 100 }, to: null },
      { field: 'windowHours', from: 24, to: 168 },
      { field: 'nonInferiorityMargin', from: null, to: 0.1 },
    ]);
    expect(retyped.changes).toEqual([
      { field: 'type', from: 'mean', to: 'ratio' },
      { field: 'event', from: 'purchase', to: null },
      { field: 'numerator', from: null, to: { event: 'purchase', aggregate: 'sum' } },
      { field: 'denominator', from: null, to: { event: 'session', aggregate: 'count' } },
    ]);
  });

  it('makes edits conditional on If-Match', async () => {
    const metric = await create(meanBody());
    const stale = await t.api.patch(metricPath(metric.key)).set(admin()).set('If-Match', '"4"').send({ name: 'x' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(1);
    const fresh = await t.api.patch(metricPath(metric.key)).set(admin()).set('If-Match', '"1"').send({ name: 'x' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers['etag']).toBe('"2"');
  });

  it('answers unknown metrics with 404', async () => {
    expect((await t.api.get('/v1/metrics/nope').set(admin())).status).toBe(404);
    expect((await t.api.patch('/v1/metrics/nope').set(admin()).send({ name: 'x' })).status).toBe(404);
    const history = await t.api.get('/v1/metrics/nope/history').set(admin());
    expect(history.status).toBe(404);
    expect(history.body.code).toBe('not-found');
  });

  it('lets analysts read but not write, and sdk keys neither', async () => {
    const metric = await create(meanBody());
    for (const path of ['/v1/metrics', metricPath(metric.key), `${metricPath(metric.key)}/history`]) {
      expect((await t.api.get(path).set(analyst())).status, path).toBe(200);
      const sdk = await t.api.get(path).set({ Authorization: `Bearer ${t.keys.sdk}` });
      expect(sdk.status, path).toBe(403);
      expect(sdk.body).toMatchObject({ code: 'forbidden', role: 'sdk' });
    }
    expect((await t.api.post('/v1/metrics').set(analyst()).send(meanBody())).status).toBe(403);
    expect((await t.api.patch(metricPath(metric.key)).set(analyst()).send({ name: 'x' })).status).toBe(403);
  });

  it('lists in creation order with cursor pagination', async () => {
    const made = [await create(meanBody()), await create(meanBody()), await create(meanBody())];
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { key: string }[]; nextCursor: string | null } } = await t.api
        .get('/v1/metrics')
        .query({ limit: 2, ...(cursor === null ? {} : { cursor }) })
        .set(analyst());
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      keys.push(...page.body.items.map((metric) => metric.key));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => made.some((metric) => metric.key === key))).toEqual(made.map((metric) => metric.key));
    const bad = await t.api.get('/v1/metrics').query({ limit: 0, cursor: 'xyz' }).set(admin());
    expect(errorPaths(bad.body)).toEqual(['cursor', 'limit']);
  });

  describe('experiments name catalogue keys', () => {
    it('adds the names an experiment uses that the catalogue lacks, and leaves existing ones alone', async () => {
      const existing = await create(meanBody());
      const [primary, secondary, guardrail] = [uniqueKey('signup'), uniqueKey('Add To Cart'), uniqueKey('refund')];
      const experiment = await createExperiment({
        metrics: { primary, secondary: [secondary, existing.key], guardrails: [guardrail, primary] },
      });
      for (const key of [primary, secondary, guardrail]) {
        const metric = await t.api.get(metricPath(key)).set(admin());
        expect(metric.body, key).toMatchObject({
          key,
          name: key,
          type: 'proportion',
          direction: 'increase',
          event: key,
          windowHours: 168,
          version: 1,
        });
        const history = await t.api.get(`${metricPath(key)}/history`).set(admin());
        expect(history.body.items).toEqual([
          expect.objectContaining({
            version: 1,
            action: 'created',
            actorName: 'bootstrap admin',
            changes: [
              { field: 'name', from: null, to: key },
              { field: 'type', from: null, to: 'proportion' },
              { field: 'event', from: null, to: key },
              { field: 'direction', from: null, to: 'increase' },
              { field: 'windowHours', from: null, to: 168 },
            ],
          }),
        ]);
      }
      const kept = await t.api.get(metricPath(existing.key)).set(admin());
      expect(kept.body).toEqual(existing);
      expect((await t.api.get(`${metricPath(existing.key)}/history`).set(admin())).body.items).toHaveLength(1);

      const added = uniqueKey('churn');
      const patched = await t.api
        .patch(`/v1/experiments/${experiment.key}`)
        .set(admin())
        .send({ metrics: { guardrails: [guardrail, added] } });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.metrics).toEqual({
        primary,
        secondary: [secondary, existing.key],
        guardrails: [guardrail, added],
      });
      expect((await t.api.get(metricPath(added)).set(admin())).body).toMatchObject({
        type: 'proportion',
        event: added,
      });
      const history = await t.api.get(`/v1/experiments/${experiment.key}/history`).set(admin());
      expect(history.body.items.at(-1).changes).toEqual([
        { field: 'metrics.guardrails', from: [guardrail, primary], to: [guardrail, added] },
      ]);
    });

    it('adds secondary metrics to a running experiment, and clears its own window with null', async () => {
      const experiment = await createExperiment({ metrics: { primary: 'purchase', conversionWindowHours: 72 } });
      expect((await t.api.post(`/v1/experiments/${experiment.key}/start`).set(admin())).status).toBe(200);
      const secondary = uniqueKey('page-view');
      const patched = await t.api
        .patch(`/v1/experiments/${experiment.key}`)
        .set(admin())
        .send({ metrics: { secondary: [secondary] } });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect((await t.api.get(metricPath(secondary)).set(admin())).status).toBe(200);
      const window = await t.api
        .patch(`/v1/experiments/${experiment.key}`)
        .set(admin())
        .send({ metrics: { conversionWindowHours: null } });
      expect(window.status).toBe(409);
      expect(window.body.lockedFields).toEqual([expect.objectContaining({ field: 'metrics.conversionWindowHours' })]);

      const draft = await createExperiment({ metrics: { primary: 'purchase', conversionWindowHours: 72 } });
      const cleared = await t.api
        .patch(`/v1/experiments/${draft.key}`)
        .set(admin())
        .send({ metrics: { conversionWindowHours: null } });
      expect(cleared.body.metrics).toEqual({ primary: 'purchase', secondary: [], guardrails: [] });
    });

    it('adds nothing when the experiment write fails', async () => {
      const taken = await createExperiment({});
      const orphan = uniqueKey('orphan');
      const refused = await t.api
        .post('/v1/experiments')
        .set(admin())
        .send(experimentBody({ key: taken.key, metrics: { primary: orphan } }));
      expect(refused.status).toBe(409);
      expect((await t.api.get(metricPath(orphan)).set(admin())).status).toBe(404);
    });

    it('adds a name once when experiments naming it are created together', async () => {
      const shared = uniqueKey('shared');
      const responses = await Promise.all(
        Array.from({ length: 4 }, () =>
          t.api
            .post('/v1/experiments')
            .set(admin())
            .send(experimentBody({ metrics: { primary: shared } })),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
      const history = await t.api.get(`${metricPath(shared)}/history`).set(admin());
      expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['created']);
    });

    it('refuses more than 20 secondary metrics and names that are no metric key', async () => {
      const many = Array.from({ length: 21 }, (_, index) => `m${index}`);
      const response = await t.api
        .post('/v1/experiments')
        .set(admin())
        .send(experimentBody({ metrics: { primary: 'p', secondary: many, guardrails: [''] } }));
      expect(response.status).toBe(400);
      expect(errorPaths(response.body)).toEqual(['metrics.guardrails.0', 'metrics.secondary']);
    });
  });
});
