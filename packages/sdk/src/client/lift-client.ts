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

/** What the options of {@link createClient} are when left out. */
const DEFAULTS = {
  pollIntervalMs: 30_000,
  flushIntervalMs: 1000,
  maxBatchSize: 500,
  maxQueueSize: 10_000,
  exposureCacheSize: 50_000,
  closeTimeoutMs: 5000,
} as const;
/** The server takes at most this many events per request. */
const MAX_BATCH_SIZE = 1000;
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

/** DESIGN.md step 7 on this client: the variant the sticky store keeps for the unit, else the decision. */
type StickyStep = (compiled: CompiledExperiment, context: Attributes, decision: Decision) => Decision;

/** Logs the exposure of a decision in the experiment, once per unit and variant. */
type ExposureLog = (compiled: CompiledExperiment, context: Attributes, decision: Decision) => void;

/** The outer shape of a config snapshot; its experiments are checked one by one as they compile. */
interface SnapshotShape {
  readonly version: number | string;
  readonly experiments: readonly unknown[];
  readonly savedGroups?: unknown;
}

/** The client's one way to report: a LiftError to `onError`, which may not throw back into the client. */
function reportTo(onError: LiftClientOptions['onError']): Report {
  return (code, message, details) => {
    try {
      onError?.(new LiftError(code, message, details));
    } catch {
      // onError itself failed: nothing more can be told to the host.
    }
  };
}

function isSnapshot(value: unknown): value is SnapshotShape {
  return (
    isRecord(value) &&
    Array.isArray(value.experiments) &&
    (typeof value.version === 'number' || typeof value.version === 'string')
  );
}

/** The experiments of a snapshot compiled by key; the unusable ones are reported and decide their control. */
function compileExperiments(snapshot: SnapshotShape, report: Report): Map<string, CompiledExperiment> {
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
  return compiledExperiments;
}

/**
 * Step 7 over `store`: a unit keeps the variant the store holds for it; a unit newly assigned has
 * its variant written there. A synchronous store answers at once; an asynchronous one is never
 * waited on, its answer serving the unit's next decision.
 */
function createStickyStep(store: StickyStore, report: Report): StickyStep {
  /** Sticky variants by `experiment:unit`, as read from or written to the store. */
  const remembered = new Map<string, string>();
  const onStoreError = (cause: unknown): void => report('sticky-store-failed', 'The sticky store failed.', { cause });

  const recall = (key: string): string | undefined => {
    let variant = remembered.get(key);
    if (variant !== undefined) return variant;
    try {
      const stored = store.get(key);
      if (typeof stored === 'string') remembered.set(key, (variant = stored));
      else
        Promise.resolve(stored).then(
          (loaded) => typeof loaded === 'string' && remembered.set(key, loaded),
          onStoreError,
        );
    } catch (error) {
      onStoreError(error);
    }
    return variant;
  };

  const remember = (key: string, variant: string): void => {
    remembered.set(key, variant);
    try {
      Promise.resolve(store.set(key, variant)).catch(onStoreError);
    } catch (error) {
      onStoreError(error);
    }
  };

  return (compiled, context, decision) => {
    const unit = unitOf(compiled, context);
    if (!isStickyOverridable(decision) || unit === null) return decision;
    const key = `${compiled.key}:${unit}`;
    const variant = recall(key);
    if (variant === undefined && decision.reason === 'assigned' && decision.variant !== null)
      remember(key, decision.variant);
    return (variant === undefined ? null : stickyDecision(compiled, variant, decision.bucket)) ?? decision;
  };
}

interface ExposureLogOptions {
  readonly cacheSize: number;
  readonly delivery: EventDelivery | null;
  readonly onExposure: LiftClientOptions['onExposure'];
  readonly report: Report;
}

