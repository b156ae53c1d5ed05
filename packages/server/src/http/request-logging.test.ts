import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createProblemHandler } from '../errors/problem-handler.js';
import { createLogger } from '../server.js';
import { createRequestLogging } from './request-logging.js';

const SECRET = 'lift_secret-that-must-never-be-logged';

function appLoggingAt(level: string): { app: express.Express; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger(level, sink);
  const app = express();
  app.use(createRequestLogging(logger));
  app.get('/fine', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/broken', () => {
    throw new Error('boom');
  });
  app.use(createProblemHandler(logger));
  return { app, lines };
}

describe.each(['info', 'error'])('request logging at level %s', (level) => {
  it('echoes a plain X-Request-Id, and replaces any other with a UUID', async () => {
    const { app } = appLoggingAt(level);
    expect((await request(app).get('/fine').set('X-Request-Id', 'abc-1')).headers['x-request-id']).toBe('abc-1');
    expect((await request(app).get('/fine').set('X-Request-Id', 'not plain')).headers['x-request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('logs a failed request with its id, method and url, never the key', async () => {
    const { app, lines } = appLoggingAt(level);
    await request(app)
      .get(`/broken?apiKey=${SECRET}`)
      .set('X-Request-Id', 'failing-1')
      .set('Authorization', `Bearer ${SECRET}`)
      .expect(500);
    const failure = lines.find((line) => line['msg'] === 'request failed');
    expect(failure).toMatchObject({
      level: 50,
      req: { id: 'failing-1', method: 'GET', url: '/broken?apiKey=[redacted]' },
      err: { message: 'boom' },
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    // The line pino-http writes once the response is sent, at info only.
    expect(lines.filter((line) => 'res' in line)).toHaveLength(level === 'info' ? 1 : 0);
  });
});
