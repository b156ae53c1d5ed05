import { setTimeout as sleep } from 'node:timers/promises';
import { runAutoRollout, type PromotionClock } from './auto-rollout.js';
import type { Cluster } from './cluster.js';
import { errorMessage } from './error-message.js';
import { readExperiments } from './experiment-input.js';
import type { LiftApiClient } from './lift-api-client.js';
import { reconcile } from './reconcile.js';
import type { RenderOptions } from './render.js';
import { renderValidated } from './sync.js';
import type { ResourceValidator } from './validate.js';

export interface WatchOptions {
  readonly client: LiftApiClient;
  readonly cluster: Cluster;
  readonly validator: ResourceValidator;
  readonly signal: AbortSignal;
  /** Full resync period even when the stream is quiet. */
  readonly resyncMs: number;
  readonly isAuto?: boolean;
  readonly isDryRun?: boolean;
  readonly isPruning?: boolean;
  readonly stepIntervalMs?: number;
  readonly alpha?: number;
  readonly render?: RenderOptions;
  /** Reconnect delays grow from here, doubling up to `maxBackoffMs`, with jitter. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly log: (entry: { readonly [key: string]: unknown }) => void;
}

const DEFAULT_MIN_BACKOFF_MS = 1_000;
const DEFAULT_MAX_BACKOFF_MS = 30_000;
const DEFAULT_STEP_INTERVAL_MS = 15 * 60_000;
const JITTER = 0.2;

/** Runs `pass` whenever triggered; triggers during a pass coalesce into one more pass. */
function coalesce(pass: () => Promise<void>): { trigger: () => void; idle: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let isPending = false;
  const run = async (): Promise<void> => {
    do {
      isPending = false;
      await pass();
    } while (isPending);
    running = null;
  };
  return {
    trigger: () => {
      if (running !== null) isPending = true;
      else running = run();
    },
    idle: async () => {
      while (running !== null) await running;
    },
  };
}

/** One pass: read the experiments, run the gate (with `isAuto`), render, validate and reconcile. Never throws: errors are logged. */
async function syncPass(options: WatchOptions, clock: PromotionClock): Promise<void> {
  const { client, cluster, validator, signal, log } = options;
  if (signal.aborted) return;
  try {
    let experiments = readExperiments(await client.listExperiments());
    if (options.isAuto === true) {
      const isChanged = await runAutoRollout(experiments, client, clock, {
        stepIntervalMs: options.stepIntervalMs ?? DEFAULT_STEP_INTERVAL_MS,
        ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
        isDryRun: options.isDryRun ?? false,
        log: (entry) => log({ event: 'gate', ...entry }),
      });
      if (isChanged) experiments = readExperiments(await client.listExperiments());
    }
    const resources = renderValidated(experiments, validator, options.render);
    const report = await reconcile(resources, cluster, {
      isApplying: true,
      isDryRun: options.isDryRun ?? false,
      isPruning: options.isPruning ?? true,
      log: (line) => log({ event: 'reconcile', message: line }),
    });
    const changed = report.diffs.filter((diff) => diff.action !== 'unchanged').length;
    log({
      event: 'synced',
      resources: resources.length,
      applied: report.applied.length,
      pruned: report.pruned.length,
      unchanged: report.diffs.length - changed,
    });
  } catch (error) {
    log({ event: 'error', message: errorMessage(error) });
  }
}

/**
 * Follows the stream until `signal` aborts, triggering a pass on every event and after every
 * reconnect; reconnect delays double from `minBackoffMs` up to `maxBackoffMs`, with jitter, and
 * start over once a connection delivers an event.
 */
async function followWithBackoff(options: WatchOptions, trigger: () => void): Promise<void> {
  const { client, signal, log } = options;
  const minBackoff = options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
  const maxBackoff = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  let attempt = 0;
  while (!signal.aborted) {
    let isConnected = false;
    try {
      await client.followStream(() => {
        isConnected = true;
        attempt = 0;
        trigger();
      }, signal);
      if (!signal.aborted) log({ event: 'stream', message: 'stream ended; reconnecting' });
    } catch (error) {
      if (signal.aborted) break;
      log({ event: 'stream', message: `stream failed: ${errorMessage(error)}` });
    }
    if (signal.aborted) break;
    if (!isConnected) attempt += 1;
    const base = Math.min(maxBackoff, minBackoff * 2 ** Math.max(0, attempt - 1));
    const delay = Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER));
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      break;
    }
    // Events may have been missed while disconnected.
    trigger();
  }
}

/**
 * Follows Lift's server-sent config stream and reconciles on every event and every `resyncMs`,
 * writing only when the diff is non-empty; reconnects with exponential backoff. With `isAuto`,
 * each pass first runs the rollout gate. Resolves when `signal` aborts.
 */
export async function watch(options: WatchOptions): Promise<void> {
  const clock: PromotionClock = new Map();
  const { trigger, idle } = coalesce(() => syncPass(options, clock));
  trigger();
  const resync = setInterval(trigger, options.resyncMs);
  try {
    await followWithBackoff(options, trigger);
  } finally {
    clearInterval(resync);
    await idle();
  }
}
