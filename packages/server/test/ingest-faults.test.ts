import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import { createClient, type FetchLike } from '@lift/sdk';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { DatabaseHandle } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { createExpressServer } from '../src/http/express-server.js';
import { BACKENDS } from './support/test-database.js';
import { listenOnLoopback } from './support/loopback.js';
import { createTestApp, experimentBody, silentLogger, type TestApp } from './support/test-app.js';

const KILL_INTERVAL_MS = 25;
const KILL_DURATION_MS = 2_500;
const UNITS = 400;

function conversion(unit: string): Record<string, unknown> {
  return { id: randomUUID(), type: 'conversion', name: 'purchase', unit, timestamp: new Date().toISOString() };
}

describe('with the database unreachable', () => {
  let server: Server;
  let url: string;
  let db: Kysely<Database>;
  beforeAll(async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 1_000,
    });
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const database: DatabaseHandle = {
      kind: 'postgres',
      db,
      feed: { subscribe: () => () => undefined, close: async () => undefined },
      isReachable: async () => false,
      close: () => db.destroy(),
    };
    server = createExpressServer(createApp({ database, logger: silentLogger }).app);
    url = await listenOnLoopback(server);
  });
  afterAll(async () => {
    server?.close();
    await db?.destroy();
  });

  it.each([
    ['/v1/events', { events: [conversion('u')] }],
    ['/v1/assignments', { context: { userId: 'u' } }],
  ])('POST %s answers 503 problem+json with Retry-After, not 500', async (path, body) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer some-sdk-key-0123456789', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ status: 503, code: 'database-unavailable' });
  });
});

describe.each(BACKENDS)('bounded ingest on %s', (backend) => {
  let t: TestApp;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp(backend, { maxInFlightIngest: 1 });
    server = createExpressServer(t.lift.app);
    url = await listenOnLoopback(server);
  });
  afterAll(async () => {
    server?.close();
    await t?.close();
  });

  it('answers 503 with Retry-After past the in-flight bound, before reading the body', async () => {
    const body = JSON.stringify({ events: [conversion('slow')] });
    const slow = httpRequest(`${url}/v1/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${t.keys.sdk}`,
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
      },
    });
    const slowResponse = new Promise<number>((resolve, reject) => {
      slow.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      slow.on('error', reject);
    });
    slow.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rejected = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.keys.sdk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [conversion('fast')] }),
    });
    expect(rejected.status).toBe(503);
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(await rejected.json()).toMatchObject({ code: 'overloaded' });
    slow.end(body.slice(10));
    expect(await slowResponse).toBe(202);
    const after = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.keys.sdk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [conversion('fast')] }),
    });
    expect(after.status).toBe(202);
  });
});

describe.runIf(BACKENDS.includes('postgres'))('connections killed mid-ingest (pg_terminate_backend)', () => {
  let t: TestApp;
  let server: Server;
  let url: string;
  let killer: pg.Client;
  beforeAll(async () => {
    t = await createTestApp('postgres');
    server = createExpressServer(t.lift.app);
    url = await listenOnLoopback(server);
    const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(t.database.db);
    const connectionUrl = new URL(process.env['LIFT_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
    connectionUrl.pathname = `/${rows[0]?.db ?? ''}`;
    killer = new pg.Client({ connectionString: connectionUrl.toString() });
    await killer.connect();
  });
  afterAll(async () => {
    await killer?.end();
    server?.close();
    await t?.close();
  });

  it(
    'stores every event the SDK client delivers exactly once, and never acknowledges what it did not store',
    { timeout: 120_000 },
    async () => {
      const body = experimentBody();
      expect(
        (
          await t.api
            .post('/v1/experiments')
            .set({ Authorization: `Bearer ${t.keys.admin}` })
            .send(body)
        ).status,
      ).toBe(201);
      expect(
        (
          await t.api
            .post(`/v1/experiments/${String(body['key'])}/start`)
            .set({ Authorization: `Bearer ${t.keys.admin}` })
        ).status,
      ).toBe(200);

      const sent = new Set<string>();
      const acknowledged = new Set<string>();
      const statuses = new Map<number, number>();
      const problems: unknown[] = [];
      const recordingFetch: FetchLike = async (input, init) => {
        const isEvents = String(input).endsWith('/v1/events');
        const ids =
          isEvents && typeof init?.body === 'string'
            ? (JSON.parse(init.body) as { events: { id: string }[] }).events.map((event) => event.id)
            : [];
        for (const id of ids) sent.add(id);
        const response = await fetch(input as string, init as RequestInit);
        if (isEvents) {
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 202) for (const id of ids) acknowledged.add(id);
          if (response.status === 503) {
            expect(response.headers.get('retry-after')).not.toBeNull();
            problems.push(await response.clone().json());
          }
        }
        return response;
      };
      const client = createClient({
        serverUrl: url,
        sdkKey: t.keys.sdk,
        fetch: recordingFetch,
        refresh: 'none',
        flushIntervalMs: 10,
        maxBatchSize: 100,
        maxQueueSize: 100_000,
        closeTimeoutMs: 90_000,
        openTelemetry: false,
      });
      expect(await client.ready({ timeoutMs: 5_000 })).toBe(true);

      let isKilling = true;
      let kills = 0;
      const killing = (async () => {
        while (isKilling) {
          const result = await killer.query(
            'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = $1',
            ['active'],
          );
          kills += (result.rows[0] as { n: number }).n;
          await new Promise((resolve) => setTimeout(resolve, KILL_INTERVAL_MS));
        }
      })();
      const started = Date.now();
      let round = 0;
      while (Date.now() - started < KILL_DURATION_MS) {
        for (let unit = 0; unit < UNITS; unit += 1) {
          const context = { userId: `killed-${round}-${unit}` };
          client.decide(String(body['key']), context);
          client.track('purchase', context, unit);
        }
        round += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      isKilling = false;
      await killing;
      await client.close();

      expect(client.pendingEvents).toBe(0);
      expect(kills).toBeGreaterThan(0);
      expect(statuses.get(500)).toBeUndefined();
      expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect(
        problems.every(
          (problem) =>
            (problem as { code?: string }).code === 'database-unavailable' ||
            (problem as { code?: string }).code === 'overloaded',
        ),
      ).toBe(true);
      const stored = await sql<{
        id: string;
        copies: number;
      }>`select id::text, count(*)::int as copies from events group by id`.execute(t.database.db);
      const storedIds = new Set(stored.rows.map((row) => row.id));
      expect(stored.rows.filter((row) => row.copies !== 1)).toEqual([]);
      expect([...acknowledged].filter((id) => !storedIds.has(id))).toEqual([]);
      expect([...sent].filter((id) => !storedIds.has(id))).toEqual([]);
      expect(storedIds.size).toBe(sent.size);
      expect(sent.size).toBe(round * UNITS * 2);
      // The facts agree with the raw events that survived the kills.
      await t.lift.facts.foldNow();
      const exposures = await sql<{ n: number }>`select count(*)::int as n from unit_exposures`.execute(t.database.db);
      expect(exposures.rows[0]?.n).toBe(round * UNITS);
      const facts = await sql<{
        n: number;
      }>`select coalesce(sum(conversions), 0)::int as n from unit_metric_facts`.execute(t.database.db);
      expect(facts.rows[0]?.n).toBe(round * UNITS);
    },
  );
});
