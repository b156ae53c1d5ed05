import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '@lift/sdk';
import type { ServerConfig } from '../src/config.js';
import { MIGRATIONS_FOLDER } from '../src/db/migrations.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openSse } from './support/sse-client.js';
import { BACKENDS, createTestDatabase } from './support/test-database.js';
import { ADMIN_KEY, experimentBody, silentLogger } from './support/test-app.js';

function configFor(database: ServerConfig['database']): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    database,
    adminKey: ADMIN_KEY,
    logLevel: 'silent',
    app: { bodyLimit: '1mb', corsOrigins: ['*'], heartbeatMs: 15_000 },
    shutdownTimeoutMs: 2_000,
  };
}

async function post(server: RunningServer, path: string, body?: object): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe.runIf(BACKENDS.includes('postgres'))('two replicas on one PostgreSQL database', () => {
  let drop: () => Promise<void>;
  let replicas: RunningServer[] = [];
  beforeAll(async () => {
    const database = await createTestDatabase('postgres', { isEmpty: true });
    drop = database.drop;
    // Both start at once on an empty database: the advisory lock lets one migrate, the other waits.
    replicas = await Promise.all([
      startServer(configFor(database.target), silentLogger),
      startServer(configFor(database.target), silentLogger),
    ]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.shutdown()));
    await drop?.();
  });

  it('migrated once and bootstrapped one admin key', async () => {
    const [first] = replicas;
    if (first === undefined) throw new Error('no replica');
    const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      first.database.db,
    );
    const index = JSON.parse(await readFile(new URL('index.json', MIGRATIONS_FOLDER), 'utf8')) as string[];
    expect(migrations.rows.map((row) => `${row.name}.sql`)).toEqual(index);
    const admins = await sql<{
      count: string;
    }>`select count(*)::text as count from api_keys where role = 'admin'`.execute(first.database.db);
    expect(admins.rows[0]?.count).toBe('1');
  });

  it('pushes a change made through one replica to an SSE client of the other within a second, both ways', async () => {
    const [a, b] = replicas;
    if (a === undefined || b === undefined) throw new Error('no replicas');
    for (const [writer, reader] of [
      [a, b],
      [b, a],
    ] as const) {
      const stream = await openSse(`${reader.url}/v1/sdk/stream`, { Authorization: `Bearer ${ADMIN_KEY}` });
      try {
        await stream.next((event) => event.event === 'config', 2000);
        const body = experimentBody();
        expect((await post(writer, '/v1/experiments', body)).status).toBe(201);
        const startedAt = Date.now();
        expect((await post(writer, `/v1/experiments/${String(body['key'])}/start`)).status).toBe(200);
        const pushed = await stream.next(
          (event) =>
            event.event === 'config' &&
            (JSON.parse(event.data) as ConfigSnapshot).experiments.some((experiment) => experiment.key === body['key']),
          1000,
        );
        expect(Date.now() - startedAt).toBeLessThan(1000);
        expect(pushed.id).not.toBeNull();
      } finally {
        stream.close();
      }
    }
  });
  it('keeps pushing after its LISTEN connection is killed (reconnects and re-reads)', async () => {
    const [a, b] = replicas;
    if (a === undefined || b === undefined) throw new Error('no replicas');
    const stream = await openSse(`${b.url}/v1/sdk/stream`, { Authorization: `Bearer ${ADMIN_KEY}` });
    try {
      await stream.next((event) => event.event === 'config', 2000);
      const killed = await sql<{ pid: number }>`
        select pg_terminate_backend(pid) as pid from pg_stat_activity
        where datname = current_database() and query ilike 'LISTEN%'`.execute(a.database.db);
      expect(killed.rows.length).toBeGreaterThanOrEqual(2);
      const body = experimentBody();
      await post(a, '/v1/experiments', body);
      await post(a, `/v1/experiments/${String(body['key'])}/start`);
      await stream.next(
        (event) =>
          event.event === 'config' &&
          (JSON.parse(event.data) as ConfigSnapshot).experiments.some((experiment) => experiment.key === body['key']),
        5000,
      );
    } finally {
      stream.close();
    }
  });
});

describe.each(BACKENDS)('graceful shutdown on %s', (backend) => {
  it('drains an in-flight request, ends streams, refuses new connections, then closes the database', async () => {
    const { target, drop } = await createTestDatabase(backend);
    const server = await startServer(configFor(target), silentLogger);
    try {
      const stream = await openSse(`${server.url}/v1/sdk/stream`, { Authorization: `Bearer ${ADMIN_KEY}` });
      await stream.next((event) => event.event === 'config', 2000);

      // A request whose body is still arriving when SIGTERM comes.
      const body = JSON.stringify(experimentBody());
      const { request } = await import('node:http');
      const inFlight = new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/v1/experiments`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${ADMIN_KEY}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        });
        req.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 300);
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const shutdown = server.shutdown();
      await stream.ended;
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      expect(await inFlight).toBe(201);
      await shutdown;
      expect(await server.database.isReachable()).toBe(false);
    } finally {
      await server.shutdown();
      await drop();
    }
  });
});
