import type { Response } from 'express';
import type { Logger } from 'pino';
import type { ChangeFeed } from '../db/change-feed.js';
import { DomainError } from '../errors/domain-error.js';
import type { SdkConfigService, SnapshotDocument } from './sdk-config-service.js';

interface StreamClient {
  readonly res: Response;
  lastVersion: number;
}

const RETRY_MS = 3_000;

/**
 * Server-sent events: each client gets the current config on connect and every newer version as
 * the change feed (LISTEN/NOTIFY, so any replica's change) announces it, plus heartbeats.
 */
export class ConfigStream {
  readonly #service: SdkConfigService;
  readonly #logger: Logger;
  readonly #clients = new Set<StreamClient>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  #isRefreshing = false;
  #isClosed = false;
  #isRefreshPending = false;

  constructor(options: { service: SdkConfigService; feed: ChangeFeed; logger: Logger; heartbeatMs: number }) {
    this.#service = options.service;
    this.#logger = options.logger;
    this.#unsubscribe = options.feed.subscribe(() => void this.refresh());
    this.#heartbeat = setInterval(() => this.#broadcastRaw(': heartbeat\n\n'), options.heartbeatMs);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Takes over `res` as an event stream and sends the current config. */
  async connect(res: Response): Promise<void> {
    if (this.#isClosed) throw new DomainError('shutting-down', 'This replica is shutting down; reconnect to another.');
    const document = await this.#service.current();
    // The client may have gone while the config was read; a closed response never emits 'close' again.
    if (res.destroyed || this.#isClosed) {
      res.end();
      return;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: ${RETRY_MS}\n\n`);
    const client: StreamClient = { res, lastVersion: -1 };
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
    this.#send(client, document);
  }

  /** Re-reads the config and pushes it to clients behind; concurrent calls coalesce. */
  async refresh(): Promise<void> {
    if (this.#isRefreshing) {
      this.#isRefreshPending = true;
      return;
    }
    this.#isRefreshing = true;
    try {
      do {
        this.#isRefreshPending = false;
        if (this.#clients.size === 0) continue;
        const document = await this.#service.current();
        for (const client of this.#clients) this.#send(client, document);
      } while (this.#isRefreshPending);
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not refresh the SDK config stream');
    } finally {
      this.#isRefreshing = false;
    }
  }

  /** Ends every stream (clients reconnect, to another replica when this one is going away). */
  close(): void {
    this.#isClosed = true;
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  #send(client: StreamClient, document: SnapshotDocument): void {
    if (document.version <= client.lastVersion) return;
    client.lastVersion = document.version;
    client.res.write(`id: ${document.version}\nevent: config\ndata: ${document.body}\n\n`);
  }

  #broadcastRaw(text: string): void {
    for (const client of this.#clients) client.res.write(text);
  }
}
