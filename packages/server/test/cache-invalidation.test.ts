import type { Decision } from '@lift/sdk';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type LiftApp } from '../src/app.js';
import type { ChangeFeed } from '../src/db/change-feed.js';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { BACKENDS, createTestDatabase } from './support/test-database.js';
import { ADMIN_KEY, experimentBody, silentLogger } from './support/test-app.js';

/** How long another replica may take to hear of a change through LISTEN/NOTIFY. */
const PROPAGATION_BOUND_MS = 1_000;
/** After its LISTEN connection dies, a replica reconnects within about a second and re-reads. */
const RECONNECT_BOUND_MS = 5_000;
const POLL_MS = 10;

/** A feed that is live but never delivers anything: its replica learns only from its own writes. */
const deafFeed: ChangeFeed = {
  subscribe: () => () => undefined,
  subscribeKeyChanges: () => () => undefined,
  isLive: true,
  close: async () => undefined,
};

/**
 * Keys and the served config are cached per replica. Two replicas share one database: on
 * PostgreSQL two pools; on PGlite (one in-process database) two apps on one handle. Replica `a`
 * makes every change and hears no announcement at all (not even its own NOTIFY), so what it sees at
 * once it owes to its own invalidation; replica `b` hears of it through LISTEN/NOTIFY.
 */
