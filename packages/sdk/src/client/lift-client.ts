import {
  compileExperiment,
  decideCompiled,
  DEFAULT_UNIT_ATTRIBUTE,
  isStickyOverridable,
  makeDecision,
  stickyDecision,
  unitFrom,
  unitOf,
  type CompiledExperiment,
} from '../compile-experiment.js';
import { isRecord } from '../value-guards.js';
import type { Attributes, ConfigSnapshot, Decision, ExperimentDefinition, SavedGroups } from '../types.js';
import { startConfigLoader, type RefreshMode } from './config-loader.js';
import type { ConfigStreamOpener } from './config-stream.js';
import { createEventId } from './event-id.js';
import { createEventDelivery, type EventDelivery } from './event-delivery.js';
import type { ConversionEvent, ExposureEvent } from './events.js';
import { createExposureCache } from './exposure-cache.js';
import { LiftError, type Report } from './lift-error.js';
import { host, sleep, type FetchLike } from './platform.js';
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
  /** A key with the `sdk` role; the browser build sends it in the config stream's URL (`?apiKey=`), EventSource having no headers. */
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

/** A decision made without an experiment to read a control from. */
const bareDecision = (experiment: string, reason: 'not-ready' | 'error'): Decision =>
  makeDecision(experiment, null, reason, null, null);

/** Why track() cannot make an event of its arguments, naming the one at fault, or null. */
function checkTrack(
  eventName: unknown,
  unit: string | null,
  unitAttribute: string,
  value: unknown,
  properties: unknown,
): string | null {
  if (typeof eventName !== 'string' || eventName === '') return 'eventName must be a non-empty string';
  if (unit === null) return `the context has no ${unitAttribute}`;
  if (value !== undefined && !Number.isFinite(value)) return 'value must be a finite number';
  if (properties !== undefined && !isRecord(properties)) return 'properties must be an object';
  return null;
}

/**
 * The client behind {@link createClient}, with the config stream transport of its build: fetch
 * in Node, EventSource in browsers.
 */
