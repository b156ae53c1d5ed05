import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.js';
import { conversionEvent, exposureEvent } from './support/event-builders.js';
import { createTestApp, experimentBody, startExperiment, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;
/** Large enough to be stored by COPY on PostgreSQL (smaller batches take one INSERT). */
const COPY_SIZED_BATCH = 120;

interface ExposureRow {
  unit: string;
  variant: string;
  first_exposed_at: Date;
  is_multiple: boolean;
}

interface FactRow {
  metric: string;
  unit: string;
  first_converted_at: Date;
  conversions: number;
  value_sum: number;
}

describe.each(BACKENDS)('POST /v1/events on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const sdk = () => ({ Authorization: `Bearer ${t.keys.sdk}` });
  const start = (overrides: Record<string, unknown> = {}) => startExperiment(t.lift.app, t.keys.admin, overrides);
  const send = (events: unknown[]) => t.api.post('/v1/events').set(sdk()).send({ events });
  const exposure = exposureEvent;
  const conversion = conversionEvent;
  const count = async (table: 'events') =>
    Number(
      (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(t.database.db)).rows[0]?.n,
    );
  const exposures = async (experimentId: string) => {
    await t.lift.facts.foldNow();
    return (
      await sql<ExposureRow>`select unit, variant, first_exposed_at, is_multiple from unit_exposures where experiment_id = ${experimentId} order by unit`.execute(
        t.database.db,
      )
    ).rows;
  };
  const facts = async (experimentId: string) => {
    await t.lift.facts.foldNow();
    return (
      await sql<FactRow>`select metric, unit, first_converted_at, conversions, value_sum from unit_metric_facts where experiment_id = ${experimentId} order by unit, metric`.execute(
        t.database.db,
      )
    ).rows;
  };

  it('stores a batch, answers 202 with counts, and stores nothing twice when it is replayed', async () => {
    const experiment = await start();
    const now = Date.now();
    const batch = [
      exposure(experiment.key, 'control', 'u1', now - HOUR),
      conversion('purchase', 'u1', now, 10),
      conversion('purchase', 'u1', now, 5),
    ];
    const before = await count('events');
    const first = await send(batch);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body).toEqual({ accepted: 3, duplicates: 0 });
    const replay = await send(batch);
    expect(replay.body).toEqual({ accepted: 0, duplicates: 3 });
    const overlapping = await send([batch[0], conversion('purchase', 'u1', now, 1)]);
    expect(overlapping.body).toEqual({ accepted: 1, duplicates: 1 });
    expect(await count('events')).toBe(before + 4);
    const [fact] = await facts(experiment.id);
    expect(fact).toMatchObject({ metric: 'purchase', unit: 'u1', conversions: 3, value_sum: 16 });
  });

  it('stores units and properties exactly, whatever characters they hold, in small batches and in COPY-sized ones', async () => {
    const unit = 'u\t1\\n\n\r"Zürich" 用户 \u{1F600}\\';
    const properties = { note: 'tab\there\nline\\end\r', nested: { list: [1, 'a\\b', null, true] } };
    for (const size of [1, COPY_SIZED_BATCH]) {
      const event = { ...conversion('purchase', unit, Date.now(), 1.5e-7), properties };
      const padding = Array.from({ length: size - 1 }, (_, index) =>
        conversion('purchase', `pad-${index}`, Date.now(), index),
      );
      const response = await send([...padding, event]);
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      expect(response.body).toEqual({ accepted: size, duplicates: 0 });
      const stored = (
        await sql<{
          unit: string;
          value: number;
          properties: unknown;
        }>`select unit, value, properties from events where id = ${event.id}`.execute(t.database.db)
      ).rows;
      expect(stored).toEqual([{ unit, value: 1.5e-7, properties }]);
    }
  });

  it('stores nothing twice when a COPY-sized batch is replayed whole or in part', async () => {
    const before = await count('events');
    const batch = Array.from({ length: COPY_SIZED_BATCH }, (_, index) =>
      conversion('purchase', `big-${index}`, Date.now(), 1),
    );
    expect((await send(batch)).body).toEqual({ accepted: COPY_SIZED_BATCH, duplicates: 0 });
    expect((await send(batch)).body).toEqual({ accepted: 0, duplicates: COPY_SIZED_BATCH });
    const fresh = Array.from({ length: 10 }, (_, index) => conversion('purchase', `big-new-${index}`, Date.now(), 1));
    expect((await send([...batch.slice(10), ...fresh])).body).toEqual({
      accepted: 10,
      duplicates: COPY_SIZED_BATCH - 10,
    });
    expect(await count('events')).toBe(before + COPY_SIZED_BATCH + 10);
  });

  it('checks exposures against a draft’s variants as they are now, and a started experiment’s for good', async () => {
    const body = experimentBody();
    const key = String(body['key']);
    const admin = { Authorization: `Bearer ${t.keys.admin}` };
    expect((await t.api.post('/v1/experiments').set(admin).send(body)).status).toBe(201);
    expect((await send([exposure(key, 'treatment', 'd1', Date.now())])).status).toBe(202);
    const renamed = [
      { key: 'control', weight: 5000 },
      { key: 'moved', weight: 5000 },
    ];
    expect((await t.api.patch(`/v1/experiments/${key}`).set(admin).send({ variants: renamed })).status).toBe(200);
    const stale = await send([exposure(key, 'treatment', 'd2', Date.now())]);
    expect(stale.status).toBe(400);
    expect(stale.body.errors).toEqual([expect.objectContaining({ path: 'events.0.variant' })]);
    expect((await send([exposure(key, 'moved', 'd3', Date.now())])).status).toBe(202);
    expect((await t.api.post(`/v1/experiments/${key}/start`).set(admin)).status).toBe(200);
    expect((await send([exposure(key, 'moved', 'd4', Date.now())])).status).toBe(202);
    expect((await send([exposure(key, 'treatment', 'd5', Date.now())])).status).toBe(400);
  });

  it('counts an id repeated inside one batch once', async () => {
    const experiment = await start();
    const event = exposure(experiment.key, 'treatment', 'dup', Date.now());
    const response = await send([event, event, { ...event }]);
    expect(response.body).toEqual({ accepted: 1, duplicates: 2 });
    expect(await exposures(experiment.id)).toHaveLength(1);
  });

  it('rejects a batch with any invalid event whole, naming each by index and path', async () => {
    const experiment = await start();
    const before = await count('events');
    const now = Date.now();
    const batch = [
      exposure(experiment.key, 'control', 'ok', now),
      exposure('no-such-experiment', 'control', 'u', now),
      exposure(experiment.key, 'no-such-variant', 'u', now),
      conversion('purchase', 'u', now + 10 * 60_000),
      { ...conversion('purchase', 'u', now), id: 'not-a-uuid' },
      { type: 'click', id: randomUUID(), unit: 'u', timestamp: new Date(now).toISOString() },
      { ...conversion('purchase', 'u', now), timestamp: 'yesterday' },
      { ...conversion('purchase', 'u', now), unit: 42 },
    ];
    const response = await send(batch);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const errors = response.body.errors as { index: number; path: string; message: string }[];
    expect(new Set(errors.map((error) => error.index))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(errors).toContainEqual(expect.objectContaining({ index: 1, path: 'events.1.experiment' }));
    expect(errors).toContainEqual(expect.objectContaining({ index: 2, path: 'events.2.variant' }));
    expect(errors).toContainEqual(expect.objectContaining({ index: 3, path: 'events.3.timestamp' }));
    expect(errors).toContainEqual(expect.objectContaining({ index: 4, path: 'events.4.id' }));
    expect(errors).toContainEqual(expect.objectContaining({ index: 7, path: 'events.7.unit' }));
    expect(await count('events')).toBe(before);
    expect(await exposures(experiment.id)).toHaveLength(0);
  });

  it('refuses a non-finite value (1e400 parses to Infinity)', async () => {
    const event = conversion('purchase', 'u', Date.now());
    const body = `{"events":[${JSON.stringify(event).replace(/}$/, ',"value":1e400}')}]}`;
    const response = await t.api.post('/v1/events').set(sdk()).set('Content-Type', 'application/json').send(body);
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ index: 0, path: 'events.0.value' }));
  });

  it('refuses empty batches, batches over 1000 events (400) and bodies over 1 MB (413)', async () => {
    expect((await send([])).status).toBe(400);
    const now = Date.now();
    const tooMany = Array.from({ length: 1001 }, (_, index) => conversion('purchase', `u${index}`, now));
    const response = await send(tooMany);
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ path: 'events' });
    const huge = [{ ...conversion('purchase', 'u', now), properties: { blob: 'x'.repeat(1_100_000) } }];
    expect((await send(huge)).status).toBe(413);
  });

  it('needs the sdk (or admin) role', async () => {
    const event = conversion('purchase', 'u', Date.now());
    expect((await t.api.post('/v1/events').send({ events: [event] })).status).toBe(401);
    expect(
      (
        await t.api
          .post('/v1/events')
          .set({ Authorization: `Bearer ${t.keys.analyst}` })
          .send({ events: [event] })
      ).status,
    ).toBe(403);
  });

  it('counts a unit in the variant of its earliest exposure, even when it arrives last, and flags a second variant', async () => {
    const experiment = await start();
    const now = Date.now();
    await send([exposure(experiment.key, 'treatment', 'late', now - HOUR)]);
    await send([exposure(experiment.key, 'control', 'late', now - 2 * HOUR)]);
    await send([
      exposure(experiment.key, 'control', 'steady', now - 2 * HOUR),
      exposure(experiment.key, 'control', 'steady', now - HOUR),
    ]);
    const rows = await exposures(experiment.id);
    expect(rows).toEqual([
      { unit: 'late', variant: 'control', first_exposed_at: new Date(now - 2 * HOUR), is_multiple: true },
      { unit: 'steady', variant: 'control', first_exposed_at: new Date(now - 2 * HOUR), is_multiple: false },
    ]);
  });

  it('keeps metric facts: only conversions at or after the first exposure and inside the window, primary and guardrails', async () => {
    const experiment = await start({
      metrics: { primary: 'purchase', guardrails: ['refund'], conversionWindowHours: 24 },
    });
    const now = Date.now();
    const exposedAt = now - 30 * HOUR;
    await send([
      exposure(experiment.key, 'treatment', 'u', exposedAt),
      conversion('purchase', 'u', exposedAt - HOUR, 100), // before the exposure
      conversion('purchase', 'u', exposedAt, 7), // at the exposure
      conversion('purchase', 'u', exposedAt + 23 * HOUR, 3),
      conversion('purchase', 'u', exposedAt + 25 * HOUR, 1000), // outside the 24 h window
      conversion('refund', 'u', exposedAt + HOUR),
      conversion('page-view', 'u', exposedAt + HOUR), // not a metric of this experiment
      conversion('purchase', 'never-exposed', exposedAt + HOUR, 9),
    ]);
    expect(await facts(experiment.id)).toEqual([
      { metric: 'purchase', unit: 'u', first_converted_at: new Date(exposedAt), conversions: 2, value_sum: 10 },
      { metric: 'refund', unit: 'u', first_converted_at: new Date(exposedAt + HOUR), conversions: 1, value_sum: 0 },
    ]);
    // Incremental: later batches add to the facts.
    await send([conversion('purchase', 'u', exposedAt + 2 * HOUR, 5)]);
    expect((await facts(experiment.id))[0]).toMatchObject({ conversions: 3, value_sum: 15 });
  });

  it('recomputes a unit’s facts from its raw conversions when its exposure arrives after them, or moves earlier', async () => {
    const experiment = await start({ metrics: { primary: 'purchase', conversionWindowHours: 10 } });
    const now = Date.now();
    await send([
      conversion('purchase', 'late-u', now - 5 * HOUR, 1),
      conversion('purchase', 'late-u', now - 2 * HOUR, 2),
    ]);
    expect(await facts(experiment.id)).toEqual([]);
    await send([exposure(experiment.key, 'control', 'late-u', now - 3 * HOUR)]);
    expect(await facts(experiment.id)).toEqual([
      {
        metric: 'purchase',
        unit: 'late-u',
        first_converted_at: new Date(now - 2 * HOUR),
        conversions: 1,
        value_sum: 2,
      },
    ]);
    // An earlier exposure moves the window [first, first + 10 h): now both conversions count.
    await send([exposure(experiment.key, 'control', 'late-u', now - 6 * HOUR)]);
    expect(await facts(experiment.id)).toEqual([
      {
        metric: 'purchase',
        unit: 'late-u',
        first_converted_at: new Date(now - 5 * HOUR),
        conversions: 2,
        value_sum: 3,
      },
    ]);
    // Much earlier: the window [now - 20 h, now - 10 h) holds neither, so the facts go.
    await send([exposure(experiment.key, 'control', 'late-u', now - 20 * HOUR)]);
    expect(await facts(experiment.id)).toEqual([]);
  });

  it.each([
    ['one after another', false],
    ['concurrently', true],
  ])('agrees with a from-scratch recomputation after shuffled batches sent %s', async (_mode, isConcurrent) => {
    const experiment = await start({
      metrics: { primary: 'purchase', guardrails: ['refund'], conversionWindowHours: 5 },
    });
    const now = Date.now() - 48 * HOUR;
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const events: Record<string, unknown>[] = [];
    for (let index = 0; index < 300; index += 1) {
      const unit = `r${isConcurrent ? 'c' : 's'}${Math.floor(random() * 20)}`;
      const at = now + Math.floor(random() * 20) * HOUR;
      if (random() < 0.3) events.push(exposure(experiment.key, random() < 0.5 ? 'control' : 'treatment', unit, at));
      else events.push(conversion(random() < 0.7 ? 'purchase' : 'refund', unit, at, Math.floor(random() * 10)));
    }
    const batches = Array.from({ length: Math.ceil(events.length / 37) }, (_, index) =>
      events.slice(index * 37, index * 37 + 37),
    );
    if (isConcurrent) {
      // Exposures and conversions of the same units race in separate transactions.
      const responses = await Promise.all(batches.map((batch) => send(batch)));
      expect(responses.map((response) => response.status)).toEqual(batches.map(() => 202));
    } else {
      for (const batch of batches) expect((await send(batch)).status).toBe(202);
    }
    const expected = await sql<FactRow>`
      with first as (
        select unit, min(occurred_at) as at from events where type = 'exposure' and experiment_id = ${experiment.id} group by unit
      )
      select ev.name as metric, ev.unit, min(ev.occurred_at) as first_converted_at, count(*)::int as conversions, sum(ev.value) as value_sum
      from events ev join first f on f.unit = ev.unit
      where ev.type = 'conversion' and ev.name in ('purchase', 'refund') and ev.occurred_at >= f.at and ev.occurred_at < f.at + interval '5 hours'
      group by ev.name, ev.unit order by ev.unit, ev.name`.execute(t.database.db);
    expect(expected.rows.length).toBeGreaterThan(0);
    expect(await facts(experiment.id)).toEqual(expected.rows);
  });
});