describe.each(BACKENDS)('cached keys and config across replicas on %s', (backend) => {
  let drop: () => Promise<void> = async () => undefined;
  const handles: DatabaseHandle[] = [];
  let a: LiftApp;
  let b: LiftApp;
  beforeAll(async () => {
    const database = await createTestDatabase(backend);
    drop = database.drop;
    const first = await openDatabase(database.target, silentLogger);
    handles.push(first);
    const second = backend === 'postgres' ? await openDatabase(database.target, silentLogger) : first;
    if (second !== first) handles.push(second);
    a = createApp({ database: { ...first, feed: deafFeed }, logger: silentLogger });
    b = createApp({ database: second, logger: silentLogger });
    await a.keys.bootstrapAdmin(ADMIN_KEY);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    for (const handle of handles) await handle.close();
    await drop();
  });

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
  const admin = bearer(ADMIN_KEY);

  async function issueKey(role: string): Promise<{ id: string; key: string }> {
    const created = await request(a.app)
      .post('/v1/api-keys')
      .set(admin)
      .send({ name: `cached ${role}`, role });
    expect(created.status).toBe(201);
    return created.body as { id: string; key: string };
  }

  async function status(app: LiftApp, path: string, key: string): Promise<number> {
    return (await request(app.app).get(path).set(bearer(key))).status;
  }

  /** Polls until `path` answers `expected`; returns how long that took. */
  async function waitForStatus(
    app: LiftApp,
    path: string,
    key: string,
    expected: number,
    boundMs: number,
  ): Promise<number> {
    const startedAt = Date.now();
    for (;;) {
      const elapsed = Date.now() - startedAt;
      if ((await status(app, path, key)) === expected) return elapsed;
      if (elapsed > boundMs) throw new Error(`${path} did not answer ${expected} within ${boundMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  it('refuses a revoked key at once on the replica that revoked it, and within a bound on the other', async () => {
    const { id, key } = await issueKey('sdk');
    // Both replicas have authenticated (and cached) the key.
    for (const app of [a, b, a, b]) expect(await status(app, '/v1/sdk/config', key)).toBe(200);
    expect((await request(a.app).delete(`/v1/api-keys/${id}`).set(admin)).status).toBe(204);
    expect(await status(a, '/v1/sdk/config', key)).toBe(401);
    expect(await waitForStatus(b, '/v1/sdk/config', key, 401, PROPAGATION_BOUND_MS)).toBeLessThan(PROPAGATION_BOUND_MS);
    expect(await status(a, '/v1/sdk/config', key)).toBe(401);
  });

  it('applies a role change at once on the replica that made it, and within a bound on the other', async () => {
    const { id, key } = await issueKey('sdk');
    for (const app of [a, b, a, b]) {
      expect(await status(app, '/v1/sdk/config', key)).toBe(200);
      expect(await status(app, '/v1/experiments', key)).toBe(403);
    }
    const changed = await request(a.app).patch(`/v1/api-keys/${id}`).set(admin).send({ role: 'analyst' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, role: 'analyst', revokedAt: null });
    expect(await status(a, '/v1/sdk/config', key)).toBe(403);
    expect(await status(a, '/v1/experiments', key)).toBe(200);
    expect(await waitForStatus(b, '/v1/sdk/config', key, 403, PROPAGATION_BOUND_MS)).toBeLessThan(PROPAGATION_BOUND_MS);
    expect(await status(b, '/v1/experiments', key)).toBe(200);
  });

  it('keeps the last active admin an admin, leaves revoked keys alone, and validates the body', async () => {
    const admins = await request(a.app).get('/v1/api-keys').set(admin);
    const active = (admins.body.items as { id: string; role: string; revokedAt: string | null }[]).filter(
      (key) => key.role === 'admin' && key.revokedAt === null,
    );
    expect(active).toHaveLength(1);
    const demoted = await request(a.app).patch(`/v1/api-keys/${active[0]?.id}`).set(admin).send({ role: 'sdk' });
    expect(demoted.status).toBe(409);
    expect(demoted.body.code).toBe('edit-not-allowed');
    const renamed = await request(a.app).patch(`/v1/api-keys/${active[0]?.id}`).set(admin).send({ name: 'root' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'root', role: 'admin' });

    const { id } = await issueKey('sdk');
    expect((await request(a.app).delete(`/v1/api-keys/${id}`).set(admin)).status).toBe(204);
    expect((await request(a.app).patch(`/v1/api-keys/${id}`).set(admin).send({ role: 'admin' })).status).toBe(409);
    expect((await request(a.app).patch(`/v1/api-keys/${id}`).set(admin).send({})).status).toBe(400);
    expect(
      (await request(a.app).patch('/v1/api-keys/00000000-0000-4000-8000-000000000000').set(admin).send({ role: 'sdk' }))
        .status,
    ).toBe(404);
  });

  it('decides with a config change as soon as the admin call that made it returns, on the same replica', async () => {
    const { key: sdkKey } = await issueKey('sdk');
    const body = experimentBody();
    const experimentKey = String(body['key']);
    expect((await request(a.app).post('/v1/experiments').set(admin).send(body)).status).toBe(201);
    const decide = async (app: LiftApp): Promise<Decision | undefined> => {
      const response = await request(app.app)
        .post('/v1/assignments')
        .set(bearer(sdkKey))
        .send({ context: { userId: 'u-1' }, logExposures: false });
      expect(response.status).toBe(200);
      return (response.body.decisions as Decision[]).find((decision) => decision.experiment === experimentKey);
    };
    expect(await decide(a)).toBeUndefined();
    for (const [action, reason] of [
      ['start', 'assigned'],
      ['pause', 'not-running'],
      ['resume', 'assigned'],
      ['pause', 'not-running'],
      ['resume', 'assigned'],
    ] as const) {
      expect((await request(a.app).post(`/v1/experiments/${experimentKey}/${action}`).set(admin)).status).toBe(200);
      expect((await decide(a))?.reason, `after ${action}`).toBe(reason);
      const config = await request(a.app).get('/v1/sdk/config').set(bearer(sdkKey));
      const served = (config.body.experiments as { key: string; status: string }[]).find(
        (experiment) => experiment.key === experimentKey,
      );
      expect(served?.status, `config after ${action}`).toBe(action === 'pause' ? 'paused' : 'running');
    }
    const patched = await request(a.app)
      .patch(`/v1/experiments/${experimentKey}`)
      .set(admin)
      .send({ overrides: { 'u-1': 'treatment' } });
    expect(patched.status).toBe(200);
    expect(await decide(a)).toMatchObject({ reason: 'override', variant: 'treatment' });
    // The other replica hears of it through the change feed.
    const startedAt = Date.now();
    while ((await decide(b))?.reason !== 'override') {
      expect(Date.now() - startedAt).toBeLessThan(PROPAGATION_BOUND_MS);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  });

  it.runIf(backend === 'postgres')('does not trust its caches while its LISTEN connection is down', async () => {
    const { id, key } = await issueKey('sdk');
    for (const app of [a, b]) expect(await status(app, '/v1/sdk/config', key)).toBe(200);
    const [, second] = handles;
    if (second === undefined) throw new Error('no second database handle');
    // Kill b's LISTEN connection: the revocation's NOTIFY may never reach it.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`.execute(
      second.db,
    );
    expect((await request(a.app).delete(`/v1/api-keys/${id}`).set(admin)).status).toBe(204);
    expect(await status(a, '/v1/sdk/config', key)).toBe(401);
    await waitForStatus(b, '/v1/sdk/config', key, 401, RECONNECT_BOUND_MS);
  });
});
