import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressServer } from '../src/http/express-server.js';

describe('createExpressServer', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const listening = server;
    server = undefined;
    if (listening !== undefined) await new Promise((resolve) => listening.close(resolve));
  });

  async function listen(app: express.Express): Promise<string> {
    server = createExpressServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("creates requests and responses with the app's prototypes before Express sees them", async () => {
    const app = express();
    app.use(express.json());
    app.post('/echo', (req, res) => {
      res.status(201).json({ body: req.body as unknown, path: req.path, isRequest: req instanceof IncomingMessage, isResponse: res instanceof ServerResponse });
    });
    const url = await listen(app);
    const seen: { request: boolean; response: boolean }[] = [];
    server?.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      seen.push({ request: Object.getPrototypeOf(req) === app.request, response: Object.getPrototypeOf(res) === app.response });
    });

    for (let round = 0; round < 3; round += 1) {
      const response = await fetch(`${url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ round }) });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ body: { round }, path: '/echo', isRequest: true, isResponse: true });
    }
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ request: true, response: true })));
  });

  it('keeps each app apart: two apps get their own prototypes', async () => {
    const first = express();
    const second = express();
    first.get('/', (_req, res) => res.send('first'));
    second.get('/', (_req, res) => res.send('second'));
    const firstServer = createExpressServer(first).listen(0, '127.0.0.1');
    const secondServer = createExpressServer(second).listen(0, '127.0.0.1');
    try {
      await Promise.all([firstServer, secondServer].map((each) => new Promise((resolve) => each.once('listening', resolve))));
      const get = async (each: Server) => (await fetch(`http://127.0.0.1:${(each.address() as AddressInfo).port}/`)).text();
      expect(await get(firstServer)).toBe('first');
      expect(await get(secondServer)).toBe('second');
      expect(Object.getPrototypeOf(first.request)).toBe(Object.getPrototypeOf(second.request));
      expect(first.request).not.toBe(second.request);
    } finally {
      await Promise.all([firstServer, secondServer].map((each) => new Promise((resolve) => each.close(resolve))));
    }
  });
});
