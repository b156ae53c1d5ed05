/**
 * `pnpm bench:ingest-cache`: what ingest's cache of experiments out of draft
 * (src/events/fixed-experiments-cache.ts) buys on the path it serves, one small exposure batch such
 * as an assignment's. Ingests one-exposure batches into the real PostgreSQL (a database of its
 * own), alternating 100 with the cache and 100 without, and prints the wall time, the server's CPU
 * and the PostgreSQL backends' CPU per batch for each.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { pino } from 'pino';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { EventsRepository } from '../src/events/events-repository.js';
import { EventsService } from '../src/events/events-service.js';
import { FixedExperimentsCache } from '../src/events/fixed-experiments-cache.js';
import { ExperimentsRepository } from '../src/experiments/experiments-repository.js';
import { startBackendCpuMeter } from './backend-cpu.js';
import { createBenchDatabase } from './bench-database.js';

const WARM_UP_BATCHES = 300;
const ROUNDS = Number(process.env['LIFT_BENCH_ROUNDS'] ?? 20);
const BATCHES_PER_ROUND = 100;
const MICROSECONDS_PER_MILLISECOND = 1000;

interface Totals {
  wallMs: number;
  serverCpuMs: number;
  databaseCpuMs: number;
  batches: number;
}

function oneExposure(): Record<string, unknown>[] {
  const timestamp = new Date().toISOString();
  return [
    { id: randomUUID(), type: 'exposure', experiment: 'bench', variant: 'treatment', unit: randomUUID(), timestamp },
  ];
}

const bench = await createBenchDatabase();
const database = await openDatabase({ kind: 'postgres', connectionString: bench.url }, pino({ level: 'silent' }));
try {
  await migrateToLatest(database.db);
  await sql`insert into experiments (key, name, hypothesis, status, variants, coverage, unit_attribute, targeting, overrides, sticky, metrics)
    values ('bench', 'Bench', 'Caching costs nothing', 'running',
      '[{"key":"control","weight":5000},{"key":"treatment","weight":5000}]', 10000, 'userId', '{}', '{}', false,
      '{"primary":"purchase","guardrails":[],"conversionWindowHours":168}')`.execute(database.db);
  const repository = new EventsRepository(database.db, {
    copyFrom: database.copyFrom,
    runPrepared: database.runPrepared,
  });
  const reader = new ExperimentsRepository(database.db);
  const services = {
    uncached: new EventsService(repository, reader),
    cached: new EventsService(repository, new FixedExperimentsCache(reader)),
  };
  for (let index = 0; index < WARM_UP_BATCHES; index += 1) {
    await services.uncached.ingest(oneExposure());
    await services.cached.ingest(oneExposure());
  }
  const totals: Record<keyof typeof services, Totals> = {
    uncached: { wallMs: 0, serverCpuMs: 0, databaseCpuMs: 0, batches: 0 },
    cached: { wallMs: 0, serverCpuMs: 0, databaseCpuMs: 0, batches: 0 },
  };
  const meter = await startBackendCpuMeter(bench.name);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of ['uncached', 'cached'] as const) {
      const databaseBefore = (await meter.seconds()) ?? 0;
      const serverBefore = process.cpuUsage();
      const start = performance.now();
      for (let index = 0; index < BATCHES_PER_ROUND; index += 1) await services[name].ingest(oneExposure());
      const total = totals[name];
      total.wallMs += performance.now() - start;
      const server = process.cpuUsage(serverBefore);
      total.serverCpuMs += (server.user + server.system) / MICROSECONDS_PER_MILLISECOND;
      total.databaseCpuMs += (((await meter.seconds()) ?? 0) - databaseBefore) * MICROSECONDS_PER_MILLISECOND;
      total.batches += BATCHES_PER_ROUND;
    }
  }
  meter.stop();
  const perBatch = (ms: number, batches: number) => `${((ms / batches) * MICROSECONDS_PER_MILLISECOND).toFixed(0)} µs`;
  for (const [name, total] of Object.entries(totals)) {
    console.log(
      `${name.padEnd(8)}: wall ${perBatch(total.wallMs, total.batches)}, server CPU ${perBatch(total.serverCpuMs, total.batches)}, PostgreSQL CPU ${perBatch(total.databaseCpuMs, total.batches)} per one-exposure batch`,
    );
  }
} finally {
  await database.close();
  await bench.drop();
}
