import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ConfigSnapshot } from '../src/index.js';

const config: ConfigSnapshot = {
  version: 1,
  experiments: [
    {
      key: 'checkout-button',
      status: 'running',
      coverage: 10_000,
      variants: [
        { key: 'control', weight: 5000 },
        { key: 'moved', weight: 5000 },
      ],
    },
  ],
};

describe('OpenTelemetry', () => {
  const exporter = new InMemorySpanExporter();
  let contextManager: AsyncLocalStorageContextManager;

  beforeAll(() => {
    contextManager = new AsyncLocalStorageContextManager().enable();
    api.context.setGlobalContextManager(contextManager);
    api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });

  afterAll(() => {
    api.trace.disable();
    api.context.disable();
  });

  it('adds a feature_flag.evaluation event to the active span for each decision', async () => {
    const lift = createClient({ config });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the optional import of @opentelemetry/api settles
    const decision = api.trace.getTracer('test').startActiveSpan('checkout', (span) => {
      const result = lift.decide('checkout-button', { userId: 'u-1' });
      span.end();
      return result;
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'feature_flag.evaluation',
        {
          'feature_flag.key': 'checkout-button',
          'feature_flag.result.variant': decision.variant,
          'feature_flag.provider.name': 'Lift',
          'feature_flag.result.reason': 'assigned',
        },
      ],
    ]);
    await lift.close();
  });

  it('does nothing when switched off', async () => {
    exporter.reset();
    const lift = createClient({ config, openTelemetry: false });
    api.trace.getTracer('test').startActiveSpan('checkout', (span) => {
      lift.decide('checkout-button', { userId: 'u-1' });
      span.end();
    });
    expect(exporter.getFinishedSpans()[0]?.events).toEqual([]);
    await lift.close();
  });
});
