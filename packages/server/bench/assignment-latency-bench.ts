/**
 * `pnpm bench:assignments`: POST /v1/assignments latency under a bounded load (autocannon, 2,000
 * req/s for 10 s against 127.0.0.1), next to an Express hello-JSON endpoint measured in the same
 * run, on the real PostgreSQL (a database of its own).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { createBenchDatabase } from './bench-database.js';

const RATE = Number(process.env['LIFT_BENCH_RATE'] ?? 2_000);
const DURATION_S = Number(process.env['LIFT_BENCH_DURATION'] ?? 10);
const CONNECTIONS = 32;
const UNITS = 5_000;
const TARGET_P99_MS = 10;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const runner = fileURLToPath(new URL('./load-runner.mjs', import.meta.url));

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function load(options: { url: string; method: string; headers?: Record<string, string>; bodies?: string[] }): Promise<LoadResult> {
  const file = join(tmpdir(), `lift-load-${process.pid}.json`);
  await writeFile(file, JSON.stringify({ ...options, rate: RATE, duration: DURATION_S, connections: CONNECTIONS }));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [runner, file], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as LoadResult;
  } finally {
    await rm(file, { force: true });
  }
}

function describe(label: string, result: LoadResult): string {
  return `${label.padEnd(22)} ${String(Math.round(result.rps)).padStart(5)} req/s  p50 ${result.p50} ms  p90 ${result.p90} ms  p99 ${result.p99} ms  max ${result.max} ms  (${result.requests} requests, ${result.non2xx} non-2xx, ${result.errors} errors)`;
}

async function main(): Promise<void> {
  const logger = pino({ level: 'error' });
  const benchDatabase = await createBenchDatabase();
  const database = await openDatabase({ kind: 'postgres', connectionString: benchDatabase.url, poolSize: 10 }, logger);
  const servers: Server[] = [];
  try {
    await migrateToLatest(database.db);
    const lift = createApp({ database, logger });
    await lift.keys.bootstrapAdmin(ADMIN_KEY);
    const principal = await lift.keys.authenticate(ADMIN_KEY);
    if (principal === null) throw new Error('no admin');
    const sdkKey = (await lift.keys.create({ name: 'bench', role: 'sdk' }, principal)).key;
    const liftServer = createServer(lift.app);
    servers.push(liftServer);
    const liftUrl = await listen(liftServer);

    const admin = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
    for (const [key, sticky] of [
      ['bench-button', false],
      ['bench-pricing', true],
    ] as const) {
      await fetch(`${liftUrl}/v1/experiments`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          key,
          name: key,
          hypothesis: 'Latency stays low',
          sticky,
          targeting: { platform: { $in: ['iOS', 'web'] } },
          variants: [
            { key: 'control', weight: 5000 },
            { key: 'treatment', weight: 5000 },
          ],
          metrics: { primary: 'purchase' },
        }),
      });
      await fetch(`${liftUrl}/v1/experiments/${key}/start`, { method: 'POST', headers: admin });
    }

    const hello = express();
    hello.get('/hello', (_req, res) => {
      res.json({ hello: 'world' });
    });
    const helloServer = createServer(hello);
    servers.push(helloServer);
    const helloUrl = await listen(helloServer);

    const bodies = Array.from({ length: UNITS }, (_, index) => JSON.stringify({ context: { userId: `user-${index}`, platform: index % 3 === 0 ? 'web' : 'iOS' } }));
    console.log(`assignment latency: ${RATE} req/s for ${DURATION_S} s, ${CONNECTIONS} connections, ${UNITS} distinct units, 2 experiments (one sticky), loopback only`);
    const helloResult = await load({ url: `${helloUrl}/hello`, method: 'GET' });
    const assignLoad = {
      url: `${liftUrl}/v1/assignments`,
      method: 'POST',
      headers: { Authorization: `Bearer ${sdkKey}`, 'Content-Type': 'application/json' },
      bodies,
    };
    // First contact enrolls units (sticky record, exposure stored); returning units read only.
    const firstResult = await load(assignLoad);
    const assignResult = await load(assignLoad);
    console.log(describe('express hello-JSON', helloResult));
    console.log(describe('assign, first contact', firstResult));
    console.log(describe('assign, returning', assignResult));
    console.log(`p99 ratio (returning)  ${(assignResult.p99 / Math.max(helloResult.p99, 1)).toFixed(1)}x the hello-JSON endpoint (hello p99 ${helloResult.p99} ms, floored at 1 ms)`);
    console.log(`target (returning)     p99 <= ${TARGET_P99_MS} ms at ${RATE} req/s: ${assignResult.p99 <= TARGET_P99_MS && assignResult.non2xx === 0 ? 'met' : 'NOT met'}`);
    lift.close();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const server of servers) server.close();
    await database.close();
    await benchDatabase.drop();
  }
}

await main();
