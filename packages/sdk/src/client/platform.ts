/**
 * The few host facilities the client uses, typed structurally so the SDK core imports no DOM or
 * Node API: browsers and Node 20 both provide them on `globalThis`.
 */

/** The subset of a `fetch` Response the client reads. */
export interface ResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body?: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
  } | null;
  text(): Promise<string>;
}

/** The subset of `fetch` the client calls; pass your own through `options.fetch`. */
export type FetchLike = (
  url: string,
  init?: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    keepalive?: boolean;
    signal?: unknown;
  },
) => Promise<ResponseLike>;

type TimerHandle = unknown;

interface Host {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  fetch?: FetchLike;
  TextDecoder?: new () => { decode(input?: Uint8Array, options?: { stream?: boolean }): string };
  AbortController?: new () => { signal: unknown; abort(): void };
  EventSource?: new (url: string) => {
    addEventListener(type: string, listener: (event: { data: string }) => void): void;
    close(): void;
  };
  crypto?: { getRandomValues?<T extends Uint8Array>(array: T): T };
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
  document?: { visibilityState?: string };
}

export const host = globalThis as unknown as Host;

/** Starts a timer that never keeps a Node process alive on its own. */
export function startTimer(callback: () => void, ms: number): TimerHandle {
  const handle = host.setTimeout(callback, ms);
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}

/** Cancels a timer from {@link startTimer}; null is ignored. */
export function stopTimer(handle: TimerHandle | null): void {
  if (handle !== null) host.clearTimeout(handle);
}

/** Resolves after `ms`, without keeping a Node process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => startTimer(resolve, ms));
}
