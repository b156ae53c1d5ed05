/**
 * Where a client keeps each unit's first variant of a sticky experiment. Either method may be
 * asynchronous; the client never waits on it while deciding.
 */
export interface StickyStore {
  get(key: string): string | undefined | null | Promise<string | undefined | null>;
  set(key: string, variant: string): void | Promise<void>;
}

/**
 * A sticky store in memory, bounded so a long-running server does not grow without limit.
 *
 * @example
 * createClient({ serverUrl, sdkKey, stickyStore: createMemoryStickyStore() });
 */
export function createMemoryStickyStore(options: { maxEntries?: number } = {}): StickyStore {
  // Two generations, as in the exposure cache: O(1) at any size, at most 2 x maxEntries kept.
  const maxEntries = Math.max(1, options.maxEntries ?? 100_000);
  let current = new Map<string, string>();
  let previous = new Map<string, string>();
  return {
    get: (key) => current.get(key) ?? previous.get(key),
    set: (key, variant) => {
      current.set(key, variant);
      if (current.size >= maxEntries) {
        previous = current;
        current = new Map();
      }
    },
  };
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * A sticky store in the browser's `localStorage` (or any Storage), so a visitor keeps a variant
 * across page loads. Storage failures (private mode, quota) are swallowed: stickiness then lasts
 * for the page only.
 *
 * @example
 * createClient({ serverUrl, sdkKey, stickyStore: createLocalStorageStickyStore() });
 */
export function createLocalStorageStickyStore(options: { prefix?: string; storage?: StorageLike } = {}): StickyStore {
  const prefix = options.prefix ?? 'lift:sticky:';
  const storage = options.storage ?? (globalThis as { localStorage?: StorageLike }).localStorage;
  const fallback = createMemoryStickyStore({ maxEntries: 1000 });
  return {
    get: (key) => {
      try {
        return storage?.getItem(prefix + key) ?? fallback.get(key);
      } catch {
        return fallback.get(key);
      }
    },
    set: (key, variant) => {
      void fallback.set(key, variant);
      try {
        storage?.setItem(prefix + key, variant);
      } catch {
        // Quota exceeded or storage disabled: the in-page fallback still keeps the variant.
      }
    },
  };
}
