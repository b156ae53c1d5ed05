import { decide, type ConfigSnapshot, type Decision } from '@lift/sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_CHANNEL } from '../src/db/change-feed.js';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

const PARALLEL_FIRST_REQUESTS = 50;

describe.each(BACKENDS)('assignments on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });
  const sdk = () => ({ Authorization: `Bearer ${t.keys.sdk}` });
  const analyst = () => ({ Authorization: `Bearer ${t.keys.analyst}` });
  const create = async (overrides: Record<string, unknown> = {}, isStarted = true) => {
    const body = experimentBody(overrides);
    const created = await t.api.post('/v1/experiments').set(admin()).send(body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (isStarted)
      expect((await t.api.post(`/v1/experiments/${String(body['key'])}/start`).set(admin())).status).toBe(200);
    return created.body as { id: string; key: string };
  };
  const assign = async (body: Record<string, unknown>) => {
    const response = await t.api.post('/v1/assignments').set(sdk()).send(body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.decisions as Decision[];
  };
  const stickyRows = async (experimentId: string) =>
    (
      await sql<{
        unit: string;
        variant: string;
      }>`select unit, variant from sticky_assignments where experiment_id = ${experimentId} order by unit`.execute(
        t.database.db,
      )
    ).rows;

  it('decides exactly as the SDK does with the served config, for every running experiment', async () => {
    const plain = await create({ coverage: 6000 });
    const targeted = await create({ targeting: { platform: 'iOS' }, overrides: { 'qa-1': 'treatment' } });
    const config = (await t.api.get('/v1/sdk/config').set(sdk())).body as ConfigSnapshot;
    for (let index = 0; index < 40; index += 1) {
      const context = { userId: index === 0 ? 'qa-1' : `user-${index}`, platform: index % 2 === 0 ? 'iOS' : 'Android' };
      const decisions = await assign({ context, logExposures: false });
      expect(decisions.map((decision) => decision.experiment)).toEqual(
        config.experiments.map((experiment) => experiment.key),
      );
      for (const definition of config.experiments) {
        expect(decisions.find((decision) => decision.experiment === definition.key)).toEqual(
          decide(definition, context),
        );
      }
    }
    const subset = await assign({
      context: { userId: 'x' },
      experiments: [targeted.key, plain.key],
      logExposures: false,
    });
    expect(subset.map((decision) => decision.experiment)).toEqual([targeted.key, plain.key]);
  });

  it('answers not-running for drafts and reason error for unknown keys', async () => {
    const draft = await create({}, false);
    const [ofDraft, ofUnknown] = await assign({
      context: { userId: 'u' },
      experiments: [draft.key, 'no-such-experiment'],
    });
    expect(ofDraft).toMatchObject({
      experiment: draft.key,
      variant: 'control',
      inExperiment: false,
      reason: 'not-running',
    });
    expect(ofUnknown).toEqual({
      experiment: 'no-such-experiment',
      variant: null,
      inExperiment: false,
      reason: 'error',
      bucket: null,
      payload: null,
    });
  });

  it('logs an exposure for in-experiment decisions (once), and the lookup enrolls nobody', async () => {
    const experiment = await create();
    const lookup = await t.api.get(`/v1/experiments/${experiment.key}/assignments/look-1`).set(analyst());
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      unit: 'look-1',
      recorded: null,
      exposure: null,
      decision: { experiment: experiment.key, reason: 'assigned' },
    });
    const exposures = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`select count(*)::text as n from events where experiment_id = ${experiment.id}`.execute(t.database.db)
        ).rows[0]?.n,
      );
    expect(await exposures()).toBe(0);
    const [decision] = await assign({ context: { userId: 'look-1' }, experiments: [experiment.key] });
    await assign({ context: { userId: 'look-1' }, experiments: [experiment.key] });
    expect(await exposures()).toBe(1);
    const after = await t.api.get(`/v1/experiments/${experiment.key}/assignments/look-1`).set(admin());
    expect(after.body.exposure).toMatchObject({ variant: decision?.variant, isMultiple: false });
    expect(after.body.decision.variant).toBe(decision?.variant);
  });

  it('looks up with a dotted unit attribute and dotted query attributes as nested paths, as the SDK reads them', async () => {
    const experiment = await create({ unitAttribute: 'account.id', targeting: { 'device.os': 'ios' } });
    const config = (await t.api.get('/v1/sdk/config').set(sdk())).body as ConfigSnapshot;
    const definition = config.experiments.find((candidate) => candidate.key === experiment.key);
    if (definition === undefined) throw new Error('not served');
    const matching = await t.api
      .get(`/v1/experiments/${experiment.key}/assignments/acct-7?device.os=ios&__proto__.polluted=yes`)
      .set(analyst());
    expect(matching.status, JSON.stringify(matching.body)).toBe(200);
    expect(matching.body.decision).toEqual(decide(definition, { account: { id: 'acct-7' }, device: { os: 'ios' } }));
    expect(matching.body.decision).toMatchObject({ inExperiment: true, reason: 'assigned' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const other = await t.api
      .get(`/v1/experiments/${experiment.key}/assignments/acct-7?device.os=android`)
      .set(analyst());
    expect(other.body.decision).toMatchObject({ inExperiment: false, reason: 'targeting' });
  });

  it('keeps the first recorded variant of a sticky experiment, even after its weights change', async () => {
    const experiment = await create({ sticky: true });
    const units = Array.from({ length: 30 }, (_, index) => `sticky-${index}`);
    const first = new Map<string, string | null>();
    for (const unit of units) {
      const [decision] = await assign({ context: { userId: unit }, experiments: [experiment.key] });
      expect(decision?.reason).toBe('assigned');
      first.set(unit, decision?.variant ?? null);
    }
    expect(await stickyRows(experiment.id)).toHaveLength(units.length);
    // The API refuses to re-weight a running experiment; the database can, as a later restart would.
    await sql`update experiments set variants = ${JSON.stringify([
      { key: 'control', weight: 0 },
      { key: 'treatment', weight: 10000 },
    ])}::jsonb, version = version + 1 where id = ${experiment.id}`.execute(t.database.db);
    // Announced the way the app announces its own changes, so every replica refreshes its config.
    await sql`with bumped as (update sdk_config_state set version = version + 1 returning version) select pg_notify(${CONFIG_CHANNEL}, version::text) from bumped`.execute(
      t.database.db,
    );
    // Until it hears, a replica decides with the old weights: wait for a unit they would put in control.
    const oldDefinition = {
      ...(await t.api.get('/v1/sdk/config').set(sdk())).body.experiments.find(
        (entry: { key: string }) => entry.key === experiment.key,
      ),
      variants: [
        { key: 'control', weight: 5000 },
        { key: 'treatment', weight: 5000 },
      ],
    };
    const probes = Array.from({ length: 200 }, (_, index) => `sticky-probe-${index}`).filter(
      (unit) => decide(oldDefinition, { userId: unit }).variant === 'control',
    );
    const deadline = Date.now() + 1_000;
    for (const unit of probes) {
      const [probe] = await assign({ context: { userId: unit }, experiments: [experiment.key], logExposures: false });
      if (probe?.variant === 'treatment' || Date.now() > deadline) break;
    }
    for (const unit of units) {
      const [decision] = await assign({ context: { userId: unit }, experiments: [experiment.key] });
      expect(decision).toMatchObject({ variant: first.get(unit), reason: 'sticky', inExperiment: true });
      const lookup = await t.api.get(`/v1/experiments/${experiment.key}/assignments/${unit}`).set(admin());
      expect(lookup.body.decision).toMatchObject({ variant: first.get(unit), reason: 'sticky' });
      expect(lookup.body.recorded.variant).toBe(first.get(unit));
    }
    const [newcomer] = await assign({ context: { userId: 'sticky-new' }, experiments: [experiment.key] });
    expect(newcomer).toMatchObject({ variant: 'treatment', reason: 'assigned' });
  });

  it(`records exactly one variant when ${PARALLEL_FIRST_REQUESTS} first requests for one unit race`, async () => {
    const experiment = await create({ sticky: true });
    const responses = await Promise.all(
      Array.from({ length: PARALLEL_FIRST_REQUESTS }, () =>
        t.api
          .post('/v1/assignments')
          .set(sdk())
          .send({ context: { userId: 'racer' }, experiments: [experiment.key] }),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const variants = new Set(responses.map((response) => (response.body.decisions as Decision[])[0]?.variant));
    const rows = await stickyRows(experiment.id);
    expect(rows).toHaveLength(1);
    expect(variants).toEqual(new Set([rows[0]?.variant]));
    const reasons = responses.map((response) => (response.body.decisions as Decision[])[0]?.reason);
    expect(reasons.filter((reason) => reason === 'assigned').length).toBeGreaterThanOrEqual(1);
    expect(reasons.every((reason) => reason === 'assigned' || reason === 'sticky')).toBe(true);
  });

  it('checks roles and input', async () => {
    expect((await t.api.post('/v1/assignments').set(analyst()).send({ context: {} })).status).toBe(403);
    expect((await t.api.get('/v1/experiments/x/assignments/u').set(sdk())).status).toBe(403);
    expect((await t.api.get('/v1/experiments/no-such/assignments/u').set(admin())).status).toBe(404);
    const invalid = await t.api.post('/v1/assignments').set(sdk()).send({ context: 'nope' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('context');
  });
});
