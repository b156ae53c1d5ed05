import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest, SqlFolderMigrationProvider } from '../src/db/migrations.js';
import { ExperimentsRepository } from '../src/experiments/experiments-repository.js';
import { MetricsRepository } from '../src/metrics/metrics-repository.js';
import { silentLogger } from './support/test-app.js';
import { BACKENDS, createTestDatabase } from './support/test-database.js';

/** The last migration before the catalogue. */
const BEFORE_CATALOGUE = '20261127190000_fold_facts_from_pending_events';

const VARIANTS = JSON.stringify([
  { key: 'control', weight: 5000 },
  { key: 'treatment', weight: 5000 },
]);

describe.each(BACKENDS)('the metric catalogue migration on %s', (backend) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase(backend, { isEmpty: true });
    drop = created.drop;
    database = await openDatabase(created.target, silentLogger);
    const migrator = new Migrator({ db: database.db, provider: new SqlFolderMigrationProvider() });
    const { error } = await migrator.migrateTo(BEFORE_CATALOGUE);
    if (error !== undefined) throw error;
    // Experiments as earlier versions stored them: metrics named conversion events directly.
    await database.db
      .insertInto('experiments')
      .values(
        [
          {
            key: 'checkout',
            metrics: { primary: 'purchase', guardrails: ['refund', 'purchase'], conversionWindowHours: 168 },
          },
          { key: 'onboarding', metrics: { primary: 'Signup Completed', guardrails: [], conversionWindowHours: 72 } },
        ].map(({ key, metrics }) => ({
          key,
          name: key,
          hypothesis: 'h',
          status: 'draft',
          variants: VARIANTS,
          coverage: 10000,
          unit_attribute: 'userId',
          targeting: '{}',
          overrides: '{}',
          sticky: false,
          metrics: JSON.stringify(metrics),
        })),
      )
      .execute();
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('adds every name the experiments analyse as the proportion of units sending that event', async () => {
    const metrics = await new MetricsRepository(database.db).findByKeys(['purchase', 'refund', 'Signup Completed']);
    expect([...metrics.keys()].sort()).toEqual(['Signup Completed', 'purchase', 'refund']);
    for (const [key, metric] of metrics) {
      expect(metric).toEqual({
        key,
        name: key,
        description: null,
        type: 'proportion',
        direction: 'increase',
        event: key,
        numerator: null,
        denominator: null,
        capping: null,
        windowHours: 168,
        nonInferiorityMargin: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    }
  });

  it('records each added metric in its history as the catalogue records a metric it adds', async () => {
    const history = await new MetricsRepository(database.db).listHistory('refund');
    expect(history).toEqual([
      {
        version: 1,
        action: 'created',
        actorKeyId: null,
        changedAt: expect.any(String),
        changes: [
          { field: 'name', from: null, to: 'refund' },
          { field: 'type', from: null, to: 'proportion' },
          { field: 'event', from: null, to: 'refund' },
          { field: 'direction', from: null, to: 'increase' },
          { field: 'windowHours', from: null, to: 168 },
        ],
      },
    ]);
  });

  it('gives existing experiments no secondary metrics and keeps their window', async () => {
    const experiments = new ExperimentsRepository(database.db);
    expect((await experiments.findByKey('checkout'))?.metrics).toEqual({
      primary: 'purchase',
      secondary: [],
      guardrails: ['refund', 'purchase'],
      conversionWindowHours: 168,
    });
    expect((await experiments.findByKey('onboarding'))?.metrics).toEqual({
      primary: 'Signup Completed',
      secondary: [],
      guardrails: [],
      conversionWindowHours: 72,
    });
  });
});
