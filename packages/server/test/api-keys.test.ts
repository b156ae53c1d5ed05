import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/keys/key-secret.js';
import { BACKENDS } from './support/test-database.js';
import { ADMIN_KEY, createTestApp, type TestApp } from './support/test-app.js';

describe.each(BACKENDS)('API keys on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const asAdmin = (key = t.keys.admin) => ({ Authorization: `Bearer ${key}` });

  it('issues a key whose secret appears once and is stored only as a hash', async () => {
    const created = await t.api.post('/v1/api-keys').set(asAdmin()).send({ name: 'web shop', role: 'sdk' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'web shop', role: 'sdk', revokedAt: null });
    expect(created.body.key).toMatch(/^lift_[A-Za-z0-9_-]{43}$/);
    expect(created.headers['location']).toBe(`/v1/api-keys/${created.body.id}`);
    const one = await t.api.get(created.headers['location'] as string).set(asAdmin());
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      id: created.body.id,
      name: 'web shop',
      role: 'sdk',
      createdBy: expect.any(String),
      createdAt: created.body.createdAt,
      revokedAt: null,
    });

    const listed = await t.api.get('/v1/api-keys').set(asAdmin());
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((key: { id: string }) => key.id === created.body.id);
    expect(item).toMatchObject({ name: 'web shop', role: 'sdk' });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(item).not.toHaveProperty('key');

    const { rows } = await sql<{
      secret_hash: string;
    }>`select secret_hash from api_keys where id = ${created.body.id}`.execute(t.database.db);
    expect(rows[0]?.secret_hash).toBe(hashSecret(created.body.key));
    const dump = await sql<{ dump: string }>`select row_to_json(k)::text as dump from api_keys k`.execute(
      t.database.db,
    );
    expect(dump.rows.map((row) => row.dump).join()).not.toContain(created.body.key);

    expect((await t.api.get('/v1/sdk/config').set(asAdmin(created.body.key))).status).toBe(200);
  });

  it('revokes a key immediately', async () => {
    const created = await t.api.post('/v1/api-keys').set(asAdmin()).send({ name: 'temp', role: 'analyst' });
    const secret = created.body.key as string;
    expect((await t.api.get('/v1/experiments').set(asAdmin(secret))).status).toBe(200);
    expect((await t.api.delete(`/v1/api-keys/${created.body.id}`).set(asAdmin())).status).toBe(204);
    const after = await t.api.get('/v1/experiments').set(asAdmin(secret));
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthenticated');
    const listed = await t.api.get('/v1/api-keys').set(asAdmin());
    expect(listed.body.items.find((key: { id: string }) => key.id === created.body.id).revokedAt).not.toBeNull();
    expect((await t.api.delete(`/v1/api-keys/${created.body.id}`).set(asAdmin())).status).toBe(204);
  });

  it('answers revoking an unknown key with 404 and a malformed id with 400', async () => {
    expect((await t.api.delete('/v1/api-keys/00000000-0000-4000-8000-000000000000').set(asAdmin())).status).toBe(404);
    const malformed = await t.api.delete('/v1/api-keys/nope').set(asAdmin());
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].path).toBe('id');
  });

  it('validates the body', async () => {
    const response = await t.api.post('/v1/api-keys').set(asAdmin()).send({ name: '', role: 'root' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['name', 'role']);
  });

  it('refuses to revoke the last active admin key', async () => {
    const keys = await t.api.get('/v1/api-keys').set(asAdmin());
    const admins = keys.body.items.filter(
      (key: { role: string; revokedAt: string | null }) => key.role === 'admin' && key.revokedAt === null,
    );
    expect(admins).toHaveLength(1);
    const response = await t.api.delete(`/v1/api-keys/${admins[0].id}`).set(asAdmin());
    expect(response.status).toBe(409);
    expect(response.body.detail).toMatch(/last active admin key/);
  });

  it('bootstraps the admin key once: LIFT_ADMIN_KEY is registered, a known one is left alone', async () => {
    expect(await t.lift.keys.bootstrapAdmin(ADMIN_KEY)).toEqual({ created: false });
    expect(await t.lift.keys.bootstrapAdmin(undefined)).toEqual({ created: false });
    const chosen = 'another-chosen-admin-key-123456';
    expect(await t.lift.keys.bootstrapAdmin(chosen)).toEqual({ created: true });
    expect((await t.api.get('/v1/api-keys').set(asAdmin(chosen))).status).toBe(200);
  });
});

describe.each(BACKENDS)('bootstrap on an empty %s database', (backend) => {
  it('generates an admin key on first start only', async () => {
    const { createTestDatabase } = await import('./support/test-database.js');
    const { openDatabase } = await import('../src/db/database.js');
    const { migrateToLatest } = await import('../src/db/migrations.js');
    const { createApp } = await import('../src/app.js');
    const { silentLogger } = await import('./support/test-app.js');
    const { target, drop } = await createTestDatabase(backend);
    const database = await openDatabase(target, silentLogger);
    try {
      await migrateToLatest(database.db);
      const lift = createApp({ database, logger: silentLogger });
      const first = await lift.keys.bootstrapAdmin(undefined);
      expect(first.created).toBe(true);
      expect(first.generatedKey).toMatch(/^lift_/);
      expect(await lift.keys.bootstrapAdmin(undefined)).toEqual({ created: false });
      expect(await lift.keys.authenticate(first.generatedKey ?? '')).toMatchObject({ role: 'admin' });
      lift.close();
    } finally {
      await database.close();
      await drop();
    }
  });
});
