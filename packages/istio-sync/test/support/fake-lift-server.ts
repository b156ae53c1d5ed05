import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = { [key: string]: unknown };

export interface LiftRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * A small fake of Lift's REST API on 127.0.0.1: the experiments list (paged), the scorecard (as
 * the server shapes it; `hasScorecardRoute = false` plays a Lift that predates it), PATCH routing
 * with If-Match, pause, and the SDK config event stream. Problems carry Lift's `type` URNs.
 */
export class FakeLiftServer {
  readonly requests: LiftRequest[] = [];
  experiments: Json[] = [];
  /** Each experiment's scorecard answer, as JSON (tests may store malformed ones). */
  readonly scorecards = new Map<string, unknown>();
  hasScorecardRoute = true;
  readonly apiKey = 'admin-key';
  pageSize = 2;
  #server: Server | undefined;
  readonly #streams = new Set<ServerResponse>();
  #eventId = 0;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.dropStreams();
    await new Promise<void>((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  /** Sends a `config` event to every open stream. */
  push(): void {
    this.#eventId += 1;
    for (const stream of this.#streams)
      stream.write(`id: ${this.#eventId}\nevent: config\ndata: {"version":${this.#eventId},"experiments":[]}\n\n`);
  }

  dropStreams(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const request: LiftRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(request);
    if (req.headers.authorization !== `Bearer ${this.apiKey}`)
      return problem(res, 401, 'unauthenticated', 'Send an API key as "Authorization: Bearer <key>".');
    const parts = url.pathname.split('/').filter(Boolean);
    if (request.method === 'GET' && url.pathname === '/v1/sdk/stream') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write('retry: 3000\n\n');
      this.#streams.add(res);
      res.on('close', () => this.#streams.delete(res));
      this.#eventId += 1;
      res.write(`id: ${this.#eventId}\nevent: config\ndata: {"version":${this.#eventId},"experiments":[]}\n\n`);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/v1/experiments') {
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const items = this.experiments.slice(start, start + this.pageSize);
      const next = start + this.pageSize < this.experiments.length ? String(start + this.pageSize) : null;
      return json(res, 200, { items, nextCursor: next });
    }
    const noRoute = (): void => problem(res, 404, 'route-not-found', `No route ${request.method} ${url.pathname}.`);
    const isScorecard = request.method === 'GET' && parts.length === 4 && parts[3] === 'scorecard';
    if (isScorecard && !this.hasScorecardRoute) return noRoute();
    const experiment = this.experiments.find((candidate) => candidate['key'] === parts[2]);
    if (experiment === undefined)
      return problem(res, 404, 'not-found', `No experiment with key "${String(parts[2])}".`);
    if (isScorecard) {
      const scorecard = this.scorecards.get(String(parts[2]));
      return scorecard === undefined
        ? problem(res, 500, 'internal', 'The fake has no scorecard for this experiment.')
        : json(res, 200, scorecard);
    }
    if (request.method === 'PATCH' && parts.length === 3) {
      if (req.headers['if-match'] !== `"${String(experiment['version'])}"`)
        return problem(res, 412, 'version-mismatch', 'The experiment changed since you read it.');
      const patch = JSON.parse(request.body) as Json;
      Object.assign(experiment, patch, { version: Number(experiment['version']) + 1 });
      this.push();
      return json(res, 200, experiment);
    }
    if (request.method === 'POST' && parts[3] === 'pause') {
      if (experiment['status'] !== 'running')
        return problem(res, 409, 'invalid-transition', 'Only a running experiment can be paused.');
      Object.assign(experiment, { status: 'paused', version: Number(experiment['version']) + 1 });
      this.push();
      return json(res, 200, experiment);
    }
    return noRoute();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, code: string, detail: string): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: `urn:lift:problem:${code}`, title: 'Error', status, detail }));
}
