import { compileExperiment, decideCompiled, isStickyOverridable, stickyDecision, unitFrom, unitOf, type CompiledExperiment } from '../compile-experiment.js';
import type { Attributes, ConfigSnapshot, Decision, ExperimentDefinition, SavedGroups } from '../types.js';
import { startConfigLoader, type RefreshMode } from './config-loader.js';
import type { ConfigStreamOpener } from './config-stream.js';
import { createEventId } from './event-id.js';
import { createEventDelivery } from './event-delivery.js';
import type { ConversionEvent, ExposureEvent, LiftEvent } from './events.js';
import { createExposureCache } from './exposure-cache.js';
import { LiftError } from './lift-error.js';
import { host, startTimer, type FetchLike } from './platform.js';
import type { StickyStore } from './sticky-store.js';
import { loadOpenTelemetry, recordDecision, type OpenTelemetryApi } from './telemetry.js';

const DEFAULT_POLL_INTERVAL_MS = 30_000;
const DEFAULT_FLUSH_INTERVAL_MS = 1000;
const DEFAULT_MAX_BATCH_SIZE = 500;
/** The server takes at most this many events per request. */
const MAX_BATCH_SIZE = 1000;
const DEFAULT_MAX_QUEUE_SIZE = 10_000;
const DEFAULT_EXPOSURE_CACHE_SIZE = 50_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;
/** Unknown experiment keys reported once each, up to this many, so a typo cannot flood onError. */
const MAX_REPORTED_UNKNOWN = 1000;

/** Options of {@link createClient}; every one is optional. */
export interface LiftClientOptions {
  /** Where the Lift server lives, e.g. `https://lift.example.com`. Without it the client only uses `config`. */
  readonly serverUrl?: string;
  /** A key with the `sdk` role. */
  readonly sdkKey?: string;
  /** A config snapshot to decide with before (or instead of) the server's. */
  readonly config?: ConfigSnapshot;
  /** Defaults to `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** `stream` (default; falls back to polling), `poll`, or `none` (fetch once). */
  readonly refresh?: RefreshMode;
  readonly pollIntervalMs?: number;
  /** How often queued events are sent (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** Events per `POST /v1/events` (default 500; the server takes at most 1000). */
  readonly maxBatchSize?: number;
  /** Queued events kept while the server is unreachable (default 10000); the oldest go first. */
  readonly maxQueueSize?: number;
  /** How many units per experiment are remembered to log each exposure once (default 50000). */
  readonly exposureCacheSize?: number;
  /** The attribute `track` reads the unit from (default `userId`). */
  readonly unitAttribute?: string;
  /** Called with each exposure as it is logged. */
  readonly onExposure?: (event: ExposureEvent) => void;
  /** Called with every problem; the client never throws into the host app. */
  readonly onError?: (error: LiftError) => void;
  /** Keeps a unit's first variant of a sticky experiment on this client. */
  readonly stickyStore?: StickyStore;
  /** `@opentelemetry/api`, or false for none; by default it is loaded if installed. */
  readonly openTelemetry?: OpenTelemetryApi | false;
  /** Milliseconds `close()` keeps retrying undelivered events (default 5000). */
  readonly closeTimeoutMs?: number;
}

/** What an app holds: decides in-process, never waits on the network, reports what users saw and did. */
export interface LiftClient {
  /**
   * Resolves true once a config is in force, or false when `timeoutMs` passes first. Never rejects.
   *
   * @example
   * await client.ready({ timeoutMs: 2000 });
   */
  ready(options?: { timeoutMs?: number }): Promise<boolean>;
  /**
   * Decides `experimentKey` for `context` and logs the exposure of a unit newly in a variant.
   * Before any config it answers reason `not-ready`; it never blocks and never throws.
   *
   * @example
   * const { variant } = client.decide('checkout-button', { userId: 'u-42', platform: 'iOS' });
   */
  decide(experimentKey: string, context: Attributes): Decision;
  /**
   * Logs a conversion or metric event for the unit in `context`.
   *
   * @example
   * client.track('purchase', { userId: 'u-42' }, 129.99, { currency: 'USD' });
   */
  track(eventName: string, context: Attributes, value?: number, properties?: { readonly [key: string]: unknown }): void;
  /** Sends queued events now. Never rejects. */
  flush(): Promise<void>;
  /** Stops refreshing and delivers what is queued (retrying for up to `closeTimeoutMs`). Never rejects. */
  close(): Promise<void>;
  /** The config version in force, or null before any. */
  readonly configVersion: number | string | null;
  /** Events waiting to be sent. */
  readonly pendingEvents: number;
}

