import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressServer } from '../src/http/express-server.js';
import { listenOnLoopback } from './support/loopback.js';

/** Whether each request and response the server handed on already had the app's prototypes. */
type Seen = { request: boolean; response: boolean }[];

describe('createExpressServer', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** Serves `app` on loopback, recording the prototypes of what reaches it before Express runs. */
  async function serve(app: express.Express): Promise<{ url: string; seen: Seen }> {
    const server = createExpressServer(app);
    servers.push(server);
    const seen: Seen = [];
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      seen.push({
        request: Object.getPrototypeOf(req) === app.request,
        response: Object.getPrototypeOf(res) === app.response,
      });
    });
    return { url: await listenOnLoopback(server), seen };
  }

  it("creates requests and responses with the app's prototypes before Express sees them", async () => {
    const app = express();
    app.use(express.json());
    app.post('/echo', (req, res) => {
      res.status(201).json({
        body: req.body as unknown,
        path: req.path,
        isRequest: req instanceof IncomingMessage,
        isResponse: res instanceof ServerResponse,
      });
    });
    const { url, seen } = await serve(app);

    for (let round = 0; round < 3; round += 1) {
      const response = await fetch(`${url}/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ round }),
      });
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
    const [served, other] = await Promise.all([serve(first), serve(second)]);

    expect(await (await fetch(`${served.url}/`)).text()).toBe('first');
    expect(await (await fetch(`${other.url}/`)).text()).toBe('second');
    expect(served.seen).toEqual([{ request: true, response: true }]);
    expect(other.seen).toEqual([{ request: true, response: true }]);
  });
});
