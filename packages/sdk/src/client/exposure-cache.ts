/**
 * Remembers which (experiment, unit, variant) exposures were already logged, in bounded memory:
 * a least-recently-used set over a Map's insertion order, so millions of users keep it flat.
 */
export class ExposureCache {
  readonly #capacity: number;
  readonly #seen = new Map<string, true>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Records `key`; true when it was not seen recently (the exposure should be logged). */
  add(key: string): boolean {
    if (this.#seen.has(key)) {
      // Refresh its recency: a unit seen again should be the last to be forgotten.
      this.#seen.delete(key);
      this.#seen.set(key, true);
      return false;
    }
    this.#seen.set(key, true);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.keys().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
    return true;
  }
}
