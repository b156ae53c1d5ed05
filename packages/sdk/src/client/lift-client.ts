import { compileExperiment, decideCompiled, isStickyOverridable, makeDecision, stickyDecision, unitFrom, unitOf, type CompiledExperiment } from '../compile-experiment.js';
import { isRecord } from '../condition/condition-shape.js';
import type { Attributes, ConfigSnapshot, Decision, ExperimentDefinition, SavedGroups } from '../types.js';
import { startConfigLoader, type RefreshMode } from './config-loader.js';
import type { ConfigStreamOpener } from './config-stream.js';
import { createEventId } from './event-id.js';
import { createEventDelivery, type EventDelivery } from './event-delivery.js';
import type { ConversionEvent, ExposureEvent } from './events.js';
import { ExposureCache } from './exposure-cache.js';
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
const DEFAULT_UNIT_ATTRIBUTE = 'userId';
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

interface ConfigState {
  readonly version: number | string;
  readonly experiments: ReadonlyMap<string, CompiledExperiment>;
}

/** A decision made without an experiment to read a control from. */
function bareDecision(experiment: string, reason: 'not-ready' | 'error'): Decision {
  return makeDecision(experiment, null, reason, null, null);
}

/** Why track() cannot make an event of its arguments, naming the one at fault, or null. */
function checkTrack(eventName: unknown, value: unknown, properties: unknown): string | null {
  if (typeof eventName !== 'string' || eventName === '') return 'eventName must be a non-empty string';
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return 'value must be a finite number';
  if (properties !== undefined && !isRecord(properties)) return 'properties must be an object';
  return null;
}

