/**
 * `pnpm bench:ingest`: 1,000,000 events over HTTP in 1000-event batches from 4 concurrent clients
 * into the real PostgreSQL (a database of its own), then a bare COPY of the same rows through
 * pg-copy-streams as the ceiling, and the ratio. The clients run in a child process
 * (ingest-load.mjs); traffic goes to 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createEventId } from '@lift/sdk';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { createExpressServer } from '../src/http/express-server.js';
import { encodeCopyRow } from '../src/events/copy-ingest.js';
import { startBackendCpuMeter, type BackendCpuMeter } from './backend-cpu.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { createBenchDatabase } from './bench-database.js';

const TOTAL_EVENTS = Number(process.env['LIFT_BENCH_EVENTS'] ?? 1_000_000);
const BATCH_SIZE = 1000;
const CLIENTS = 4;
const EXPOSURES_PER_BATCH = 250;
const POOL_SIZE = 8;
const TARGET_EVENTS_PER_SECOND = 100_000;
const TARGET_RATIO = 0.2;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

interface BenchEvent {
  id: string;
  type: 'exposure' | 'conversion';
  experiment?: string;
  variant?: string;
  name?: string;
  unit: string;
  value?: number;
  timestamp: string;
}

/** Each batch exposes 250 new units and converts 750 times among units exposed so far. */
function buildBatches(experiment: string): BenchEvent[][] {
  const batches: BenchEvent[][] = [];
  const start = Date.now() - 60 * 60 * 1000;
  let exposed = 0;
  for (let batchIndex = 0; batchIndex < TOTAL_EVENTS / BATCH_SIZE; batchIndex += 1) {
    const batch: BenchEvent[] = [];
    const at = new Date(start + batchIndex * 1000).toISOString();
    for (let index = 0; index < EXPOSURES_PER_BATCH; index += 1) {
      const unit = `user-${exposed}`;
      exposed += 1;
      batch.push({
        id: createEventId(),
        type: 'exposure',
        experiment,
        variant: exposed % 2 === 0 ? 'control' : 'treatment',
        unit,
        timestamp: at,
      });
    }
    for (let index = EXPOSURES_PER_BATCH; index < BATCH_SIZE; index += 1) {
      const unit = `user-${Math.floor(Math.random() * exposed)}`;
      const later = new Date(start + batchIndex * 1000 + 500).toISOString();
      batch.push({
        id: createEventId(),
        type: 'conversion',
        name: index % 3 === 0 ? 'refund' : 'purchase',
        unit,
        value: (index % 50) + 0.5,
        timestamp: later,
      });
    }
    batches.push(batch);
  }
  return batches;
}

function copyLine(event: BenchEvent, experimentId: string, day: string): string {
  const { id, type, variant = null, name = null, unit, value = null, timestamp } = event;
  return encodeCopyRow([
    id,
    type,
    type === 'exposure' ? experimentId : null,
    variant,
    name,
    unit,
    value,
    null,
    timestamp,
    day,
  ]);
}

