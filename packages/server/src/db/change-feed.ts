import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from 'pino';

/** The PostgreSQL channel on which a new SDK config version is announced. */
export const CONFIG_CHANNEL = 'lift_sdk_config';
/** The PostgreSQL channel on which a changed (revoked, re-roled) API key's id is announced. */
export const KEYS_CHANNEL = 'lift_api_keys';

const RECONNECT_DELAY_MS = 1_000;

/**
 * Called with each config version announced by any replica, or with null when announcements may
 * have been missed (the listener lost its connection, or reconnected) and the current version
 * should be re-read.
 */
export type ChangeListener = (version: number | null) => void;

/** Called with the id of each changed API key, or with null when every cached key must be dropped. */
export type KeyChangeListener = (keyId: string | null) => void;

/** Change announcements, delivered to every replica through LISTEN/NOTIFY. */
export interface ChangeFeed {
  subscribe(listener: ChangeListener): () => void;
  /** Key changes; a feed without it (or not live) means no replica may cache keys. */
  subscribeKeyChanges?(listener: KeyChangeListener): () => void;
  /**
   * True while announcements are being received. Caches kept fresh by the feed are trusted only
   * while it is live: while it is not, announcements may be lost, and listeners hear null on each
   * change of this flag.
   */
  readonly isLive?: boolean;
  close(): Promise<void>;
}

class ListenerSet<Value> {
  readonly #listeners = new Set<(value: Value | null) => void>();

  add(listener: (value: Value | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(value: Value | null): void {
    for (const listener of this.#listeners) listener(value);
  }
}

function toVersion(payload: string | null | undefined): number | null {
  const version = payload === null || payload === undefined ? null : Number(payload);
  return version !== null && Number.isInteger(version) ? version : null;
}

/**
 * LISTENs on a dedicated connection (a pool connection would be handed to other queries) and
 * reconnects after a drop. Listeners hear null when the connection is lost (caches stop trusting
 * themselves at once) and again once it is back (announcements in between are lost: re-read).
 */
export function createPostgresChangeFeed(
  connectionString: string,
  logger: Logger,
): ChangeFeed & { ready: Promise<void> } {
  const configListeners = new ListenerSet<number>();
  const keyListeners = new ListenerSet<string>();
  let client: pg.Client | null = null;
  let isClosed = false;
  let isLive = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const announceGap = (): void => {
    configListeners.emit(null);
    keyListeners.emit(null);
  };

  const connect = async (): Promise<void> => {
    // keepAlive: a peer that vanished without closing the socket is noticed, not listened to forever.
    const next = new pg.Client({ connectionString, keepAlive: true });
    next.on('notification', (message) => {
      if (message.channel === CONFIG_CHANNEL) configListeners.emit(toVersion(message.payload));
      else if (message.channel === KEYS_CHANNEL) keyListeners.emit(message.payload ?? null);
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'change listener lost its connection');
      scheduleReconnect();
    });
    next.on('end', () => scheduleReconnect());
    client = next;
    await next.connect();
    await next.query(`LISTEN ${CONFIG_CHANNEL}; LISTEN ${KEYS_CHANNEL}`);
    if (client === next && !isClosed) isLive = true;
  };

  const scheduleReconnect = (): void => {
    if (isClosed || reconnectTimer !== undefined) return;
    const wasLive = isLive;
    isLive = false;
    if (wasLive) announceGap();
    const stale = client;
    client = null;
    stale?.removeAllListeners('end');
    void stale?.end().catch(() => undefined);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect()
        .then(() => announceGap())
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'change listener could not reconnect');
          scheduleReconnect();
        });
    }, RECONNECT_DELAY_MS);
  };

  return {
    ready: connect(),
    subscribe: (listener) => configListeners.add(listener),
    subscribeKeyChanges: (listener) => keyListeners.add(listener),
    get isLive() {
      return isLive;
    },
    async close() {
      isClosed = true;
      isLive = false;
      clearTimeout(reconnectTimer);
      const current = client;
      client = null;
      current?.removeAllListeners('end');
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * PGlite is one in-process database: its own LISTEN/NOTIFY reaches every listener, and there is no
 * connection to lose, so the feed is live until closed.
 */
export async function createPgliteChangeFeed(pglite: PGlite): Promise<ChangeFeed> {
  const configListeners = new ListenerSet<number>();
  const keyListeners = new ListenerSet<string>();
  const unlistenConfig = await pglite.listen(CONFIG_CHANNEL, (payload) => configListeners.emit(toVersion(payload)));
  const unlistenKeys = await pglite.listen(KEYS_CHANNEL, (payload) => keyListeners.emit(payload));
  let isLive = true;
  return {
    subscribe: (listener) => configListeners.add(listener),
    subscribeKeyChanges: (listener) => keyListeners.add(listener),
    get isLive() {
      return isLive && !pglite.closed;
    },
    async close() {
      isLive = false;
      if (!pglite.closed) {
        await unlistenConfig();
        await unlistenKeys();
      }
    },
  };
}
