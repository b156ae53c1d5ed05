/**
 * Remembers which variant each unit was last logged in, per experiment, in bounded memory. It is
 * a two-generation LRU: when the current map fills, it becomes the previous one and the oldest
 * generation is dropped whole, so every operation is O(1) (evicting single entries from one Map
 * degrades, as its iterator must skip every deleted slot) and memory stays flat at no more than
 * twice the capacity, over any number of users. Keys are the unit strings the host already holds.
 */
export interface ExposureCache {
  /** Records the exposure; true when this unit was not recently logged in this variant (log it). */
  add(experiment: string, unit: string, variant: string): boolean;
  /** How many (experiment, unit) pairs are remembered, at most twice the capacity per experiment. */
  size(): number;
}

/** An {@link ExposureCache} remembering at least `capacity` units per experiment. */
export function createExposureCache(capacity: number): ExposureCache {
  const limit = Math.max(1, Math.floor(capacity));
  /** Per experiment: the current generation and the previous one. */
  const byExperiment = new Map<string, { current: Map<string, string>; previous: Map<string, string> }>();
  return {
    size: () =>
      [...byExperiment.values()].reduce((size, { current, previous }) => size + current.size + previous.size, 0),
    add: (experiment, unit, variant) => {
      let generations = byExperiment.get(experiment);
      if (generations === undefined)
        byExperiment.set(experiment, (generations = { current: new Map(), previous: new Map() }));
      if (generations.current.get(unit) === variant) return false;
      const isKnown = generations.previous.get(unit) === variant;
      generations.current.set(unit, variant);
      if (generations.current.size >= limit) {
        generations.previous = generations.current;
        generations.current = new Map();
      }
      return !isKnown;
    },
  };
}
