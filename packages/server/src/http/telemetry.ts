import { metrics, SpanKind, SpanStatusCode, trace, type ObservableResult } from '@opentelemetry/api';
import type { Request, RequestHandler } from 'express';

const INSTRUMENTATION = '@lift/server';
const MS_PER_SECOND = 1_000;
const SERVER_ERROR = 500;

function routeOf(req: Request): string {
  const route: unknown = req.route;
  const path = typeof route === 'object' && route !== null && 'path' in route ? String(route.path) : null;
  return path === null ? 'unmatched' : `${req.baseUrl}${path}`;
}

/** Request spans and metrics, plus the config version gauge, through `@opentelemetry/api`. */
export interface Telemetry {
  readonly middleware: RequestHandler;
  close(): void;
}

/**
 * Instruments requests (a server span each; `http.server.request.count` and
 * `http.server.request.duration`) and observes `lift.sdk_config.version`. Without a registered
 * OpenTelemetry SDK these are no-ops.
 */
export function createTelemetry(readConfigVersion: () => number | null): Telemetry {
  const tracer = trace.getTracer(INSTRUMENTATION);
  const meter = metrics.getMeter(INSTRUMENTATION);
  const requestCount = meter.createCounter('http.server.request.count', { description: 'HTTP requests served' });
  const requestDuration = meter.createHistogram('http.server.request.duration', {
    description: 'HTTP request latency',
    unit: 's',
  });
  const configVersion = meter.createObservableGauge('lift.sdk_config.version', {
    description: 'The SDK config version this replica last served',
  });
  const observeVersion = (result: ObservableResult): void => {
    const version = readConfigVersion();
    if (version !== null) result.observe(version);
  };
  configVersion.addCallback(observeVersion);

  const middleware: RequestHandler = (req, res, next) => {
    const startedAt = performance.now();
    tracer.startActiveSpan(
      `${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      (span) => {
        res.on('finish', () => {
          const route = routeOf(req);
          const attributes = {
            'http.request.method': req.method,
            'http.route': route,
            'http.response.status_code': res.statusCode,
          };
          span.updateName(`${req.method} ${route}`);
          span.setAttributes({ ...attributes, 'lift.request_id': String(req.id) });
          if (res.statusCode >= SERVER_ERROR) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          requestCount.add(1, attributes);
          requestDuration.record((performance.now() - startedAt) / MS_PER_SECOND, attributes);
        });
        next();
      },
    );
  };

  return { middleware, close: () => configVersion.removeCallback(observeVersion) };
}
