import type { Logger } from 'pino';
import type { FactsRepository, FoldResult } from './facts-repository.js';

/** How long after an ingest a sweep starts, so that the batches of a burst fold together. */
export const DEFAULT_FOLD_DELAY_MS = 200;
/** How often each replica checks for events no sweep has taken (written by a replica that stopped). */
export const DEFAULT_FOLD_INTERVAL_MS = 5_000;
/** Transaction ids a sweep takes at most (about as many ingested batches). */
export const DEFAULT_MAX_TRANSACTIONS_PER_SWEEP = 200;

export interface FactFolderOptions {
  readonly delayMs?: number;
  readonly intervalMs?: number;
  readonly maxTransactionsPerSweep?: number;
}

/**
 * Keeps the per-unit facts current: after ingest, and now and then, it runs sweeps until nothing
 * is pending (one at a time on this replica; across replicas, a sweep that finds another running
 * leaves the work to it). `foldNow` is for readers that must see every acknowledged event.
 */
export class FactFolder {
  readonly #repository: FactsRepository;
  readonly #logger: Logger;
  readonly #delayMs: number;
  readonly #maxTransactions: number;
  readonly #interval: NodeJS.Timeout;
  #scheduled: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();
  #isStopped = false;

  constructor(repository: FactsRepository, logger: Logger, options: FactFolderOptions = {}) {
    this.#repository = repository;
    this.#logger = logger;
    this.#delayMs = options.delayMs ?? DEFAULT_FOLD_DELAY_MS;
    this.#maxTransactions = options.maxTransactionsPerSweep ?? DEFAULT_MAX_TRANSACTIONS_PER_SWEEP;
    this.#interval = setInterval(() => this.#checkPending(), options.intervalMs ?? DEFAULT_FOLD_INTERVAL_MS);
    this.#interval.unref();
  }

  /** Events were stored: fold them soon (calls within the delay share one run). */
  schedule(): void {
    if (this.#isStopped || this.#scheduled !== null) return;
    this.#scheduled = setTimeout(() => {
      this.#scheduled = null;
      void this.#enqueue({ wait: false }).catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'folding event facts failed; will retry'),
      );
    }, this.#delayMs);
    this.#scheduled.unref();
  }

  /**
   * Folds every event stored by a transaction that finished before this call (waiting for a sweep
   * running on another replica, then sweeping itself). Rejects if the database does.
   */
  foldNow(): Promise<void> {
    return this.#enqueue({ wait: true });
  }

  /** Starts no more sweeps; resolves once a sweep in flight has ended (whatever its outcome). */
  stop(): Promise<void> {
    this.#isStopped = true;
    clearInterval(this.#interval);
    if (this.#scheduled !== null) clearTimeout(this.#scheduled);
    this.#scheduled = null;
    return this.#running.catch(() => undefined);
  }

  /** `wait`: wait for a sweep running on another replica rather than leave the work to it. */
  #enqueue(options: { readonly wait: boolean }): Promise<void> {
    const run = this.#running.catch(() => undefined).then(() => this.#sweepUntilCurrent(options));
    this.#running = run;
    return run;
  }

  async #sweepUntilCurrent(options: { readonly wait: boolean }): Promise<void> {
    // Nothing committed past the cursor (a read, no lock): nothing to fold, so readers pay little.
    if (!(await this.#repository.hasPending())) return;
    let result: FoldResult | null;
    do {
      result = await this.#repository.transaction((tx) =>
        tx.foldPending({ wait: options.wait, maxTransactions: this.#maxTransactions }),
      );
    } while (result?.isCapped === true);
  }

  #checkPending(): void {
    // A sweep starts by checking for pending events, so an idle check costs one index probe.
    this.#enqueue({ wait: false }).catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'checking for unfolded events failed; will retry'),
    );
  }
}
