interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: callers hand items and wait until they are stored; items from concurrent callers
 * are written together, one `write` per group, at most `maxConcurrent` writes at once. A lone
 * caller is written at once (no timer, no added latency); under load the groups grow on their own.
 * A failed write fails every caller of its group.
 */
export class GroupCommit<Item> {
  readonly #write: (items: Item[]) => Promise<void>;
  readonly #maxItems: number;
  readonly #maxConcurrent: number;
  #pending: Item[] = [];
  #waiters: Waiter[] = [];
  #writing = 0;

  constructor(write: (items: Item[]) => Promise<void>, options: { maxItems: number; maxConcurrent: number }) {
    this.#write = write;
    this.#maxItems = options.maxItems;
    this.#maxConcurrent = options.maxConcurrent;
  }

  /** Resolves once `items` are written (with whatever else was pending), rejects if that failed. */
  add(items: readonly Item[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#pending.push(...items);
    this.#pump();
    return done;
  }

  #pump(): void {
    while (this.#writing < this.#maxConcurrent && this.#pending.length > 0) {
      // A group never splits one caller's items across writes unless they alone exceed maxItems.
      const items = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      this.#writing += 1;
      void this.#writeAll(items).then(
        () => waiters.forEach((waiter) => waiter.resolve()),
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      ).finally(() => {
        this.#writing -= 1;
        this.#pump();
      });
    }
  }

  async #writeAll(items: Item[]): Promise<void> {
    for (let start = 0; start < items.length; start += this.#maxItems) await this.#write(items.slice(start, start + this.#maxItems));
  }
}
