// `pnpm bench:results` (builds first): the results endpoint on 1,000,000 exposed units and over
// 10,000,000 raw events, on the real PostgreSQL, against a naive per-unit GROUP BY over the raw
// events that computes the same per-variant numbers. Runs in a database of its own, created here
// and dropped at the end (LIFT_BENCH_DATABASE_URL names the server to connect to for that).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../dist/app.js';
import { openDatabase } from '../dist/db/database.js';
import { migrateToLatest } from '../dist/db/migrations.js';

const ADMIN_URL =
  process.env.LIFT_BENCH_DATABASE_URL ??
  process.env.LIFT_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const UNITS = Number(process.env.LIFT_BENCH_UNITS ?? 1_000_000);
const CONVERSIONS_PER_UNIT = 9;
/** Every 199th unit (so both variants alike) is also exposed to the other one: excluded as a multiple exposure. */
const MULTIPLE_EVERY = 199;
const DAYS = 28;
const WINDOW_HOURS = 72;
const RESULT_RUNS = 7;
const TARGET_MS = 1000;
const TARGET_RATIO = 10;
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
/** Keep the bench database afterwards (to EXPLAIN its queries); it is named in the output. */
const KEEP_DATABASE = process.env.LIFT_BENCH_KEEP_DATABASE === '1';

