import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema, timeseriesSchema } from '../src/results/results-schemas.js';
import { analyzeMetric, type DailyLook, type VariantAggregate } from '../src/results/statistics/analyze-metric.js';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

interface Exposure {
  readonly unit: string;
  readonly variant: string;
  readonly day: number;
  readonly isMultiple?: boolean;
}

interface Fact {
  readonly unit: string;
  readonly metric: string;
  readonly day: number;
  readonly conversions: number;
  readonly valueSum: number;
}

const DAY_MS = 86_400_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const at = (day: number, hour = 10) => new Date(START + day * DAY_MS + hour * 3_600_000).toISOString();
const dateOf = (day: number) => new Date(START + day * DAY_MS).toISOString().slice(0, 10);

/** A deterministic data set: 300 control and 320 treatment units over 5 days, plus excluded ones. */
function seedData(): { exposures: Exposure[]; facts: Fact[] } {
  const exposures: Exposure[] = [];
  const facts: Fact[] = [];
  const arms = [
    { variant: 'control', count: 300, every: 10 },
    { variant: 'treatment', count: 320, every: 6 },
  ];
  for (const arm of arms) {
    for (let i = 0; i < arm.count; i += 1) {
      const unit = `${arm.variant}-${i}`;
      const day = i % 5;
      exposures.push({ unit, variant: arm.variant, day });
      // Values are multiples of 0.25, so every sum is exact in binary and SQL and JS agree bit for bit.
      if (i % arm.every === 0)
        facts.push({
          unit,
          metric: 'purchase',
          day: day + (i % 3),
          conversions: 1 + (i % 2),
          valueSum: 10 + (i % 7) * 2.25,
        });
      if (i % 25 === 0) facts.push({ unit, metric: 'refund', day: day + 1, conversions: 1, valueSum: 0 });
    }
  }
  // Excluded: units seen in both variants, and the QA override (which converts a lot).
  for (let i = 0; i < 7; i += 1) {
    exposures.push({ unit: `multi-${i}`, variant: i % 2 === 0 ? 'control' : 'treatment', day: 1, isMultiple: true });
    facts.push({ unit: `multi-${i}`, metric: 'purchase', day: 1, conversions: 1, valueSum: 100 });
  }
  exposures.push({ unit: 'qa-tester', variant: 'treatment', day: 0 });
  facts.push({ unit: 'qa-tester', metric: 'purchase', day: 0, conversions: 5, valueSum: 1000 });
  return { exposures, facts };
}

/** The aggregates computed by hand, in JavaScript, from the seed: what the endpoint must feed analyzeMetric. */
function expectedInput(
  data: { exposures: Exposure[]; facts: Fact[] },
  metric: string,
): { variants: VariantAggregate[]; daily: DailyLook[] } {
  const included = data.exposures.filter((e) => e.isMultiple !== true && e.unit !== 'qa-tester');
  const factOf = new Map(data.facts.filter((f) => f.metric === metric).map((f) => [f.unit, f]));
  const variants = ['control', 'treatment'].map((key): VariantAggregate => {
    const units = included.filter((e) => e.variant === key);
    const values = units.map((e) => factOf.get(e.unit)?.valueSum ?? 0);
    return {
      key,
      weight: 5000,
      units: units.length,
      conversions: units.filter((e) => factOf.has(e.unit)).length,
      valueSum: values.reduce((a, b) => a + b, 0),
      valueSumOfSquares: values.reduce((a, b) => a + b * b, 0),
    };
  });
  const lastDay = Math.max(...included.map((e) => Math.max(e.day, factOf.get(e.unit)?.day ?? 0)));
  const daily: DailyLook[] = [];
  for (let day = 0; day <= lastDay; day += 1) {
    daily.push({
      date: dateOf(day),
      variants: ['control', 'treatment'].map((key) => {
        const units = included.filter((e) => e.variant === key);
        return {
          key,
          units: units.filter((e) => e.day <= day).length,
          conversions: units.filter((e) => (factOf.get(e.unit)?.day ?? Number.POSITIVE_INFINITY) <= day).length,
        };
      }),
    });
  }
  return { variants, daily };
}

