import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrations.js';
import { createLogger } from './server.js';

const EXIT_FAILURE = 1;

/** `pnpm migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
async function migrate(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database, logger);
  try {
    const applied = await migrateToLatest(database.db);
    for (const migration of applied)
      logger.info({ migration: migration.migrationName, status: migration.status }, 'migration');
    logger.info(
      { applied: applied.length, database: database.kind },
      applied.length === 0 ? 'database is up to date' : 'migrated',
    );
  } finally {
    await database.close();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_FAILURE);
});
