import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchResults, hasEventsEndpoint } from '../src/demo/lift-rest.js';

/**
 * The demo must tell "this server has no such endpoint yet" from "the call failed", so it can say
 * which issue is missing instead of printing a table it does not have.
 */

let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const problem = (status: number, code: string): void => {
      res
        .writeHead(status, { 'Content-Type': 'application/problem+json' })
        .end(JSON.stringify({ status, code, title: code }));
    };
    if (req.url === '/v1/experiments/known/results')
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"experiment":"known"}');
    else if (req.url === '/v1/experiments/unknown/results') problem(404, 'experiment-not-found');
    else if (req.url === '/v1/experiments/broken/results') problem(500, 'internal');
    else problem(404, 'route-not-found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Lift REST helpers', () => {
  it('return the results body when the endpoint answers', async () => {
    expect(await fetchResults(url, 'key', 'known')).toEqual({ kind: 'results', body: { experiment: 'known' } });
  });

  it('say the endpoint is missing only for a "route-not-found" problem', async () => {
    expect(await fetchResults(`${url}/elsewhere`, 'key', 'known')).toEqual({ kind: 'missing-endpoint' });
    expect(await fetchResults(url, 'key', 'unknown')).toMatchObject({ kind: 'error', status: 404 });
    expect(await fetchResults(url, 'key', 'broken')).toMatchObject({ kind: 'error', status: 500 });
  });

  it('probe for the events endpoint', async () => {
    expect(await hasEventsEndpoint(url, 'key')).toBe(false);
  });
});