export function createClientWith(options: LiftClientOptions, openStream: ConfigStreamOpener): LiftClient {
  const { stickyStore, onExposure, onError, openTelemetry } = options;
  const unitAttribute = options.unitAttribute ?? DEFAULT_UNIT_ATTRIBUTE;
  const exposures = createExposureCache(options.exposureCacheSize ?? DEFAULT_EXPOSURE_CACHE_SIZE);
  /** Sticky variants by `experiment:unit`, as read from or written to the store. */
  const sticky = new Map<string, string>();
  const reportedUnknown = new Set<string>();
  let version: number | string | null = null;
  let experiments = new Map<string, CompiledExperiment>();
  let telemetry = openTelemetry || null;
  let isClosed = false;
  /** Resolves once a config is in force (true), or when the client closes without one (false). */
  let settleReady!: (isReady: boolean) => void;
  const isReady = new Promise<boolean>((resolve) => (settleReady = resolve));

  const report: Report = (code, message, details) => {
    try {
      onError?.(new LiftError(code, message, details));
    } catch {
      // onError itself failed: nothing more can be told to the host.
    }
  };
  const onStickyStoreError = (cause: unknown): void =>
    report('sticky-store-failed', 'The sticky store failed.', { cause });

  const accept = (snapshot: unknown, source: string): void => {
    if (
      !isRecord(snapshot) ||
      !Array.isArray(snapshot.experiments) ||
      (typeof snapshot.version !== 'number' && typeof snapshot.version !== 'string')
    ) {
      return report('config-invalid', `The ${source} config is not a snapshot; keeping the last good one.`);
    }
    if (version === snapshot.version) return;
    const savedGroups = isRecord(snapshot.savedGroups) ? (snapshot.savedGroups as SavedGroups) : undefined;
    const compiledExperiments = new Map<string, CompiledExperiment>();
    const problems: string[] = [];
    for (const definition of snapshot.experiments as ExperimentDefinition[]) {
      const compiled = compileExperiment(definition, savedGroups);
      if (compiled.problem !== null) problems.push(`${compiled.key || '(no key)'}: ${compiled.problem}`);
      if (compiled.key !== '') compiledExperiments.set(compiled.key, compiled);
    }
    if (problems.length > 0)
      report('config-invalid', `Unusable experiments, deciding their control: ${problems.join('; ')}`);
    experiments = compiledExperiments;
    version = snapshot.version;
    settleReady(true);
  };

  /** DESIGN.md step 7 on this client: the variant the store keeps for the unit, else the one assigned now. */
  const applyStickyStore = (
    store: StickyStore,
    compiled: CompiledExperiment,
    context: Attributes,
    decision: Decision,
  ): Decision => {
    const unit = unitOf(compiled, context);
    if (!isStickyOverridable(decision) || unit === null) return decision;
    const key = `${compiled.key}:${unit}`;
    let remembered = sticky.get(key);
    if (remembered === undefined) {
      try {
        // A synchronous store answers now; an asynchronous one fills the map for next time.
        const stored = store.get(key);
        if (typeof stored === 'string') sticky.set(key, (remembered = stored));
        else
          Promise.resolve(stored).then(
            (loaded) => typeof loaded === 'string' && sticky.set(key, loaded),
            onStickyStoreError,
          );
      } catch (error) {
        onStickyStoreError(error);
      }
    }
    if (remembered === undefined && decision.reason === 'assigned' && decision.variant !== null) {
      sticky.set(key, decision.variant);
      try {
        Promise.resolve(store.set(key, decision.variant)).catch(onStickyStoreError);
      } catch (error) {
        onStickyStoreError(error);
      }
    }
    return (remembered === undefined ? null : stickyDecision(compiled, remembered, decision.bucket)) ?? decision;
  };

  const logExposure = (compiled: CompiledExperiment, context: Attributes, decision: Decision): void => {
    const unit = unitOf(compiled, context);
    const { experiment, variant } = decision;
    if (unit === null || variant === null || !exposures.add(experiment, unit, variant)) return;
    const event: ExposureEvent = {
      id: createEventId(),
      type: 'exposure',
      experiment,
      variant,
      unit,
      timestamp: new Date().toISOString(),
    };
    delivery?.enqueue(event);
    try {
      onExposure?.(event);
    } catch (cause) {
      report('callback-failed', 'onExposure threw.', { cause });
    }
  };

  if (options.config !== undefined) accept(options.config, 'bootstrap');
  if (openTelemetry === undefined) void loadOpenTelemetry().then((api) => (telemetry = api));
  const fetch = options.fetch ?? host.fetch?.bind(globalThis);
  const serverUrl = options.serverUrl?.replace(/\/+$/, '');
  let delivery: EventDelivery | null = null;
  let stopLoader: (() => void) | null = null;
  if (serverUrl !== undefined && fetch === undefined) report('internal', 'No fetch: pass options.fetch.');
  if (serverUrl !== undefined && fetch !== undefined) {
    const headers: Record<string, string> =
      options.sdkKey === undefined ? {} : { Authorization: `Bearer ${options.sdkKey}` };
    delivery = createEventDelivery({
      url: `${serverUrl}/v1/events`,
      headers: { ...headers, 'Content-Type': 'application/json' },
      fetch,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      maxBatchSize: Math.max(1, Math.min(MAX_BATCH_SIZE, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)),
      maxQueueSize: Math.max(1, options.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE),
      report,
    });
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
  }

  const flush = async (): Promise<void> => {
    try {
      await delivery?.flush();
    } catch (cause) {
      report('internal', 'flush failed.', { cause });
    }
  };
  const onPageHide = (): void => delivery?.sendBeforeUnload();
  const onVisibilityChange = (): void => {
    if (host.document?.visibilityState === 'hidden') void flush();
  };
  /** Adds (or, with `removeEventListener`, removes) the page listeners that deliver before the page goes. */
  const listen = (method: 'addEventListener' | 'removeEventListener'): void => {
    host[method]?.('pagehide', onPageHide);
    host[method]?.('visibilitychange', onVisibilityChange);
  };
  if (delivery !== null) listen('addEventListener');

  return {
    get configVersion() {
      return version;
    },
    get pendingEvents() {
      return delivery?.pending() ?? 0;
    },
    ready: ({ timeoutMs } = {}) =>
      version !== null
        ? Promise.resolve(true)
        : timeoutMs === undefined
          ? isReady
          : Promise.race([isReady, sleep(timeoutMs).then(() => version !== null)]),
    decide: (experimentKey, context) => {
      const compiled = experiments.get(experimentKey);
      try {
        if (version === null) return bareDecision(experimentKey, 'not-ready');
        if (compiled === undefined) {
          if (!reportedUnknown.has(experimentKey) && reportedUnknown.size <= MAX_REPORTED_UNKNOWN) {
            reportedUnknown.add(experimentKey);
            report(
              'unknown-experiment',
              `No experiment ${JSON.stringify(experimentKey)} in config version ${version}.`,
            );
          }
          return bareDecision(experimentKey, 'error');
        }
        let decision = decideCompiled(compiled, context);
        if (compiled.isSticky && stickyStore !== undefined)
          decision = applyStickyStore(stickyStore, compiled, context, decision);
        if (decision.inExperiment) logExposure(compiled, context, decision);
        if (telemetry !== null) recordDecision(telemetry, decision);
        return decision;
      } catch (cause) {
        report('internal', `Deciding ${experimentKey} failed; answered the control.`, { cause });
        return compiled?.fixed.error ?? bareDecision(experimentKey, 'error');
      }
    },
    track: (eventName, context, value, properties) => {
      const name = typeof eventName === 'string' ? JSON.stringify(eventName) : typeof eventName;
      const drop = (problem: string, cause?: unknown): void =>
        report(
          cause === undefined ? 'invalid-event' : 'internal',
          `track(${name}): ${problem}; the event was dropped.`,
          { count: 1, cause },
        );
      try {
        const unit = unitFrom(isRecord(context) ? context[unitAttribute] : undefined);
        const problem = checkTrack(eventName, unit, unitAttribute, value, properties);
        if (problem !== null) return drop(problem);
        const event: ConversionEvent = {
          id: createEventId(),
          type: 'conversion',
          name: eventName,
          unit: unit as string,
          ...(value === undefined ? {} : { value }),
          ...(properties === undefined ? {} : { properties }),
          timestamp: new Date().toISOString(),
        };
        delivery?.enqueue(event);
      } catch (cause) {
        drop('it failed', cause);
      }
    },
    flush,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      try {
        stopLoader?.();
        if (delivery !== null) listen('removeEventListener');
        await delivery?.close(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      } catch (cause) {
        report('internal', 'close failed.', { cause });
      }
      settleReady(version !== null);
    },
  };
}
