import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventsRepository } from '../src/events/events-repository.js';
import { EventsService, type EventsServiceOptions } from '../src/events/events-service.js';
import { ExperimentsRepository } from '../src/experiments/experiments-repository.js';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const compact = (ms: number) => day(ms).replaceAll('-', '');

describe.each(BACKENDS)('event partitions and retention on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const eventsService = (options: EventsServiceOptions = {}) =>
    new EventsService(new EventsRepository(t.database.db), new ExperimentsRepository(t.database.db), options);
  const partitions = async () =>
    (await new EventsRepository(t.database.db).listPartitions()).map((partition) => partition.name);
  const conversion = (id = randomUUID()) => ({
    id,
    type: 'conversion',
    name: 'purchase',
    unit: 'p',
    timestamp: new Date().toISOString(),
  });

  it('creates daily partitions ahead, and rows land in the partition of their day', async () => {
    const now = Date.now();
    await eventsService().maintainPartitions();
    const names = await partitions();
    for (let offset = 0; offset <= 3; offset += 1) {
      expect(names).toContain(`events_p${compact(now + offset * DAY)}`);
    }
    const id = randomUUID();
    expect(
      (
        await t.api
          .post('/v1/events')
          .set({ Authorization: `Bearer ${t.keys.sdk}` })
          .send({ events: [conversion(id)] })
      ).status,
    ).toBe(202);
    const placed = await sql<{
      partition: string;
    }>`select tableoid::regclass::text as partition from events where id = ${id}`.execute(t.database.db);
    expect(placed.rows[0]?.partition).toBe(`events_p${compact(Date.now())}`);
    // Running it again changes nothing.
    expect(await eventsService().maintainPartitions()).toEqual({
      created: [],
      dropped: [],
    });
  });

  it('treats an id received yesterday as a duplicate (the idempotency lookback)', async () => {
    const id = randomUUID();
    const yesterday = day(Date.now() - DAY);
    await sql`insert into events (id, type, name, unit, occurred_at, received_on) values (${id}, 'conversion', 'purchase', 'p', now(), ${yesterday})`.execute(
      t.database.db,
    );
    const response = await t.api
      .post('/v1/events')
      .set({ Authorization: `Bearer ${t.keys.sdk}` })
      .send({ events: [conversion(id)] });
    expect(response.body).toEqual({ accepted: 0, duplicates: 1 });
    // In a batch large enough to be stored by COPY on PostgreSQL, too.
    const others = Array.from({ length: 119 }, () => conversion());
    const large = await t.api
      .post('/v1/events')
      .set({ Authorization: `Bearer ${t.keys.sdk}` })
      .send({ events: [...others, conversion(id)] });
    expect(large.body).toEqual({ accepted: 119, duplicates: 1 });
  });

  it('drops whole days past retention', async () => {
    const later = Date.now() + 200 * DAY;
    const service = eventsService({ now: () => later, retention: { eventDays: 90 } });
    const { dropped } = await service.maintainPartitions();
    expect(dropped).toContain(`events_p${compact(Date.now())}`);
    const names = await partitions();
    expect(names).toContain(`events_p${compact(later)}`);
    expect(names).not.toContain(`events_p${compact(Date.now())}`);
  });
});