interface ConfigState {
  readonly version: number | string;
  readonly experiments: ReadonlyMap<string, CompiledExperiment>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function bareDecision(experiment: string, reason: 'not-ready' | 'error'): Decision {
  return { experiment, variant: null, inExperiment: false, reason, bucket: null, payload: null };
}

/** Why track() cannot make an event of its arguments, naming the one at fault, or null. */
function checkTrack(eventName: unknown, value: unknown, properties: unknown): string | null {
  if (typeof eventName !== 'string' || eventName === '') return 'eventName must be a non-empty string';
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return 'value must be a finite number';
  if (properties !== undefined && !isRecord(properties)) return 'properties must be an object';
  return null;
}

/**
 * The client behind {@link createClient}, with the config stream transport of its build: fetch
 * in Node, EventSource in browsers.
 */
export function createClientWith(options: LiftClientOptions, openStream: ConfigStreamOpener): LiftClient {
  const { onError, onExposure, stickyStore, unitAttribute = 'userId' } = options;
  const exposures = createExposureCache(options.exposureCacheSize ?? DEFAULT_EXPOSURE_CACHE_SIZE);
  const sticky = new Map<string, string>();
  const reportedUnknown = new Set<string>();
  const readyWaiters = new Set<() => void>();
  let state: ConfigState | null = null;
  let telemetry: OpenTelemetryApi | null = null;
  let isClosed = false;

  const report = (error: LiftError): void => {
    try {
      onError?.(error);
    } catch {
      // onError itself failed: nothing more can be told to the host.
    }
  };
  const wakeWaiters = (): void => {
    for (const waiter of [...readyWaiters]) waiter();
  };

  const accept = (snapshot: unknown, source: string): void => {
    if (!isRecord(snapshot) || !Array.isArray(snapshot.experiments) || (typeof snapshot.version !== 'number' && typeof snapshot.version !== 'string')) {
      report(new LiftError('config-invalid', `The ${source} config is not a { version, experiments } snapshot; keeping the last good one.`));
      return;
    }
    if (state?.version === snapshot.version) return;
    const savedGroups = isRecord(snapshot.savedGroups) ? (snapshot.savedGroups as SavedGroups) : undefined;
    const experiments = new Map<string, CompiledExperiment>();
    const problems: string[] = [];
    for (const definition of snapshot.experiments as ExperimentDefinition[]) {
      const compiled = compileExperiment(definition, savedGroups);
      if (compiled.problem !== null) problems.push(`${compiled.key || '(no key)'}: ${compiled.problem}`);
      if (compiled.key !== '') experiments.set(compiled.key, compiled);
    }
    if (problems.length > 0) report(new LiftError('config-invalid', `These experiments answer their control with reason error: ${problems.join('; ')}`));
    state = { version: snapshot.version, experiments };
    wakeWaiters();
  };

  const reportStickyStore = (error: unknown): void => report(new LiftError('sticky-store-failed', 'The sticky store failed.', { cause: error }));

  /** A synchronous store answers now; an asynchronous one fills the in-memory map for next time. */
  const readStore = (store: StickyStore, key: string): string | null => {
    try {
      const value = store.get(key);
      if (typeof value === 'string') return value;
      if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
        value.then((loaded) => typeof loaded === 'string' && sticky.set(key, loaded), reportStickyStore);
      }
    } catch (error) {
      reportStickyStore(error);
    }
    return null;
  };

  const applyStickyStore = (compiled: CompiledExperiment, context: Attributes, decision: Decision, store: StickyStore): Decision => {
    const unit = isStickyOverridable(decision) ? unitOf(compiled, context) : null;
    if (unit === null) return decision;
    const key = `${compiled.key}:${unit}`;
    const remembered = sticky.get(key) ?? readStore(store, key);
    if (remembered !== null && remembered !== undefined) {
      sticky.set(key, remembered);
      return stickyDecision(compiled, remembered, decision.bucket) ?? decision;
    }
    if (decision.reason === 'assigned' && decision.variant !== null) {
      sticky.set(key, decision.variant);
      try {
        void Promise.resolve(store.set(key, decision.variant)).catch(reportStickyStore);
      } catch (error) {
        reportStickyStore(error);
      }
    }
    return decision;
  };

  const logExposure = (compiled: CompiledExperiment, context: Attributes, decision: Decision): void => {
    const unit = unitOf(compiled, context);
    const { experiment, variant } = decision;
    if (unit === null || variant === null || !exposures.add(experiment, unit, variant)) return;
    const event: ExposureEvent = { id: createEventId(), type: 'exposure', experiment, variant, unit, timestamp: new Date().toISOString() };
    enqueue(event);
    try {
      onExposure?.(event);
    } catch (error) {
      report(new LiftError('callback-failed', 'onExposure threw.', { cause: error }));
    }
  };

  const reportUnknown = (experimentKey: string): void => {
    if (reportedUnknown.has(experimentKey) || reportedUnknown.size > MAX_REPORTED_UNKNOWN) return;
    reportedUnknown.add(experimentKey);
    report(new LiftError('unknown-experiment', `No experiment ${JSON.stringify(experimentKey)} in config version ${String(state?.version)}.`));
  };

