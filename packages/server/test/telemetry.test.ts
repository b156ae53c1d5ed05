import { Writable } from 'node:stream';
import { metrics, trace } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type LiftApp } from '../src/app.js';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { createLogger } from '../src/server.js';
import { ADMIN_KEY, experimentBody, silentLogger } from './support/test-app.js';

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

describe('telemetry and logs', () => {
  const spans = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  const tracerProvider = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const lines: Record<string, unknown>[] = [];
  let database: DatabaseHandle;
  let lift: LiftApp;

  beforeAll(async () => {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    database = await openDatabase({ kind: 'pglite' }, silentLogger);
    await migrateToLatest(database.db);
    lift = createApp({ database, logger: createLogger('info', sink) });
    await lift.keys.bootstrapAdmin(ADMIN_KEY);
  });
  afterAll(async () => {
    lift?.close();
    await database?.close();
    trace.disable();
    metrics.disable();
  });

  it('records a server span, request count and latency per route, and the config version', async () => {
    const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
    const body = experimentBody();
    await request(lift.app).post('/v1/experiments').set(admin).send(body).expect(201);
    await request(lift.app)
      .post(`/v1/experiments/${String(body['key'])}/start`)
      .set(admin)
      .expect(200);
    await request(lift.app).get('/v1/sdk/config').set(admin).expect(200);

    await tracerProvider.forceFlush();
    const names = spans.getFinishedSpans().map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining(['POST /v1/experiments', 'POST /v1/experiments/:key/start', 'GET /v1/sdk/config']),
    );
    const configSpan = spans.getFinishedSpans().find((span) => span.name === 'GET /v1/sdk/config');
    expect(configSpan?.attributes).toMatchObject({ 'http.route': '/v1/sdk/config', 'http.response.status_code': 200 });

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const byName = (name: string) => all.find((metric) => metric.descriptor.name === name);
    const count = byName('http.server.request.count');
    expect(
      count?.dataPoints.some((point) => point.attributes['http.route'] === '/v1/experiments' && point.value === 1),
    ).toBe(true);
    const duration = byName('http.server.request.duration');
    expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const version = byName('lift.sdk_config.version');
    expect(version?.dataPoints[0]?.value).toBeGreaterThanOrEqual(2);
  });

  it('logs JSON lines with the request id, never the API key', async () => {
    await request(lift.app)
      .get('/v1/nope')
      .set('X-Request-Id', 'log-check-1')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .expect(404);
    await request(lift.app).get(`/v1/sdk/stream?apiKey=${ADMIN_KEY}-wrong`).expect(401);
    const line = lines.find((entry) => (entry['req'] as { id?: string } | undefined)?.id === 'log-check-1');
    expect(line).toMatchObject({ level: 30, msg: 'request completed', res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain(ADMIN_KEY);
  });
});
