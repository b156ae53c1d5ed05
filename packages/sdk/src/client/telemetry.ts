import type { Decision } from '../types.js';

/** The part of `@opentelemetry/api` the client uses (`import * as api from '@opentelemetry/api'`). */
export interface OpenTelemetryApi {
  readonly trace: {
    getActiveSpan():
      { addEvent(name: string, attributes?: Record<string, string | number | boolean>): unknown } | undefined;
  };
}

const PROVIDER_NAME = 'Lift';
const OPEN_TELEMETRY_MODULE = '@opentelemetry/api';

/** Adds a `feature_flag.evaluation` event (OpenTelemetry semantic conventions) to the active span. */
export function recordDecision(api: OpenTelemetryApi, decision: Decision): void {
  const span = api.trace.getActiveSpan();
  if (span === undefined) return;
  span.addEvent('feature_flag.evaluation', {
    'feature_flag.key': decision.experiment,
    'feature_flag.result.variant': decision.variant ?? '',
    'feature_flag.provider.name': PROVIDER_NAME,
    'feature_flag.result.reason': decision.reason,
  });
}

/**
 * Loads `@opentelemetry/api` if the host has it installed. The specifier is a variable so that
 * bundlers leave it alone: in a browser bundle without it the import simply fails and costs nothing.
 */
export async function loadOpenTelemetry(): Promise<OpenTelemetryApi | null> {
  try {
    const specifier = OPEN_TELEMETRY_MODULE;
    const api = (await import(/* @vite-ignore */ specifier)) as Partial<OpenTelemetryApi>;
    return typeof api.trace?.getActiveSpan === 'function' ? (api as OpenTelemetryApi) : null;
  } catch {
    return null;
  }
}
