import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from 'pino';

/** The PostgreSQL channel on which a new SDK config version is announced. */
export const CONFIG_CHANNEL = 'lift_sdk_config';

const RECONNECT_DELAY_MS = 1_000;

/**
 * Called with each config version announced by any replica, or with null when announcements may
 * have been missed (the listener reconnected) and the current version should be re-read.
 */
export type ChangeListener = (version: number | null) => void;

/** Config change announcements, delivered to every replica through LISTEN/NOTIFY. */
export interface ChangeFeed {
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

class ListenerSet {
  readonly #listeners = new Set<ChangeListener>();

  add(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(payload: string | null): void {
    const version = payload === null ? null : Number(payload);
    for (const listener of this.#listeners) {
      listener(version === null || Number.isInteger(version) ? version : null);
    }
  }
}

/**
 * LISTENs on a dedicated connection (a pool connection would be handed to other queries) and
 * reconnects after a drop, telling listeners to re-read since announcements may have been lost.
 */
export function createPostgresChangeFeed(connectionString: string, logger: Logger): ChangeFeed & { ready: Promise<void> } {
  const listeners = new ListenerSet();
  let client: pg.Client | null = null;
  let isClosed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === CONFIG_CHANNEL) listeners.emit(message.payload ?? null);
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'config change listener lost its connection');
      scheduleReconnect();
    });
    next.on('end', () => scheduleReconnect());
    client = next;
    await next.connect();
    await next.query(`LISTEN ${CONFIG_CHANNEL}`);
  };

  const scheduleReconnect = (): void => {
    if (isClosed || reconnectTimer !== undefined) return;
    const stale = client;
    client = null;
    stale?.removeAllListeners('end');
    void stale?.end().catch(() => undefined);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect()
        .then(() => listeners.emit(null))
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'config change listener could not reconnect');
          scheduleReconnect();
        });
    }, RECONNECT_DELAY_MS);
  };

  return {
    ready: connect(),
    subscribe: (listener) => listeners.add(listener),
    async close() {
      isClosed = true;
      clearTimeout(reconnectTimer);
      const current = client;
      client = null;
      current?.removeAllListeners('end');
      await current?.end().catch(() => undefined);
    },
  };
}

/** PGlite is one in-process database: its own LISTEN/NOTIFY reaches every listener. */
export async function createPgliteChangeFeed(pglite: PGlite): Promise<ChangeFeed> {
  const listeners = new ListenerSet();
  const unlisten = await pglite.listen(CONFIG_CHANNEL, (payload) => listeners.emit(payload));
  return {
    subscribe: (listener) => listeners.add(listener),
    async close() {
      if (!pglite.closed) await unlisten();
    },
  };
}