const silent = pino({ level: 'silent' });
const log = (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

function urlFor(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function timed(work) {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Raw events (exposures, then conversions), then the per-unit facts ingestion would have kept. */
async function generate(client, experimentId, markFolded) {
  await client.query('set synchronous_commit = off');
  await client.query('select setseed(0.42)');
  // Bench-only: no WAL for the raw events partition, so loading fits in a couple of minutes.
  await client.query('alter table events_default set unlogged');
  const start = "timestamptz '2026-10-01 00:00:00+00'";
  const exposedAt = `${start} + ((i::bigint * 7919) % ${DAYS * 86_400}) * interval '1 second'`;
  const step = await timed(() =>
    client.query(
      `insert into events (id, type, experiment_id, variant, unit, occurred_at, received_on)
       select gen_random_uuid(), 'exposure', $1::uuid, case when i % 2 = 0 then 'control' else 'treatment' end, 'u' || i, ${exposedAt}, (${exposedAt})::date
       from generate_series(1, ${UNITS}) as i
       union all
       select gen_random_uuid(), 'exposure', $1::uuid, case when i % 2 = 0 then 'treatment' else 'control' end, 'u' || i, ${exposedAt} + interval '1 hour', (${exposedAt})::date
       from generate_series(1, ${UNITS}, ${MULTIPLE_EVERY}) as i`,
      [experimentId],
    ),
  );
  log(`exposure events: ${step.result.rowCount} in ${(step.ms / 1000).toFixed(1)} s`);
  // Nine conversions per unit, 20 hours apart from 20 hours before exposure: the first is before
  // exposure and the late ones fall outside the 72-hour window, so both rules matter. About 5% are
  // purchases (6% in treatment), with a value; the rest page views.
  const conversions = await timed(() =>
    client.query(
      `insert into events (id, type, name, unit, value, occurred_at, received_on)
       select gen_random_uuid(), 'conversion', p.name, 'u' || i, case when p.name = 'purchase' then round((10 + random() * 90)::numeric, 2)::float8 end,
              ${exposedAt} + (j - 2) * interval '20 hours' + random() * interval '1 hour', (${exposedAt} + (j - 2) * interval '20 hours')::date
       from generate_series(1, ${UNITS}) as i
       cross join generate_series(1, ${CONVERSIONS_PER_UNIT}) as j
       cross join lateral (select case when random() + 0 * j < (case when i % 2 = 0 then 0.05 else 0.06 end) then 'purchase' else 'page_view' end as name) p`,
    ),
  );
  log(`conversion events: ${conversions.result.rowCount} in ${(conversions.ms / 1000).toFixed(1)} s`);
  const facts = await timed(async () => {
    await client.query(
      `insert into unit_exposures (experiment_id, unit, variant, first_exposed_at, is_multiple)
       select experiment_id, unit, (array_agg(variant order by occurred_at))[1], min(occurred_at), count(distinct variant) > 1
       from events where type = 'exposure' and experiment_id = $1 group by experiment_id, unit`,
      [experimentId],
    );
    await client.query(
      `insert into unit_metric_facts (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
       select x.experiment_id, c.name, c.unit, min(c.occurred_at), count(*), coalesce(sum(c.value), 0)
       from unit_exposures x
       join events c on c.type = 'conversion' and c.unit = x.unit
        and c.occurred_at >= x.first_exposed_at and c.occurred_at < x.first_exposed_at + interval '${WINDOW_HOURS} hours'
       where x.experiment_id = $1
       group by x.experiment_id, c.name, c.unit`,
      [experimentId],
    );
    await markFolded();
    await client.query('vacuum analyze events');
    await client.query('vacuum analyze unit_exposures');
    await client.query('vacuum analyze unit_metric_facts');
  });
  log(`per-unit facts and vacuum analyze in ${(facts.ms / 1000).toFixed(1)} s`);
  const counts = await client.query(
    `select (select count(*) from events)::int as events, (select count(*) from unit_exposures)::int as units,
            (select count(*) from unit_metric_facts)::int as facts`,
  );
  return counts.rows[0];
}

/** The same per-variant numbers straight from the raw events: first exposure per unit, then its conversions. */
const NAIVE_QUERY = `
  with exposures as (
    select unit, (array_agg(variant order by occurred_at))[1] as variant, min(occurred_at) as first_exposed_at,
           count(distinct variant) > 1 as is_multiple
    from events where type = 'exposure' and experiment_id = $1
    group by unit
  ),
  per_unit as (
    select x.unit, x.variant, x.is_multiple, count(c.unit) as conversions, coalesce(sum(c.value), 0) as value
    from exposures x
    left join events c on c.type = 'conversion' and c.name = $2 and c.unit = x.unit
      and c.occurred_at >= x.first_exposed_at and c.occurred_at < x.first_exposed_at + make_interval(hours => $3)
    group by x.unit, x.variant, x.is_multiple
  )
  select variant, count(*)::int as units, (count(*) filter (where conversions > 0))::int as conversions,
         sum(value)::float8 as value_sum
  from per_unit
  where not is_multiple and unit <> all($4::text[])
  group by variant order by variant`;

async function main() {
  const name = `lift_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  log(`created database ${name}`);
  let database;
  let lift;
  let server;
  try {
    database = await openDatabase({ kind: 'postgres', connectionString: urlFor(name), poolSize: 4 }, silent);
    await migrateToLatest(database.db);
    lift = createApp({ database, logger: silent });
    await lift.keys.bootstrapAdmin(ADMIN_KEY);
    server = await new Promise((resolve) => {
      const listening = lift.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const base = `http://127.0.0.1:${server.address().port}`;
    const call = async (method, path, body) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${ADMIN_KEY}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const key = 'checkout-button';
    const overrides = { u3: 'treatment', u4: 'control', 'qa-never-exposed': 'treatment' };
    const experiment = await call('POST', '/v1/experiments', {
      key,
      name: 'Checkout button',
      hypothesis: 'A green checkout button raises purchases',
      variants: [
        { key: 'control', weight: 5000 },
        { key: 'treatment', weight: 5000 },
      ],
      overrides,
      metrics: { primary: 'purchase', guardrails: ['page_view'], conversionWindowHours: WINDOW_HOURS },
    });
    await call('POST', `/v1/experiments/${key}/start`);

    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    try {
      log(`generating ${UNITS.toLocaleString('en')} units on ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}...`);
      // The facts are computed directly from the generated events, as the sweeps would fold them:
      // the sweeps' cursor is held meanwhile (a background sweep finds it locked and leaves), then
      // moved past every generated event.
      const holder = new pg.Client({ connectionString: urlFor(name) });
      await holder.connect();
      await holder.query('begin');
      await holder.query('select 1 from fact_fold_state for update');
      const markFolded = async () => {
        await holder.query(
          `update fact_fold_state set snapshot_xmax = pg_snapshot_xmax(s)::text::bigint,
             snapshot_xip = array(select x::text::bigint from pg_snapshot_xip(s) as x)
           from (select pg_current_snapshot() as s) as current`,
        );
        await holder.query('commit');
        await holder.end();
      };
      const counts = await generate(client, experiment.id, markFolded);
      log(
        `data: ${counts.events.toLocaleString('en')} raw events, ${counts.units.toLocaleString('en')} exposed units, ${counts.facts.toLocaleString('en')} per-unit metric facts`,
      );

      const runs = [];
      let results;
      for (let run = 0; run < RESULT_RUNS; run += 1) {
        const { ms, result } = await timed(() => call('GET', `/v1/experiments/${key}/results?metric=purchase`));
        runs.push(ms);
        results = result;
      }
      const naive = await timed(() =>
        client.query(NAIVE_QUERY, [experiment.id, 'purchase', WINDOW_HOURS, Object.keys(overrides)]),
      );

      // The two must agree, or the comparison means nothing.
      for (const row of naive.result.rows) {
        const variant = results.variants.find((v) => v.key === row.variant);
        const sameValue =
          Math.abs(variant.value.mean * variant.units - row.value_sum) <= 1e-6 * Math.max(1, row.value_sum);
        if (variant.units !== row.units || variant.conversions !== row.conversions || !sameValue) {
          throw new Error(
            `naive and endpoint disagree on ${row.variant}: ${JSON.stringify(row)} vs ${JSON.stringify(variant)}`,
          );
        }
      }
      const first = runs[0];
      const typical = median(runs);
      const ratio = naive.ms / typical;
      console.log('');
      console.log(`GET /v1/experiments/${key}/results?metric=purchase over HTTP (${RESULT_RUNS} calls)`);
      console.log(`  first call      ${first.toFixed(0)} ms`);
      console.log(
        `  median          ${typical.toFixed(0)} ms   (target <= ${TARGET_MS} ms: ${typical <= TARGET_MS ? 'met' : 'MISSED'})`,
      );
      console.log(`  all runs        ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      console.log(`naive per-unit GROUP BY over the raw events: ${naive.ms.toFixed(0)} ms`);
      console.log(
        `ratio naive / results: ${ratio.toFixed(1)}x   (target >= ${TARGET_RATIO}x: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'})`,
      );
      console.log(
        `numbers agree: ${results.variants.map((v) => `${v.key} ${v.units} units, ${v.conversions} converted`).join('; ')}; ` +
          `${results.multipleExposures.units} multiple-exposure and ${results.overrides.units} override units excluded; verdict ${results.variants[1]?.verdict}`,
      );
    } finally {
      await client.end();
    }
  } finally {
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    lift?.close();
    await database?.close();
    if (KEEP_DATABASE) log(`kept database ${name}; drop it with: drop database ${name} with (force)`);
    else {
      await admin.query(`drop database if exists ${name} with (force)`);
      log(`dropped database ${name}`);
    }
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