describe.each(BACKENDS)('experiment results on %s', (backend) => {
  let t: TestApp;
  const data = seedData();
  const key = `results-${backend}`;
  const emptyKey = `results-empty-${backend}`;
  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });
  const analyst = () => ({ Authorization: `Bearer ${t.keys.analyst}` });

  beforeAll(async () => {
    t = await createTestApp(backend);
    const created = await t.api
      .post('/v1/experiments')
      .set(admin())
      .send(
        experimentBody({
          key,
          overrides: { 'qa-tester': 'treatment' },
          metrics: { primary: 'purchase', guardrails: ['refund'] },
        }),
      );
    expect(created.status).toBe(201);
    await t.api.post(`/v1/experiments/${key}/start`).set(admin()).expect(200);
    await t.api
      .post('/v1/experiments')
      .set(admin())
      .send(experimentBody({ key: emptyKey }))
      .expect(201);
    const id = created.body.id as string;
    const db = t.database.db;
    for (const e of data.exposures) {
      await sql`insert into unit_exposures (experiment_id, unit, variant, first_exposed_at, is_multiple)
                values (${id}, ${e.unit}, ${e.variant}, ${at(e.day)}, ${e.isMultiple ?? false})`.execute(db);
    }
    for (const f of data.facts) {
      await sql`insert into unit_metric_facts (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
                values (${id}, ${f.metric}, ${f.unit}, ${at(f.day, 23)}, ${f.conversions}, ${f.valueSum})`.execute(db);
    }
    // Another experiment's rows for the same units must not leak in.
    const other = await t.api.post('/v1/experiments').set(admin()).send(experimentBody());
    await sql`insert into unit_exposures (experiment_id, unit, variant, first_exposed_at) values (${other.body.id as string}, 'control-1', 'treatment', ${at(0)})`.execute(
      db,
    );
    await sql`insert into unit_metric_facts (experiment_id, metric, unit, first_converted_at, conversions, value_sum)
              values (${other.body.id as string}, 'purchase', 'control-2', ${at(0)}, 1, 5)`.execute(db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves exactly analyzeMetric over the per-unit aggregates, excluding overrides and multiple exposures', async () => {
    const response = await t.api.get(`/v1/experiments/${key}/results`).set(analyst());
    expect(response.status).toBe(200);
    const body = resultsSchema.parse(response.body);
    const expected = analyzeMetric(expectedInput(data, 'purchase'));
    expect(body).toMatchObject({
      experiment: key,
      metric: 'purchase',
      multipleExposures: { units: 7 },
      overrides: { units: 1 },
      unknownVariant: { units: 0 },
    });
    expect(Date.parse(body.generatedAt)).not.toBeNaN();
    expect(body.srm).toEqual(expected.srm);
    expect(body.power).toEqual(expected.power);
    expect(body.variants).toEqual(JSON.parse(JSON.stringify(expected.variants)));
    expect(body.variants.map((v) => [v.key, v.units, v.conversions])).toEqual([
      ['control', 300, 30],
      ['treatment', 320, 54],
    ]);
    expect(body.variants[1]?.verdict).toBeDefined();
  });

  it('analyses a guardrail when asked, and the same numbers for ?metric=<primary>', async () => {
    const refund = await t.api.get(`/v1/experiments/${key}/results?metric=refund`).set(analyst()).expect(200);
    expect(refund.body.metric).toBe('refund');
    expect(refund.body.variants).toEqual(
      JSON.parse(JSON.stringify(analyzeMetric(expectedInput(data, 'refund')).variants)),
    );
    const primary = await t.api.get(`/v1/experiments/${key}/results?metric=purchase`).set(admin()).expect(200);
    expect(primary.body.variants).toEqual(
      JSON.parse(JSON.stringify(analyzeMetric(expectedInput(data, 'purchase')).variants)),
    );
  });

  it('answers 404 naming an unknown metric, and 404 for an unknown experiment', async () => {
    const metric = await t.api.get(`/v1/experiments/${key}/results?metric=signup`).set(analyst());
    expect(metric.status).toBe(404);
    expect(metric.type).toBe('application/problem+json');
    expect(metric.body).toMatchObject({ code: 'not-found', metric: 'signup', metrics: ['purchase', 'refund'] });
    expect(metric.body.detail).toContain('"signup"');
    for (const path of ['results', 'results.csv', 'timeseries']) {
      const missing = await t.api.get(`/v1/experiments/no-such-experiment/${path}`).set(analyst());
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'not-found', key: 'no-such-experiment' });
    }
    expect((await t.api.get(`/v1/experiments/${key}/timeseries?metric=signup`).set(analyst())).status).toBe(404);
    const unknownParameter = await t.api.get(`/v1/experiments/${key}/results?metrc=purchase`).set(analyst());
    expect(unknownParameter.status).toBe(400);
    expect(unknownParameter.body.errors).toEqual([{ path: 'metrc', message: 'Unknown field.' }]);
  });

  it('gives zeros and insufficient-data for an experiment without data', async () => {
    const response = await t.api.get(`/v1/experiments/${emptyKey}/results`).set(analyst()).expect(200);
    const body = resultsSchema.parse(response.body);
    expect(body.multipleExposures).toEqual({ units: 0 });
    expect(body.srm).toEqual({ chiSquare: 0, pValue: 1, ok: true });
    expect(body.power).toEqual({ mdeRel: 0, unitsNeeded: 0 });
    for (const variant of body.variants)
      expect(variant).toMatchObject({ units: 0, conversions: 0, rate: 0, value: { mean: 0, stdDev: 0 } });
    expect(body.variants[1]?.verdict).toBe('insufficient-data');
    const series = await t.api.get(`/v1/experiments/${emptyKey}/timeseries`).set(analyst()).expect(200);
    expect(series.body.variants).toEqual([
      { key: 'control', points: [] },
      { key: 'treatment', points: [] },
    ]);
  });

  it('lets analysts and admins read, not SDK keys or strangers', async () => {
    for (const path of ['results', 'results.csv', 'timeseries']) {
      const url = `/v1/experiments/${key}/${path}`;
      expect((await t.api.get(url).set(analyst())).status).toBe(200);
      expect((await t.api.get(url).set(admin())).status).toBe(200);
      const sdk = await t.api.get(url).set('Authorization', `Bearer ${t.keys.sdk}`);
      expect(sdk.status).toBe(403);
      expect(sdk.body).toMatchObject({ code: 'forbidden', role: 'sdk' });
      expect((await t.api.get(url)).status).toBe(401);
    }
  });

  it('serves the daily cumulative series per variant', async () => {
    const response = await t.api.get(`/v1/experiments/${key}/timeseries`).set(analyst()).expect(200);
    const body = timeseriesSchema.parse(response.body);
    const { daily } = expectedInput(data, 'purchase');
    expect(body.metric).toBe('purchase');
    expect(body.variants.map((v) => v.key)).toEqual(['control', 'treatment']);
    body.variants.forEach((variant) => {
      expect(variant.points).toEqual(
        daily.map((day) => {
          const look = day.variants.find((v) => v.key === variant.key);
          const units = look?.units ?? 0;
          const conversions = look?.conversions ?? 0;
          return { date: day.date, units, conversions, rate: units === 0 ? 0 : conversions / units };
        }),
      );
    });
    expect(body.variants[0]?.points.at(-1)).toMatchObject({ units: 300, conversions: 30 });
  });

  it('exports CSV: a header and one row per metric and variant', async () => {
    const response = await t.api.get(`/v1/experiments/${key}/results.csv`).set(analyst()).expect(200);
    expect(response.type).toBe('text/csv');
    expect(response.headers['content-disposition']).toContain(`${key}-results.csv`);
    const lines = response.text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const header = lines[0]?.split(',') ?? [];
    expect(header.slice(0, 6)).toEqual(['experiment', 'metric', 'variant', 'units', 'conversions', 'rate']);
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i], cell])));
    expect(rows.map((row) => [row['metric'], row['variant'], row['units'], row['conversions']])).toEqual([
      ['purchase', 'control', '300', '30'],
      ['purchase', 'treatment', '320', '54'],
      ['refund', 'control', '300', '12'],
      ['refund', 'treatment', '320', '13'],
    ]);
    const json = (await t.api.get(`/v1/experiments/${key}/results`).set(analyst())).body;
    expect(Number(rows[1]?.['pValue'])).toBe(json.variants[1].pValue);
    expect(rows[0]?.['pValue']).toBe('');
    const one = await t.api.get(`/v1/experiments/${key}/results.csv?metric=refund`).set(analyst()).expect(200);
    expect(one.text.trimEnd().split('\n')).toHaveLength(3);
  });

  it('documents the three paths in the OpenAPI document', async () => {
    const document = (await t.api.get('/openapi.json').expect(200)).body;
    for (const path of [
      '/v1/experiments/{key}/results',
      '/v1/experiments/{key}/results.csv',
      '/v1/experiments/{key}/timeseries',
    ]) {
      expect(document.paths[path]?.get).toBeDefined();
    }
  });
});
