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
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, string>();
  return {
    get: (key) => entries.get(key),
    set: (key, variant) => {
      entries.delete(key);
      entries.set(key, variant);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
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
