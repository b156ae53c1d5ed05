import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type LiftApp } from '../src/app.js';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { conversionEvent, exposureEvent } from './support/event-builders.js';
import { BACKENDS, createTestDatabase } from './support/test-database.js';
import { ADMIN_KEY, createTestApp, silentLogger, startExperiment, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;

const exposure = exposureEvent;
const conversion = (unit: string, at: number, value = 1) => conversionEvent('purchase', unit, at, value);

async function factTotals(
  db: DatabaseHandle['db'],
  experimentId: string,
): Promise<{ units: number; conversions: number; value: number }> {
  const result = await sql<{ units: number; conversions: number; value: number }>`
    select (select count(*)::int from unit_exposures where experiment_id = ${experimentId}) as units,
      coalesce(sum(conversions), 0)::int as conversions, coalesce(sum(value_sum), 0)::float8 as value
    from unit_metric_facts where experiment_id = ${experimentId}`.execute(db);
  return result.rows[0] ?? { units: 0, conversions: 0, value: 0 };
}

describe.each(BACKENDS)('folding events into per-unit facts on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const start = () => startExperiment(t.lift.app, t.keys.admin);

  it('answers results that include every event acknowledged before the request', async () => {
    const experiment = await start();
    const now = Date.now();
    const sent = await t.api
      .post('/v1/events')
      .set({ Authorization: `Bearer ${t.keys.sdk}` })
      .send({
        events: [
          exposure(experiment.key, 'control', 'a', now - HOUR),
          exposure(experiment.key, 'treatment', 'b', now - HOUR),
          conversion('b', now),
        ],
      });
    expect(sent.status).toBe(202);
    // No wait for the background sweep: reading results folds first.
    const results = await t.api
      .get(`/v1/experiments/${experiment.key}/results`)
      .set({ Authorization: `Bearer ${t.keys.analyst}` });
    expect(results.status, JSON.stringify(results.body)).toBe(200);
    const variants = (results.body as { variants: { key: string; units: number; conversions: number }[] }).variants;
    expect(variants.map(({ key, units, conversions }) => ({ key, units, conversions }))).toEqual([
      { key: 'control', units: 1, conversions: 0 },
      { key: 'treatment', units: 1, conversions: 1 },
    ]);
  });

  it('folds in the background after ingest, and a sweep with nothing pending changes nothing', async () => {
    const experiment = await start();
    const now = Date.now();
    await t.api
      .post('/v1/events')
      .set({ Authorization: `Bearer ${t.keys.sdk}` })
      .send({ events: [exposure(experiment.key, 'control', 'bg', now - HOUR), conversion('bg', now, 4)] });
    await expect
      .poll(() => factTotals(t.database.db, experiment.id), { timeout: 5_000, interval: 50 })
      .toEqual({ units: 1, conversions: 1, value: 4 });
    await t.lift.facts.foldNow();
    await t.lift.facts.foldNow();
    expect(await factTotals(t.database.db, experiment.id)).toEqual({ units: 1, conversions: 1, value: 4 });
  });
});

describe.runIf(BACKENDS.includes('postgres'))('folding across transactions and replicas on PostgreSQL', () => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let connectionString: string;
  let replicas: LiftApp[];
  let sdkKey: string;

  beforeAll(async () => {
    const created = await createTestDatabase('postgres');
    if (created.target.kind !== 'postgres') throw new Error('expected PostgreSQL');
    connectionString = created.target.connectionString;
    drop = created.drop;
    database = await openDatabase(created.target, silentLogger);
    await migrateToLatest(database.db);
    replicas = [createApp({ database, logger: silentLogger }), createApp({ database, logger: silentLogger })];
    await replicas[0]?.keys.bootstrapAdmin(ADMIN_KEY);
    const principal = await replicas[0]?.keys.authenticate(ADMIN_KEY);
    if (principal === undefined || principal === null) throw new Error('no admin');
    sdkKey = (await replicas[0]?.keys.create({ name: 'sdk', role: 'sdk' }, principal))?.key ?? '';
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) replica.close();
    await database?.close();
    await drop?.();
  });

  const start = (replica: LiftApp) => startExperiment(replica.app, ADMIN_KEY);

  it('never skips an event whose transaction commits after a sweep began past it', async () => {
    const [replica] = replicas;
    if (replica === undefined) throw new Error('no replica');
    const experiment = await start(replica);
    const now = Date.now();
    const api = request(replica.app);
    expect(
      (
        await api
          .post('/v1/events')
          .set({ Authorization: `Bearer ${sdkKey}` })
          .send({ events: [exposure(experiment.key, 'control', 'late', now - HOUR)] })
      ).status,
    ).toBe(202);

    // A writer that holds its transaction open across several sweeps, while later ones commit.
    const slow = new pg.Client({ connectionString });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query(
        `insert into events (id, type, name, unit, value, occurred_at, received_on) values ($1, 'conversion', 'purchase', 'late', 10, $2, (now() at time zone 'UTC')::date)`,
        [randomUUID(), new Date(now).toISOString()],
      );
      expect(
        (
          await api
            .post('/v1/events')
            .set({ Authorization: `Bearer ${sdkKey}` })
            .send({ events: [conversion('late', now, 1)] })
        ).status,
      ).toBe(202);
      await replica.facts.foldNow();
      expect(await factTotals(database.db, experiment.id)).toEqual({ units: 1, conversions: 1, value: 1 });
      await slow.query('commit');
    } finally {
      await slow.end();
    }
    await replica.facts.foldNow();
    expect(await factTotals(database.db, experiment.id)).toEqual({ units: 1, conversions: 2, value: 11 });
    await replica.facts.foldNow();
    expect(await factTotals(database.db, experiment.id)).toEqual({ units: 1, conversions: 2, value: 11 });
  });

  it('counts every event once when two replicas ingest and fold at the same time', async () => {
    const [first, second] = replicas;
    if (first === undefined || second === undefined) throw new Error('no replicas');
    const experiment = await start(first);
    const now = Date.now();
    const batches = Array.from({ length: 24 }, (_, index) =>
      Array.from({ length: 20 }, (_, position) => {
        const unit = `r${(index * 7 + position) % 40}`;
        return position % 4 === 0
          ? exposure(experiment.key, index % 2 === 0 ? 'control' : 'treatment', unit, now - HOUR - index * 1000)
          : conversion(unit, now, 1);
      }),
    );
    const folds: Promise<void>[] = [];
    await Promise.all(
      batches.map(async (events, index) => {
        const replica = index % 2 === 0 ? first : second;
        const response = await request(replica.app)
          .post('/v1/events')
          .set({ Authorization: `Bearer ${sdkKey}` })
          .send({ events });
        expect(response.status).toBe(202);
        folds.push(replica.facts.foldNow());
      }),
    );
    await Promise.all(folds);
    await first.facts.foldNow();
    const expected = await sql<{ units: number; conversions: number }>`
      with first as (
        select unit, min(occurred_at) as at from events where type = 'exposure' and experiment_id = ${experiment.id} group by unit
      )
      select (select count(*)::int from first) as units, count(ev.id)::int as conversions
      from first f join events ev on ev.unit = f.unit and ev.type = 'conversion' and ev.occurred_at >= f.at and ev.occurred_at < f.at + interval '168 hours'`.execute(
      database.db,
    );
    const totals = await factTotals(database.db, experiment.id);
    expect({ units: totals.units, conversions: totals.conversions }).toEqual(expected.rows[0]);
    expect(totals.conversions).toBeGreaterThan(0);
  });
});
