/**
 * `pnpm bench:assignments`: POST /v1/assignments latency under a bounded, steady load (2,000 req/s
 * for 10 s against 127.0.0.1, by autocannon), next to an Express hello-JSON endpoint measured the
 * same way in the same run, on the real PostgreSQL (a database of its own).
 *
 * The load is offered at a steady rate, not in bursts: autocannon's `overallRate` gives each
 * connection a per-second quota that it spends back to back at the start of every second, all
 * connections at the same moment, so a single run "at 2,000 req/s" measures the server at
 * saturation once a second; and its coordinated-omission correction takes 1 ms as the expected
 * interval. `load-runner.mjs` therefore runs one autocannon instance per connection (50), each
 * sending one request every 25 ms on a schedule of its own, their phases spread evenly (one
 * request every 0.5 ms overall), merges their raw latencies and corrects coordinated omission with
 * the real interval; it reports the busiest 10 ms of sends next to the steady count, so a bursty
 * run shows. See its header.
 *
 * The servers run in this process and the load generator in a child process (its own event loop,
 * so its work is not counted as the server's, and the reverse). Both share the machine's cores:
 * the hello-JSON row is the floor this machine gives any Express endpoint under the same load.
 *
 * Phases: hello-JSON; first contact (every request a unit never seen: sticky record inserted,
 * exposures stored before the answer); returning (the same units again: decided from memory, no
 * query). Between phases the bench waits until the server has answered everything and folded what
 * was stored. "server CPU" is this process's CPU time per request answered: on a busy machine it
 * is steadier than tail latency, which then mostly measures the wait for a core. "PostgreSQL CPU"
 * is the same for the bench database's backends (read from /proc), so the two show where a
 * request's cost lies.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { createExpressServer } from '../src/http/express-server.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { startBackendCpuMeter } from './backend-cpu.js';
import { createBenchDatabase } from './bench-database.js';

const RATE = Number(process.env['LIFT_BENCH_RATE'] ?? 2_000);
const DURATION_S = Number(process.env['LIFT_BENCH_DURATION'] ?? 10);
const TARGET_P99_MS = 10;
/** How long a phase may leave requests behind (a server slower than the load) before the bench gives up. */
const DRAIN_LIMIT_MS = 30_000;
const DRAIN_POLL_MS = 20;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const runner = fileURLToPath(new URL('./load-runner.mjs', import.meta.url));

