import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExperimentResults } from '../../src/lift-api-client.js';

type Json = { [key: string]: unknown };

export interface LiftRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * A small fake of Lift's REST API on 127.0.0.1: the experiments list (paged), results (as the
 * server shapes them), PATCH routing with If-Match, pause, and the SDK config event stream.
 */
export class FakeLiftServer {
  readonly requests: LiftRequest[] = [];
  experiments: Json[] = [];
  readonly results = new Map<string, ExperimentResults>();
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

  setResults(key: string, metric: string, results: Omit<ExperimentResults, 'experiment' | 'metric'>): void {
    this.results.set(`${key}|${metric}`, { experiment: key, metric, ...results });
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
      return problem(res, 401, 'Send an API key as "Authorization: Bearer <key>".');
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
    const experiment = this.experiments.find((candidate) => candidate['key'] === parts[2]);
    if (experiment === undefined) return problem(res, 404, `No experiment "${String(parts[2])}".`);
    if (request.method === 'GET' && parts[3] === 'results') {
      const metric =
        url.searchParams.get('metric') ?? String((experiment['metrics'] as Json | undefined)?.['primary'] ?? '');
      const results = this.results.get(`${String(parts[2])}|${metric}`);
      return results === undefined ? problem(res, 404, `Unknown metric "${metric}".`) : json(res, 200, results);
    }
    if (request.method === 'PATCH' && parts.length === 3) {
      if (req.headers['if-match'] !== `"${String(experiment['version'])}"`)
        return problem(res, 412, 'The experiment changed since you read it.');
      const patch = JSON.parse(request.body) as Json;
      Object.assign(experiment, patch, { version: Number(experiment['version']) + 1 });
      this.push();
      return json(res, 200, experiment);
    }
    if (request.method === 'POST' && parts[3] === 'pause') {
      if (experiment['status'] !== 'running') return problem(res, 409, 'Only a running experiment can be paused.');
      Object.assign(experiment, { status: 'paused', version: Number(experiment['version']) + 1 });
      this.push();
      return json(res, 200, experiment);
    }
    return problem(res, 404, `No route ${request.method} ${url.pathname}`);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, detail: string): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: 'Error', status, detail }));
}

/** Results in the server's shape for a control and one treatment. */
export function resultsOf(
  treatment: { verdict: string; pValueSequential: number; chanceToBeatControl?: number; key?: string },
  srmOk = true,
): Omit<ExperimentResults, 'experiment' | 'metric'> {
  return {
    generatedAt: '2026-11-27T12:00:00Z',
    srm: { chiSquare: srmOk ? 0.4 : 31.2, pValue: srmOk ? 0.52 : 0.0000001, ok: srmOk },
    variants: [
      { key: 'control', units: 5000, conversions: 500, rate: 0.1, rateCI: [0.092, 0.108] },
      {
        key: treatment.key ?? 'treatment',
        units: 5010,
        conversions: 601,
        rate: 0.12,
        rateCI: [0.111, 0.129],
        liftAbs: { estimate: 0.02, ci: [0.008, 0.032] },
        liftRel: { estimate: 0.2, ci: [0.08, 0.32] },
        pValue: 0.001,
        pValueAdjusted: 0.001,
        pValueSequential: treatment.pValueSequential,
        chanceToBeatControl: treatment.chanceToBeatControl ?? 0.999,
        expectedLoss: 0.0001,
        verdict: treatment.verdict as 'winning',
      },
    ],
  };
}
