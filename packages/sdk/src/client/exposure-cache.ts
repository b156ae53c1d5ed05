/** Two generations of unit -> last logged variant for one experiment. */
interface Generations {
  current: Map<string, string>;
  previous: Map<string, string>;
}

/**
 * Remembers which variant each unit was last logged in, per experiment, in bounded memory. It is
 * a two-generation LRU: when the current map fills, it becomes the previous one and the oldest
 * generation is dropped whole, so every operation is O(1) (evicting single entries from one Map
 * degrades, as its iterator must skip every deleted slot) and memory stays flat at no more than
 * twice the capacity, over any number of users. Keys are the unit strings the host already holds.
 */
export class ExposureCache {
  readonly #capacity: number;
  readonly #byExperiment = new Map<string, Generations>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /** How many (experiment, unit) pairs are remembered, at most twice the capacity per experiment. */
  get size(): number {
    let size = 0;
    for (const generations of this.#byExperiment.values()) size += generations.current.size + generations.previous.size;
    return size;
  }

  /** Records the exposure; true when this unit was not recently logged in this variant (log it). */
  add(experiment: string, unit: string, variant: string): boolean {
    let generations = this.#byExperiment.get(experiment);
    if (generations === undefined) {
      generations = { current: new Map(), previous: new Map() };
      this.#byExperiment.set(experiment, generations);
    }
    if (generations.current.get(unit) === variant) return false;
    const isKnown = generations.previous.get(unit) === variant;
    generations.current.set(unit, variant);
    if (generations.current.size >= this.#capacity) {
      generations.previous = generations.current;
      generations.current = new Map();
    }
    return !isKnown;
  }
}