  if (options.config !== undefined) accept(options.config, 'bootstrap');
  const fetch = options.fetch ?? host.fetch?.bind(globalThis);
  const serverUrl = options.serverUrl?.replace(/\/+$/, '');
  const headers: Record<string, string> = options.sdkKey === undefined ? {} : { Authorization: `Bearer ${options.sdkKey}` };
  const delivery =
    serverUrl === undefined || fetch === undefined
      ? null
      : createEventDelivery({
          url: `${serverUrl}/v1/events`,
          headers: { ...headers, 'Content-Type': 'application/json' },
          fetch,
          flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
          maxBatchSize: Math.max(1, Math.min(MAX_BATCH_SIZE, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)),
          maxQueueSize: Math.max(1, options.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE),
          report,
        });
  const enqueue = (event: LiftEvent): void => delivery?.enqueue(event);
  const flush = async (): Promise<void> => {
    try {
      await delivery?.flush();
    } catch (error) {
      report(new LiftError('internal', 'flush failed.', { cause: error }));
    }
  };
  const onPageHide = (): void => delivery?.sendBeforeUnload();
  const onVisibilityChange = (): void => {
    if (host.document?.visibilityState === 'hidden') void flush();
  };
  let stopLoader: (() => void) | null = null;
  if (serverUrl !== undefined && fetch !== undefined) {
    stopLoader = startConfigLoader({
      serverUrl,
      sdkKey: options.sdkKey,
      headers,
      fetch,
      refresh: options.refresh ?? 'stream',
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      openStream,
      accept,
      report,
    });
    host.addEventListener?.('pagehide', onPageHide);
    host.addEventListener?.('visibilitychange', onVisibilityChange);
  } else if (serverUrl !== undefined) {
    report(new LiftError('internal', 'No fetch is available: pass options.fetch. Events will not be sent.'));
  }
  if (options.openTelemetry) telemetry = options.openTelemetry;
  else if (options.openTelemetry === undefined) void loadOpenTelemetry().then((api) => (telemetry = api));

  return {
    get configVersion() {
      return state?.version ?? null;
    },

    get pendingEvents() {
      return delivery?.pending() ?? 0;
    },

    ready: ({ timeoutMs } = {}) =>
      new Promise((resolve) => {
        const done = (): void => {
          readyWaiters.delete(done);
          resolve(state !== null);
        };
        if (state !== null) return done();
        readyWaiters.add(done);
        if (timeoutMs !== undefined) startTimer(done, timeoutMs);
      }),

    decide: (experimentKey, context) => {
      const compiled = state?.experiments.get(experimentKey);
      try {
        if (state === null) return bareDecision(experimentKey, 'not-ready');
        if (compiled === undefined) {
          reportUnknown(experimentKey);
          return bareDecision(experimentKey, 'error');
        }
        let decision = decideCompiled(compiled, context);
        if (compiled.isSticky && stickyStore !== undefined) decision = applyStickyStore(compiled, context, decision, stickyStore);
        if (decision.inExperiment) logExposure(compiled, context, decision);
        if (telemetry !== null) recordDecision(telemetry, decision);
        return decision;
      } catch (error) {
        report(new LiftError('internal', `Deciding ${experimentKey} failed; answered the control.`, { cause: error }));
        return compiled?.fixed.error ?? bareDecision(experimentKey, 'error');
      }
    },

    track: (eventName, context, value, properties) => {
      const name = typeof eventName === 'string' ? JSON.stringify(eventName) : typeof eventName;
      const drop = (problem: string, cause?: unknown): void =>
        report(new LiftError(cause === undefined ? 'invalid-event' : 'internal', `track(${name}): ${problem}; the event was dropped.`, { count: 1, cause }));
      try {
        const problem = checkTrack(eventName, value, properties);
        if (problem !== null) return drop(problem);
        const unit = unitFrom(isRecord(context) ? context[unitAttribute] : undefined);
        if (unit === null) return drop(`the context has no ${unitAttribute}`);
        const event: ConversionEvent = {
          id: createEventId(),
          type: 'conversion',
          name: eventName,
          unit,
          ...(value === undefined ? {} : { value }),
          ...(properties === undefined ? {} : { properties }),
          timestamp: new Date().toISOString(),
        };
        enqueue(event);
      } catch (error) {
        drop('it failed', error);
      }
    },

    flush,

    close: async () => {
      if (isClosed) return;
      isClosed = true;
      try {
        stopLoader?.();
        host.removeEventListener?.('pagehide', onPageHide);
        host.removeEventListener?.('visibilitychange', onVisibilityChange);
        await delivery?.close(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      } catch (error) {
        report(new LiftError('internal', 'close failed.', { cause: error }));
      }
      wakeWaiters();
    },
  };
}
