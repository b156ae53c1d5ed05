import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigSnapshot } from '../../src/index.js';

/** How the fake answers the next event batches: each fault is used once, in order. */
export type Fault = 'drop' | '500' | '503' | '429' | 'slow' | '400';

interface ReceivedEvent {
  readonly id: string;
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * A small stand-in for the Lift server's SDK endpoints on 127.0.0.1: config with ETag/304, the
 * server-sent-events stream, and event ingestion that dedupes on id, with faults on demand.
 */
export class FakeLiftServer {
  readonly events = new Map<string, ReceivedEvent>();
  readonly batches: ReceivedEvent[][] = [];
  readonly requests: { method: string; url: string; authorization: string | undefined }[] = [];
  faults: Fault[] = [];
  /** Files served without a key (a test page and its scripts), by path. */
  readonly files = new Map<string, { type: string; body: string }>();
  slowMs = 300;
  retryAfterSeconds = 1;
  #config: ConfigSnapshot;
  #server: Server | null = null;
  #streams = new Set<ServerResponse>();
  #port = 0;

  constructor(
    config: ConfigSnapshot,
    readonly sdkKey = 'sdk-test-key',
  ) {
    this.#config = config;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const stream of this.#streams) stream.destroy();
    this.#streams.clear();
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Replaces the config and pushes it to every open stream. */
  publish(config: ConfigSnapshot): void {
    this.#config = config;
    for (const stream of this.#streams)
      stream.write(`id: ${config.version}\nevent: config\ndata: ${JSON.stringify(config)}\n\n`);
  }

  #etag(): string {
    return `"${createHash('sha256').update(JSON.stringify(this.#config)).digest('base64url')}"`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, if-none-match');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const file = req.method === 'GET' ? this.files.get(req.url ?? '') : undefined;
    if (file !== undefined) return void res.writeHead(200, { 'Content-Type': file.type }).end(file.body);
    // EventSource cannot send headers: browsers put the key of the stream in its URL, as the server allows.
    const isStream = req.method === 'GET' && new URL(req.url ?? '/', this.url).pathname === '/v1/sdk/stream';
    const isStreamKeyInUrl = isStream && new URL(req.url ?? '/', this.url).searchParams.get('apiKey') === this.sdkKey;
    if (req.headers.authorization !== `Bearer ${this.sdkKey}` && !isStreamKeyInUrl)
      return void res.writeHead(401).end();
    if (req.method === 'GET' && req.url === '/v1/sdk/config') {
      const etag = this.#etag();
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
      return void res
        .writeHead(200, { 'Content-Type': 'application/json', ETag: etag })
        .end(JSON.stringify(this.#config));
    }
    if (isStream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(`retry: 1000\n\nid: ${this.#config.version}\nevent: config\ndata: ${JSON.stringify(this.#config)}\n\n`);
      this.#streams.add(res);
      res.on('close', () => this.#streams.delete(res));
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/events') return this.#ingest(req, res);
    res.writeHead(404).end();
  }

  async #ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = this.faults.shift();
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === '500' || fault === '503') return void res.writeHead(Number(fault)).end('{"title":"unavailable"}');
    if (fault === '429') return void res.writeHead(429, { 'Retry-After': String(this.retryAfterSeconds) }).end();
    if (fault === '400')
      return void res.writeHead(400, { 'Content-Type': 'application/problem+json' }).end('{"title":"invalid"}');
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, this.slowMs));
    const { events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: ReceivedEvent[] };
    this.batches.push(events);
    let duplicates = 0;
    for (const event of events) {
      if (this.events.has(event.id)) duplicates += 1;
      else this.events.set(event.id, event);
    }
    res
      .writeHead(202, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ accepted: events.length - duplicates, duplicates }));
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
