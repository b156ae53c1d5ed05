import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/test-database.js';
import { createTestApp, experimentBody, type TestApp } from './support/test-app.js';

type Status = 'draft' | 'running' | 'paused' | 'stopped' | 'archived';
type Action = 'start' | 'pause' | 'resume' | 'stop' | 'archive' | 'delete';

const STATUSES: Status[] = ['draft', 'running', 'paused', 'stopped', 'archived'];
const ACTIONS: Action[] = ['start', 'pause', 'resume', 'stop', 'archive', 'delete'];

/** How to reach each status from a fresh draft. */
const PATH_TO: Record<Status, Action[]> = {
  draft: [],
  running: ['start'],
  paused: ['start', 'pause'],
  stopped: ['start', 'stop'],
  archived: ['start', 'stop', 'archive'],
};

/** DESIGN.md: draft -> running <-> paused -> stopped -> archived; only drafts can be deleted. */
const EXPECTED: Record<Status, Partial<Record<Action, Status | 'gone'>>> = {
  draft: { start: 'running', delete: 'gone' },
  running: { pause: 'paused', stop: 'stopped' },
  paused: { resume: 'running', stop: 'stopped' },
  stopped: { archive: 'archived' },
  archived: {},
};

const SERVED = new Set<Status>(['running', 'paused']);

describe.each(BACKENDS)('the experiment state machine on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${t.keys.admin}` });
  const perform = (key: string, action: Action) =>
    action === 'delete'
      ? t.api.delete(`/v1/experiments/${key}`).set(admin())
      : t.api.post(`/v1/experiments/${key}/${action}`).set(admin());

  async function experimentIn(status: Status): Promise<string> {
    const created = await t.api.post('/v1/experiments').set(admin()).send(experimentBody());
    const key = created.body.key as string;
    for (const step of PATH_TO[status]) expect((await perform(key, step)).status).toBe(200);
    return key;
  }

  const cases = STATUSES.flatMap((status) => ACTIONS.map((action) => [status, action] as const));

  it.each(cases)('from %s, %s', async (status, action) => {
    const key = await experimentIn(status);
    const before = await t.api.get(`/v1/experiments/${key}`).set(admin());
    const configBefore = await t.api.get('/v1/sdk/config').set(admin());
    const response = await perform(key, action);
    const expected = EXPECTED[status][action];
    const configAfter = await t.api.get('/v1/sdk/config').set(admin());

    if (expected === undefined) {
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'invalid-transition', currentStatus: status, action });
      expect(response.body.detail).toContain(`it is ${status}`);
      const after = await t.api.get(`/v1/experiments/${key}`).set(admin());
      expect(after.body).toEqual(before.body);
      expect(configAfter.body.version).toBe(configBefore.body.version);
      return;
    }
    if (expected === 'gone') {
      expect(response.status).toBe(204);
      expect((await t.api.get(`/v1/experiments/${key}`).set(admin())).status).toBe(404);
      return;
    }
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ key, status: expected, version: before.body.version + 1 });
    if (action === 'start') expect(response.body.startedAt).not.toBeNull();
    if (action === 'stop') expect(response.body.stoppedAt).not.toBeNull();
    if (action === 'archive') expect(response.body.archivedAt).not.toBeNull();
    const history = await t.api.get(`/v1/experiments/${key}/history`).set(admin());
    expect(history.body.items.at(-1)).toMatchObject({
      version: before.body.version + 1,
      changes: [{ field: 'status', from: status, to: expected }],
    });
    const isConfigChange = SERVED.has(status) || SERVED.has(expected);
    expect(configAfter.body.version > configBefore.body.version).toBe(isConfigChange);
    const served = configAfter.body.experiments.find((experiment: { key: string }) => experiment.key === key);
    expect(served?.status).toBe(SERVED.has(expected) ? expected : undefined);
  });

  const EDITS = {
    metadata: { name: 'A new name' },
    'coverage increase': { coverage: 10000 },
    'coverage decrease': { coverage: 1000 },
    weights: {
      variants: [
        { key: 'control', weight: 1000 },
        { key: 'treatment', weight: 9000 },
      ],
    },
    overrides: { overrides: { 'qa-user': 'treatment' } },
  } as const;
  type Edit = keyof typeof EDITS;
  const EDITABLE: Record<Status, readonly Edit[]> = {
    draft: ['metadata', 'coverage increase', 'coverage decrease', 'weights', 'overrides'],
    running: ['metadata', 'coverage increase', 'overrides'],
    paused: ['metadata', 'coverage increase', 'overrides'],
    stopped: ['metadata'],
    archived: [],
  };
  const editCases = STATUSES.flatMap((status) => (Object.keys(EDITS) as Edit[]).map((edit) => [status, edit] as const));

  it.each(editCases)('in %s, PATCH %s', async (status, edit) => {
    const created = await t.api
      .post('/v1/experiments')
      .set(admin())
      .send(experimentBody({ coverage: 5000 }));
    const key = created.body.key as string;
    for (const step of PATH_TO[status]) await perform(key, step);
    const response = await t.api.patch(`/v1/experiments/${key}`).set(admin()).send(EDITS[edit]);
    if (EDITABLE[status].includes(edit)) {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.status).toBe(status);
    } else {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'edit-not-allowed', currentStatus: status });
    }
  });
});
