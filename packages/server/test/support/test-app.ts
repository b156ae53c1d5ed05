import { pino } from 'pino';
import request from 'supertest';
import { createApp, type AppOptions, type LiftApp } from '../../src/app.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createExpressServer } from '../../src/http/express-server.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { createTestDatabase, type Backend } from './test-database.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** A Lift app on its own database, with one key per role. */
export interface TestApp {
  readonly backend: Backend;
  readonly lift: LiftApp;
  readonly database: DatabaseHandle;
  readonly keys: { readonly admin: string; readonly sdk: string; readonly analyst: string };
  readonly api: ReturnType<typeof request.agent>;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

export async function createTestApp(backend: Backend, options: Partial<AppOptions> = {}): Promise<TestApp> {
  const { target, drop } = await createTestDatabase(backend);
  const database = await openDatabase(target, silentLogger);
  await migrateToLatest(database.db);
  const lift = createApp({ database, logger: silentLogger, options });
  await lift.keys.bootstrapAdmin(ADMIN_KEY);
  const admin = { keyId: 'bootstrap', name: 'bootstrap', role: 'admin' as const };
  const principal = (await lift.keys.authenticate(ADMIN_KEY)) ?? admin;
  const sdk = (await lift.keys.create({ name: 'test sdk', role: 'sdk' }, principal)).key;
  const analyst = (await lift.keys.create({ name: 'test analyst', role: 'analyst' }, principal)).key;
  return {
    backend,
    lift,
    database,
    keys: { admin: ADMIN_KEY, sdk, analyst },
    // Served as `startServer` serves it.
    api: request.agent(createExpressServer(lift.app)),
    async close() {
      lift.close();
      await lift.settled();
      await database.close();
      await drop();
    },
  };
}

let sequence = 0;

/** A valid create body with a unique key. */
export function experimentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    key: `exp-${process.pid}-${sequence}`,
    name: 'Checkout button color',
    hypothesis: 'A green checkout button raises purchases by 2%',
    owner: 'growth-team',
    variants: [
      { key: 'control', weight: 5000, payload: { color: 'blue' } },
      { key: 'treatment', weight: 5000, payload: { color: 'green' } },
    ],
    metrics: { primary: 'purchase' },
    ...overrides,
  };
}

/**
 * Creates an experiment from `experimentBody(overrides)` and starts it, over the API of `app` with
 * the admin key; throws (failing the test) unless both calls succeed.
 */
export async function startExperiment(
  app: LiftApp['app'],
  adminKey: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const body = experimentBody(overrides);
  const admin = { Authorization: `Bearer ${adminKey}` };
  const created = await request(app).post('/v1/experiments').set(admin).send(body);
  if (created.status !== 201)
    throw new Error(`creating the experiment answered ${created.status}: ${JSON.stringify(created.body)}`);
  const started = await request(app)
    .post(`/v1/experiments/${String(body['key'])}/start`)
    .set(admin);
  if (started.status !== 200)
    throw new Error(`starting the experiment answered ${started.status}: ${JSON.stringify(started.body)}`);
  return created.body as { id: string; key: string };
}