class Client implements LiftClient {
  readonly #options: LiftClientOptions;
  readonly #delivery: EventDelivery | null;
  readonly #stopLoader: (() => void) | null;
  readonly #exposures: ExposureCache;
  readonly #sticky = new Map<string, string>();
  readonly #reportedUnknown = new Set<string>();
  readonly #readyWaiters = new Set<() => void>();
  #state: ConfigState | null = null;
  #telemetry: OpenTelemetryApi | null = null;
  #isClosed = false;
  readonly #onPageHide = (): void => this.#delivery?.sendBeforeUnload();
  readonly #onStickyStoreError = (error: unknown): void => this.#report(new LiftError('sticky-store-failed', 'The sticky store failed.', { cause: error }));
  readonly #onVisibilityChange = (): void => {
    if (host.document?.visibilityState === 'hidden') void this.flush();
  };

  constructor(options: LiftClientOptions, openStream: ConfigStreamOpener) {
    this.#options = options;
    this.#exposures = new ExposureCache(options.exposureCacheSize ?? DEFAULT_EXPOSURE_CACHE_SIZE);
    const fetch = options.fetch ?? host.fetch?.bind(globalThis);
    const serverUrl = options.serverUrl?.replace(/\/+$/, '');
    const headers: Record<string, string> = options.sdkKey === undefined ? {} : { Authorization: `Bearer ${options.sdkKey}` };
    const report = (error: LiftError): void => this.#report(error);
    if (options.config !== undefined) this.#accept(options.config, 'bootstrap');
    const { openTelemetry } = options;
    if (openTelemetry) this.#telemetry = openTelemetry;
    else if (openTelemetry === undefined) void loadOpenTelemetry().then((api) => (this.#telemetry = api));
    if (serverUrl === undefined || fetch === undefined) {
      this.#delivery = null;
      this.#stopLoader = null;
      if (serverUrl !== undefined) report(new LiftError('internal', 'No fetch: pass options.fetch.'));
      return;
    }
    this.#delivery = createEventDelivery({
      url: `${serverUrl}/v1/events`,
      headers: { ...headers, 'Content-Type': 'application/json' },
      fetch,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      maxBatchSize: Math.max(1, Math.min(MAX_BATCH_SIZE, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)),
      maxQueueSize: Math.max(1, options.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE),
      report,
    });
    this.#stopLoader = startConfigLoader({
      serverUrl,
      sdkKey: options.sdkKey,
      headers,
      fetch,
      refresh: options.refresh ?? 'stream',
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      openStream,
      accept: (snapshot, source) => this.#accept(snapshot, source),
      report,
    });
    host.addEventListener?.('pagehide', this.#onPageHide);
    host.addEventListener?.('visibilitychange', this.#onVisibilityChange);
  }

  get configVersion(): number | string | null {
    return this.#state?.version ?? null;
  }

  get pendingEvents(): number {
    return this.#delivery?.pending() ?? 0;
  }

  ready(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.#state !== null) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        this.#readyWaiters.delete(done);
        resolve(this.#state !== null);
      };
      this.#readyWaiters.add(done);
      if (options.timeoutMs !== undefined) startTimer(done, options.timeoutMs);
    });
  }

  decide(experimentKey: string, context: Attributes): Decision {
    const compiled = this.#state?.experiments.get(experimentKey);
    try {
      if (this.#state === null) return bareDecision(experimentKey, 'not-ready');
      if (compiled === undefined) {
        this.#reportUnknown(experimentKey);
        return bareDecision(experimentKey, 'error');
      }
      let decision = decideCompiled(compiled, context);
      if (compiled.isSticky && this.#options.stickyStore !== undefined) decision = this.#applySticky(compiled, context, decision);
      if (decision.inExperiment) this.#logExposure(compiled, context, decision);
      if (this.#telemetry !== null) recordDecision(this.#telemetry, decision);
      return decision;
    } catch (error) {
      this.#report(new LiftError('internal', `Deciding ${experimentKey} failed; answered the control.`, { cause: error }));
      return compiled?.fixed.error ?? bareDecision(experimentKey, 'error');
    }
  }

  track(eventName: string, context: Attributes, value?: number, properties?: { readonly [key: string]: unknown }): void {
    const name = typeof eventName === 'string' ? JSON.stringify(eventName) : typeof eventName;
    const drop = (problem: string, cause?: unknown): void =>
      this.#report(new LiftError(cause === undefined ? 'invalid-event' : 'internal', `track(${name}): ${problem}; the event was dropped.`, { count: 1, cause }));
    try {
      const problem = checkTrack(eventName, value, properties);
      if (problem !== null) return drop(problem);
      const unitAttribute = this.#options.unitAttribute ?? DEFAULT_UNIT_ATTRIBUTE;
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
      this.#delivery?.enqueue(event);
    } catch (error) {
      drop('it failed', error);
    }
  }

  async flush(): Promise<void> {
    try {
      await this.#delivery?.flush();
    } catch (error) {
      this.#report(new LiftError('internal', 'flush failed.', { cause: error }));
    }
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    try {
      this.#stopLoader?.();
      host.removeEventListener?.('pagehide', this.#onPageHide);
      host.removeEventListener?.('visibilitychange', this.#onVisibilityChange);
      await this.#delivery?.close(this.#options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    } catch (error) {
      this.#report(new LiftError('internal', 'close failed.', { cause: error }));
    }
    for (const waiter of [...this.#readyWaiters]) waiter();
  }

  #accept(snapshot: unknown, source: string): void {
    if (!isRecord(snapshot) || !Array.isArray(snapshot.experiments) || (typeof snapshot.version !== 'number' && typeof snapshot.version !== 'string')) {
      this.#report(new LiftError('config-invalid', `The ${source} config is not a snapshot; keeping the last good one.`));
      return;
    }
    if (this.#state?.version === snapshot.version) return;
    const savedGroups = isRecord(snapshot.savedGroups) ? (snapshot.savedGroups as SavedGroups) : undefined;
    const experiments = new Map<string, CompiledExperiment>();
    const problems: string[] = [];
    for (const definition of snapshot.experiments as ExperimentDefinition[]) {
      const compiled = compileExperiment(definition, savedGroups);
      if (compiled.problem !== null) problems.push(`${compiled.key || '(no key)'}: ${compiled.problem}`);
      if (compiled.key !== '') experiments.set(compiled.key, compiled);
    }
    if (problems.length > 0) {
      this.#report(new LiftError('config-invalid', `Unusable experiments, deciding their control: ${problems.join('; ')}`));
    }
    this.#state = { version: snapshot.version, experiments };
    for (const waiter of [...this.#readyWaiters]) waiter();
  }

  #applySticky(compiled: CompiledExperiment, context: Attributes, decision: Decision): Decision {
    if (!isStickyOverridable(decision)) return decision;
    const unit = unitOf(compiled, context);
    if (unit === null) return decision;
    const key = `${compiled.key}:${unit}`;
    const remembered = this.#sticky.get(key);
    if (remembered !== undefined) return stickyDecision(compiled, remembered, decision.bucket) ?? decision;
    const store = this.#options.stickyStore as StickyStore;
    const stored = this.#readStore(store, key);
    if (typeof stored === 'string') {
      this.#sticky.set(key, stored);
      return stickyDecision(compiled, stored, decision.bucket) ?? decision;
    }
    if (decision.reason === 'assigned' && decision.variant !== null) {
      this.#sticky.set(key, decision.variant);
      try {
        void Promise.resolve(store.set(key, decision.variant)).catch(this.#onStickyStoreError);
      } catch (error) {
        this.#onStickyStoreError(error);
      }
    }
    return decision;
  }

  /** A synchronous store answers now; an asynchronous one fills the in-memory map for next time. */
  #readStore(store: StickyStore, key: string): string | null {
    try {
      const value = store.get(key);
      if (typeof value === 'string') return value;
      if (value !== null && typeof value === 'object' && typeof (value as Promise<unknown>).then === 'function') {
        (value as Promise<string | null | undefined>).then(
          (loaded) => {
            if (typeof loaded === 'string') this.#sticky.set(key, loaded);
          },
          this.#onStickyStoreError,
        );
      }
    } catch (error) {
      this.#onStickyStoreError(error);
    }
    return null;
  }

  #logExposure(compiled: CompiledExperiment, context: Attributes, decision: Decision): void {
    const unit = unitOf(compiled, context);
    if (unit === null || decision.variant === null) return;
    if (!this.#exposures.add(decision.experiment, unit, decision.variant)) return;
    const event: ExposureEvent = {
      id: createEventId(),
      type: 'exposure',
      experiment: decision.experiment,
      variant: decision.variant,
      unit,
      timestamp: new Date().toISOString(),
    };
    this.#delivery?.enqueue(event);
    const onExposure = this.#options.onExposure;
    if (onExposure !== undefined) {
      try {
        onExposure(event);
      } catch (error) {
        this.#report(new LiftError('callback-failed', 'onExposure threw.', { cause: error }));
      }
    }
  }

  #reportUnknown(experimentKey: string): void {
    if (this.#reportedUnknown.has(experimentKey) || this.#reportedUnknown.size > MAX_REPORTED_UNKNOWN) return;
    this.#reportedUnknown.add(experimentKey);
    this.#report(new LiftError('unknown-experiment', `No experiment ${JSON.stringify(experimentKey)} in config version ${String(this.#state?.version)}.`));
  }

  #report(error: LiftError): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // onError itself failed: nothing more can be told to the host.
    }
  }
}

/**
 * The client behind {@link createClient}, with the config stream transport of its build: fetch
 * in Node, EventSource in browsers.
 */
export function createClientWith(options: LiftClientOptions, openStream: ConfigStreamOpener): LiftClient {
  return new Client(options, openStream);
}