async function main(): Promise<void> {
  const logger = pino({ level: 'error' });
  const benchDatabase = await createBenchDatabase();
  try {
    const database = await openDatabase(
      { kind: 'postgres', connectionString: benchDatabase.url, poolSize: POOL_SIZE },
      logger,
    );
    await migrateToLatest(database.db);
    const lift = createApp({ database, logger, options: { maxInFlightIngest: CLIENTS * 2 } });
    await lift.keys.bootstrapAdmin(ADMIN_KEY);
    const principal = await lift.keys.authenticate(ADMIN_KEY);
    if (principal === null) throw new Error('no admin');
    const sdkKey = (await lift.keys.create({ name: 'bench', role: 'sdk' }, principal)).key;
    const server = createExpressServer(lift.app);
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const admin = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
    const experimentKey = 'bench-checkout';
    const created = await fetch(`${url}/v1/experiments`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        key: experimentKey,
        name: 'Bench',
        hypothesis: 'Ingest keeps up',
        variants: [
          { key: 'control', weight: 5000 },
          { key: 'treatment', weight: 5000 },
        ],
        metrics: { primary: 'purchase', guardrails: ['refund'] },
      }),
    });
    const experimentId = ((await created.json()) as { id: string }).id;
    await fetch(`${url}/v1/experiments/${experimentKey}/start`, { method: 'POST', headers: admin });

    const batches = buildBatches(experimentKey);
    const bodiesFile = join(tmpdir(), `lift-ingest-${process.pid}.ndjson`);
    await writeFile(bodiesFile, batches.map((events) => JSON.stringify({ events })).join('\n'));
    console.log(
      `ingest: ${TOTAL_EVENTS.toLocaleString('en')} events, ${batches.length} batches of ${BATCH_SIZE}, ${CLIENTS} clients -> ${url}`,
    );

    // The clients run in a process of their own (the server keeps this one's event loop).
    const loader = spawn(
      process.execPath,
      [fileURLToPath(new URL('./ingest-load.mjs', import.meta.url)), bodiesFile, url, sdkKey, String(CLIENTS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const closed = once(loader, 'close');
    const output = createInterface({ input: loader.stdout });
    let startedAt = 0;
    let serverCpuAtStart = process.cpuUsage();
    let databaseCpu: BackendCpuMeter | undefined;
    let load: { seconds: number; retries: number; cpuSeconds: number } | undefined;
    for await (const line of output) {
      if (line === 'start') {
        startedAt = performance.now();
        serverCpuAtStart = process.cpuUsage();
        databaseCpu = await startBackendCpuMeter(benchDatabase.name);
      } else {
        load = JSON.parse(line) as { seconds: number; retries: number; cpuSeconds: number };
      }
    }
    const [exitCode] = (await closed) as [number | null];
    await rm(bodiesFile, { force: true });
    if (exitCode !== 0 || load === undefined) throw new Error(`the load process failed (exit ${exitCode})`);
    const { seconds: httpSeconds, retries } = load;
    const httpRate = TOTAL_EVENTS / httpSeconds;
    // The per-unit facts are folded in sweeps beside ingest; the time until they include every
    // acknowledged event counts too.
    await lift.facts.foldNow();
    const foldedSeconds = (performance.now() - startedAt) / 1000;
    const endToEndRate = TOTAL_EVENTS / foldedSeconds;
    const serverCpu = process.cpuUsage(serverCpuAtStart);
    const serverCpuSeconds = (serverCpu.user + serverCpu.system) / 1e6;
    const databaseCpuSeconds = (await databaseCpu?.seconds()) ?? null;
    databaseCpu?.stop();

    const checkClient = new pg.Client({ connectionString: benchDatabase.url });
    await checkClient.connect();
    const counts = await checkClient.query(
      `select (select count(*) from events)::int as events, (select count(*) from unit_exposures)::int as units,
        (select coalesce(sum(conversions), 0) from unit_metric_facts)::int as conversions`,
    );
    const stored = counts.rows[0] as { events: number; units: number; conversions: number };
    await checkClient.end();

    // The ceiling: the same rows, COPYed into a bare table of the same columns, one stream.
    const copyClient = new pg.Client({ connectionString: benchDatabase.url });
    await copyClient.connect();
    await copyClient.query('create table copy_ceiling (like events including defaults)');
    const day = new Date().toISOString().slice(0, 10);
    const copyStartedAt = performance.now();
    const lines = (function* () {
      for (const batch of batches) yield batch.map((event) => copyLine(event, experimentId, day)).join('');
    })();
    await pipeline(
      Readable.from(lines),
      copyClient.query(
        copyFrom(
          'copy copy_ceiling (id, type, experiment_id, variant, name, unit, value, properties, occurred_at, received_on) from stdin',
        ),
      ),
    );
    const copySeconds = (performance.now() - copyStartedAt) / 1000;
    const copyRate = TOTAL_EVENTS / copySeconds;
    await copyClient.end();

    const ratio = endToEndRate / copyRate;
    const fmt = (value: number) => Math.round(value).toLocaleString('en');
    console.log(
      `HTTP ingest : ${fmt(httpRate)} events/s acknowledged (${httpSeconds.toFixed(1)} s; ${retries} batches retried after 503)`,
    );
    console.log(
      `facts folded: ${fmt(endToEndRate)} events/s until the per-unit facts included every event (${foldedSeconds.toFixed(1)} s)`,
    );
    const perEvent = (seconds: number) => `${((seconds * 1e6) / TOTAL_EVENTS).toFixed(1)} µs`;
    if (databaseCpuSeconds !== null) {
      // What one event costs the machine, ingest and fold together: the ceiling those costs leave
      // on this machine's cores, whatever else is running.
      const cpuPerEvent = (serverCpuSeconds + databaseCpuSeconds + load.cpuSeconds) / TOTAL_EVENTS;
      console.log(
        `CPU per event: ${perEvent(serverCpuSeconds)} server, ${perEvent(databaseCpuSeconds)} PostgreSQL, ${perEvent(load.cpuSeconds)} load generator -> at most ${fmt(availableParallelism() / cpuPerEvent)} events/s on ${availableParallelism()} cores`,
      );
    }
    console.log(
      `stored      : ${fmt(stored.events)} events, ${fmt(stored.units)} exposed units, ${fmt(stored.conversions)} counted conversions`,
    );
    console.log(
      `COPY ceiling: ${fmt(copyRate)} rows/s (${copySeconds.toFixed(1)} s, pg-copy-streams into a bare table)`,
    );
    console.log(`ratio       : ${ratio.toFixed(2)}x COPY (facts included)`);
    console.log(
      `targets     : >= ${fmt(TARGET_EVENTS_PER_SECOND)} events/s ${endToEndRate >= TARGET_EVENTS_PER_SECOND ? 'met' : 'NOT met'} (facts included); >= ${TARGET_RATIO}x COPY ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
    if (stored.events !== TOTAL_EVENTS) throw new Error(`stored ${stored.events} events, sent ${TOTAL_EVENTS}`);

    server.close();
    lift.close();
    await database.close();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await benchDatabase.drop();
  }
}

await main();
