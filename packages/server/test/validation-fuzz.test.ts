import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentBody } from '../src/experiments/experiment-schemas.js';
import { createKeyBody } from '../src/keys/keys-schemas.js';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

const RUNS = 40;

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);
const notAnInteger = fc.oneof(
  fc.double({ noInteger: true, noNaN: true }),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ max: -1 }),
  fc.integer({ min: 10_001 }),
);
const notAnObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }));

/** For each field of a create body, values that must be refused. */
const BAD_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  key: fc.oneof(notAString, fc.constantFrom('', 'Upper', 'has space', '-leading', 'x'.repeat(101), 'ünïcode')),
  name: fc.oneof(
    notAString,
    fc.constantFrom('', '   ', 'n'.repeat(201)),
    fc.string({ unit: 'binary', minLength: 1 }).map((text) => `${text}\u0000`),
  ),
  hypothesis: fc.oneof(notAString, fc.constantFrom('', 'h'.repeat(2001))),
  owner: fc.oneof(fc.integer(), fc.boolean(), fc.constantFrom('', 'o'.repeat(201))),
  variants: fc.oneof(
    notAnObject,
    fc.constant([]),
    fc.constant([{ key: 'only', weight: 10_000 }]),
    fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
      .filter(([a, b]) => a + b !== 10_000)
      .map(([a, b]) => [
        { key: 'a', weight: a },
        { key: 'b', weight: b },
      ]),
    notAnInteger.map((weight) => [
      { key: 'a', weight },
      { key: 'b', weight: 5_000 },
    ]),
    fc.constant([
      { key: 'same', weight: 5_000 },
      { key: 'same', weight: 5_000 },
    ]),
    fc.constant([
      { key: 'a', weight: 5_000, extra: 1 },
      { key: 'b', weight: 5_000 },
    ]),
  ),
  coverage: notAnInteger,
  unitAttribute: fc.oneof(notAString, fc.constant('')),
  salt: fc.oneof(fc.integer(), fc.constant('')),
  targeting: fc.oneof(
    fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 2 })),
    fc.constantFrom('$nope', '$where', '$expr', '$foo').map((operator) => ({ attribute: { [operator]: 1 } })),
    fc.constant({ $and: 'not-a-list' }),
    fc.constant({ name: { $regex: '(' } }),
  ),
  layer: fc.oneof(
    notAnObject,
    fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
      .filter(([from, to]) => from >= to)
      .map((range) => ({ key: 'l', range })),
    fc.constant({ key: 'l', range: [0, 10_001] }),
    fc.constant({ range: [0, 10] }),
  ),
  overrides: fc.oneof(notAnObject, fc.constant({ unit: 'not-a-variant' }), fc.constant({ unit: 3 })),
  sticky: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
  metrics: fc.oneof(
    notAnObject,
    fc.constant({}),
    fc.constant({ primary: '' }),
    fc.constant({ primary: 'p', conversionWindowHours: 0 }),
    fc.constant({ primary: 'p', guardrails: 'x' }),
  ),
  routing: fc.oneof(
    notAnObject,
    fc.constant({ host: 'h', namespace: 'n', mode: 'teleport', subsets: {} }),
    fc.constant({ host: 'h', namespace: 'n', mode: 'ab', subsets: { ghost: {} } }),
  ),
};
const REQUIRED = ['key', 'name', 'hypothesis', 'variants', 'metrics'];

/** A valid body with one field broken, one required field missing, or an unknown field. */
const brokenBody = fc.oneof(
  fc
    .constantFrom(...Object.keys(BAD_FIELDS))
    .chain((field) =>
      (BAD_FIELDS[field] ?? fc.constant(null)).map((value) => ({ ...experimentBody(), [field]: value })),
    ),
  fc.constantFrom(...REQUIRED).map((field) => {
    const body = experimentBody();
    delete body[field];
    return body;
  }),
  fc
    .string({ minLength: 1, maxLength: 10 })
    .filter((name) => !(name in experimentBody()) && name !== '__proto__')
    .map((name) => ({ ...experimentBody(), [name]: 1 })),
);

describe.each(BACKENDS)('generated bad bodies on %s', (backend) => {
  let t: TestApp;
  let runningKey: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    const body = experimentBody();
    runningKey = String(body['key']);
    await t.api
      .post('/v1/experiments')
      .set({ Authorization: `Bearer ${t.keys.admin}` })
      .send(body);
    await t.api.post(`/v1/experiments/${runningKey}/start`).set({ Authorization: `Bearer ${t.keys.admin}` });
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });

  /** Everything a refused request must leave untouched. */
  async function databaseState(): Promise<string> {
    const { rows } = await sql<{ state: string }>`
      select concat_ws(',',
        (select count(*) from experiments), (select coalesce(sum(version), 0) from experiments),
        (select count(*) from experiment_history), (select count(*) from api_keys),
        (select version from sdk_config_state)) as state`.execute(t.database.db);
    return rows[0]?.state ?? '';
  }

  async function expectRefused(
    send: () => Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>,
  ): Promise<void> {
    const before = await databaseState();
    const response = await send();
    expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: response.status,
      type: expect.any(String),
      requestId: expect.any(String),
    });
    if (response.status === 400 && response.body['code'] === 'validation-failed') {
      const errors = response.body['errors'] as { path: string; message: string }[];
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(typeof error.message).toBe('string');
    }
    expect(await databaseState()).toBe(before);
  }

  it('refuses any JSON value that is not a valid experiment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue().filter((value) => !createExperimentBody.safeParse(value).success),
        async (value) => {
          await expectRefused(() =>
            t.api
              .post('/v1/experiments')
              .set(admin())
              .set('Content-Type', 'application/json')
              .send(JSON.stringify(value)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses a valid experiment with one field broken, missing or unknown, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(brokenBody, async (body) => {
        await expectRefused(() => t.api.post('/v1/experiments').set(admin()).send(body));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('refuses bad patches of a running experiment and leaves it as it was', async () => {
    const patchField = fc.constantFrom(...Object.keys(BAD_FIELDS).filter((field) => field !== 'key'));
    await fc.assert(
      // `{ metrics: {} }` is a valid (empty) partial patch of the metrics, so it is left out.
      fc.asyncProperty(
        patchField
          .chain((field) => (BAD_FIELDS[field] ?? fc.constant(null)).map((value) => ({ [field]: value })))
          .filter((patch) => JSON.stringify(patch) !== '{"metrics":{}}'),
        async (patch) => {
          await expectRefused(() => t.api.patch(`/v1/experiments/${runningKey}`).set(admin()).send(patch));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses bad API key requests and arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue().filter((value) => !createKeyBody.safeParse(value).success),
        async (value) => {
          await expectRefused(() =>
            t.api.post('/v1/api-keys').set(admin()).set('Content-Type', 'application/json').send(JSON.stringify(value)),
          );
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.constantFrom('application/json', 'text/plain', 'application/xml'),
        async (text, type) => {
          fc.pre(type !== 'application/json' || !isValidJsonObject(text));
          await expectRefused(() => t.api.post('/v1/experiments').set(admin()).set('Content-Type', type).send(text));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

function isValidJsonObject(text: string): boolean {
  try {
    return typeof JSON.parse(text) === 'object';
  } catch {
    return false;
  }
}