interface LoadResult {
  offered: number;
  answered: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  streams: number;
  busiestWindow: number;
  steadyWindow: number;
  generatorCpu: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface MeasuredLoad extends LoadResult {
  readonly serverCpuUs: number;
  /** CPU time of the bench database's backends per request answered; null without /proc or database. */
  readonly databaseCpuUs: number | null;
}

/**
 * Runs one load in the child process; `serverCpuUs` is this process's CPU time per request
 * answered, `databaseCpuUs` that of `database`'s PostgreSQL backends (when given).
 */
async function load(
  options: { url: string; method: string; headers?: Record<string, string>; bodies?: string[] },
  database?: string,
): Promise<MeasuredLoad> {
  const file = join(tmpdir(), `lift-load-${process.pid}.json`);
  await writeFile(file, JSON.stringify({ ...options, rate: RATE, duration: DURATION_S }));
  const databaseCpu = database === undefined ? null : await startBackendCpuMeter(database);
  try {
    const before = process.cpuUsage();
    const { stdout } = await promisify(execFile)(process.execPath, [runner, file], { maxBuffer: 1 << 20 });
    const used = process.cpuUsage(before);
    const databaseSeconds = (await databaseCpu?.seconds()) ?? null;
    const result = JSON.parse(stdout) as LoadResult;
    const answered = Math.max(result.answered, 1);
    return {
      ...result,
      serverCpuUs: Math.round((used.user + used.system) / answered),
      databaseCpuUs: databaseSeconds === null ? null : Math.round((databaseSeconds * 1e6) / answered),
    };
  } finally {
    databaseCpu?.stop();
    await rm(file, { force: true });
  }
}

/** Counts the requests a server has not answered yet. */
function trackInFlight(server: Server): () => number {
  let inFlight = 0;
  server.on('request', (_req, res: ServerResponse) => {
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
  });
  return () => inFlight;
}

/** Waits until the server has answered everything (the load generator stops sending on time, not the server). */
async function drain(inFlight: () => number): Promise<number> {
  const startedAt = Date.now();
  while (inFlight() > 0) {
    if (Date.now() - startedAt > DRAIN_LIMIT_MS)
      throw new Error(`${inFlight()} requests still unanswered ${DRAIN_LIMIT_MS} ms after the load stopped`);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  return Date.now() - startedAt;
}

function describe(label: string, result: MeasuredLoad): string {
  const databaseCpu = result.databaseCpuUs === null ? '' : `, PostgreSQL CPU ${result.databaseCpuUs} µs/request`;
  return (
    `${label.padEnd(22)} ${String(Math.round(result.rps)).padStart(5)} req/s  p50 ${result.p50} ms  p90 ${result.p90} ms  p99 ${result.p99} ms  p99.9 ${result.p999} ms  max ${result.max} ms` +
    `  (${result.requests} counted, ${result.answered}/${result.offered} answered, ${result.non2xx} non-2xx, ${result.errors} errors; busiest 10 ms: ${result.busiestWindow} sends, steady ${result.steadyWindow}; server CPU ${result.serverCpuUs} µs/request${databaseCpu}, generator ${result.generatorCpu} core)`
  );
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
    const liftServer = createExpressServer(lift.app);
    const liftInFlight = trackInFlight(liftServer);
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

    // One unit per request, so the first phase is first contact throughout.
    const units = RATE * DURATION_S;
    const bodies = Array.from({ length: units }, (_, index) =>
      JSON.stringify({ context: { userId: `user-${index}`, platform: index % 3 === 0 ? 'web' : 'iOS' } }),
    );
    console.log(
      `assignment latency: ${RATE} req/s for ${DURATION_S} s (first second is warm-up), steady, ${units} distinct units, 2 experiments (one sticky), loopback only`,
    );
    const helloResult = await load({ url: `${helloUrl}/hello`, method: 'GET' });
    const assignLoad = {
      url: `${liftUrl}/v1/assignments`,
      method: 'POST',
      headers: { Authorization: `Bearer ${sdkKey}`, 'Content-Type': 'application/json' },
      bodies,
    };
    // First contact enrolls units (sticky record, exposure stored); returning units read only.
    const firstResult = await load(assignLoad, benchDatabase.name);
    const firstBacklogMs = await drain(liftInFlight);
    // The stored exposures are folded into per-unit facts in the background; finish that first,
    // so the returning phase is measured alone.
    await lift.facts.foldNow();
    const assignResult = await load(assignLoad, benchDatabase.name);
    const returningBacklogMs = await drain(liftInFlight);
    console.log(describe('express hello-JSON', helloResult));
    console.log(describe('assign, first contact', firstResult));
    console.log(describe('assign, returning', assignResult));
    if (firstBacklogMs + returningBacklogMs > DRAIN_POLL_MS) {
      console.log(
        `backlog                answered ${firstBacklogMs} ms (first contact) and ${returningBacklogMs} ms (returning) after the load stopped: the server fell behind`,
      );
    }
    console.log(
      `p99 ratio (returning)  ${(assignResult.p99 / Math.max(helloResult.p99, 1)).toFixed(1)}x the hello-JSON endpoint (hello p99 ${helloResult.p99} ms, floored at 1 ms)`,
    );
    const isMet =
      assignResult.p99 <= TARGET_P99_MS &&
      assignResult.non2xx === 0 &&
      assignResult.errors === 0 &&
      assignResult.answered === assignResult.offered;
    console.log(`target (returning)     p99 <= ${TARGET_P99_MS} ms at ${RATE} req/s: ${isMet ? 'met' : 'NOT met'}`);
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