function createExposureLog({ cacheSize, delivery, onExposure, report }: ExposureLogOptions): ExposureLog {
  const exposures = createExposureCache(cacheSize);
  return (compiled, context, decision) => {
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
}

/** Reports each unknown experiment key once, up to MAX_REPORTED_UNKNOWN keys, so a typo cannot flood onError. */
function createUnknownKeyReport(report: Report): (experimentKey: string, version: number | string) => void {
  const reported = new Set<string>();
  return (experimentKey, version) => {
    if (reported.has(experimentKey) || reported.size > MAX_REPORTED_UNKNOWN) return;
    reported.add(experimentKey);
    report('unknown-experiment', `No experiment ${JSON.stringify(experimentKey)} in config version ${version}.`);
  };
}

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

/** The client's `track`: a conversion for the unit at `unitAttribute`, queued on `delivery`. */
function createTrack(unitAttribute: string, delivery: EventDelivery | null, report: Report): LiftClient['track'] {
  return (eventName, context, value, properties) => {
    const name = typeof eventName === 'string' ? JSON.stringify(eventName) : typeof eventName;
    const drop = (problem: string, cause?: unknown): void =>
      report(cause === undefined ? 'invalid-event' : 'internal', `track(${name}): ${problem}; the event was dropped.`, {
        count: 1,
        cause,
      });
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
  };
}

interface ServerLinkOptions {
  readonly openStream: ConfigStreamOpener;
  readonly accept: (snapshot: unknown, source: string) => void;
  readonly report: Report;
}

/** The event queue and the config loader's stop function of a client given a server, or null. */
function linkToServer(
  options: LiftClientOptions,
  { openStream, accept, report }: ServerLinkOptions,
): { readonly delivery: EventDelivery; readonly stopLoader: () => void } | null {
  const fetch = options.fetch ?? host.fetch?.bind(globalThis);
  const serverUrl = options.serverUrl?.replace(/\/+$/, '');
  if (serverUrl === undefined) return null;
  if (fetch === undefined) {
    report('internal', 'No fetch: pass options.fetch.');
    return null;
  }
  const headers: Record<string, string> =
    options.sdkKey === undefined ? {} : { Authorization: `Bearer ${options.sdkKey}` };
  const delivery = createEventDelivery({
    url: `${serverUrl}/v1/events`,
    headers: { ...headers, 'Content-Type': 'application/json' },
    fetch,
    flushIntervalMs: options.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
    maxBatchSize: Math.max(1, Math.min(MAX_BATCH_SIZE, options.maxBatchSize ?? DEFAULTS.maxBatchSize)),
    maxQueueSize: Math.max(1, options.maxQueueSize ?? DEFAULTS.maxQueueSize),
    report,
  });
  const stopLoader = startConfigLoader({
    serverUrl,
    sdkKey: options.sdkKey,
    headers,
    fetch,
    refresh: options.refresh ?? 'stream',
    pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    openStream,
    accept,
    report,
  });
  return { delivery, stopLoader };
}

/**
 * Delivers what is queued before the page goes: keepalive requests on `pagehide`, a flush when the
 * page is hidden. Returns the function that stops listening.
 */
function listenToPage(delivery: EventDelivery, flush: () => Promise<void>): () => void {
  const onPageHide = (): void => delivery.sendBeforeUnload();
  const onVisibilityChange = (): void => {
    if (host.document?.visibilityState === 'hidden') void flush();
  };
  host.addEventListener?.('pagehide', onPageHide);
  host.addEventListener?.('visibilitychange', onVisibilityChange);
  return () => {
    host.removeEventListener?.('pagehide', onPageHide);
    host.removeEventListener?.('visibilitychange', onVisibilityChange);
  };
}

/**
 * The client behind {@link createClient}, with the config stream transport of its build: fetch
 * in Node, EventSource in browsers.
 */
export function createClientWith(options: LiftClientOptions, openStream: ConfigStreamOpener): LiftClient {
  const { stickyStore, openTelemetry } = options;
  const report = reportTo(options.onError);
  let version: number | string | null = null;
  let experiments = new Map<string, CompiledExperiment>();
  let telemetry = openTelemetry || null;
  let isClosed = false;
  /** Resolves once a config is in force (true), or when the client closes without one (false). */
  let settleReady!: (isReady: boolean) => void;
  const isReady = new Promise<boolean>((resolve) => (settleReady = resolve));

  const accept = (snapshot: unknown, source: string): void => {
    if (!isSnapshot(snapshot))
      return report('config-invalid', `The ${source} config is not a snapshot; keeping the last good one.`);
    if (version === snapshot.version) return;
    experiments = compileExperiments(snapshot, report);
    version = snapshot.version;
    settleReady(true);
  };

  if (options.config !== undefined) accept(options.config, 'bootstrap');
  if (openTelemetry === undefined) void loadOpenTelemetry().then((api) => (telemetry = api));
  const server = linkToServer(options, { openStream, accept, report });
  const delivery = server?.delivery ?? null;
  const flush = async (): Promise<void> => {
    try {
      await delivery?.flush();
    } catch (cause) {
      report('internal', 'flush failed.', { cause });
    }
  };
  const stopListening = delivery === null ? null : listenToPage(delivery, flush);
  const applyStickyStore = stickyStore === undefined ? null : createStickyStep(stickyStore, report);
  const logExposure = createExposureLog({
    cacheSize: options.exposureCacheSize ?? DEFAULTS.exposureCacheSize,
    delivery,
    onExposure: options.onExposure,
    report,
  });
  const reportUnknown = createUnknownKeyReport(report);

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
          reportUnknown(experimentKey, version);
          return bareDecision(experimentKey, 'error');
        }
        let decision = decideCompiled(compiled, context);
        if (compiled.isSticky && applyStickyStore !== null) decision = applyStickyStore(compiled, context, decision);
        if (decision.inExperiment) logExposure(compiled, context, decision);
        if (telemetry !== null) recordDecision(telemetry, decision);
        return decision;
      } catch (cause) {
        report('internal', `Deciding ${experimentKey} failed; answered the control.`, { cause });
        return compiled?.fixed.error ?? bareDecision(experimentKey, 'error');
      }
    },
    track: createTrack(options.unitAttribute ?? DEFAULT_UNIT_ATTRIBUTE, delivery, report),
    flush,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      try {
        server?.stopLoader();
        stopListening?.();
        await delivery?.close(options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs);
      } catch (cause) {
        report('internal', 'close failed.', { cause });
      }
      settleReady(version !== null);
    },
  };
}
