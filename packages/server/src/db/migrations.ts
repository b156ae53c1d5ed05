import { readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResult } from 'kysely/migration';

/** The root `migrations/` folder: src/db and dist/db sit at the same depth in the package. */
export const MIGRATIONS_FOLDER = new URL('../../../../migrations/', import.meta.url);

const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+\.sql$/;
/** Statements are separated by a semicolon that ends a line. */
const STATEMENT_SEPARATOR = /;\s*$/m;

/** Splits a migration file into statements, dropping chunks that hold only comments. */
export function splitStatements(text: string): string[] {
  return text
    .split(STATEMENT_SEPARATOR)
    .map((chunk) => chunk.trim())
    .filter((chunk) => chunk.replace(/--.*$/gm, '').trim().length > 0);
}

/**
 * Reads the SQL migrations listed in the folder's static `index.json`, in that order. Each runs
 * statement by statement (PGlite's extended protocol takes one statement per query).
 */
export class SqlFolderMigrationProvider implements MigrationProvider {
  readonly #folder: URL;

  constructor(folder: URL = MIGRATIONS_FOLDER) {
    this.#folder = folder;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const index: unknown = JSON.parse(await readFile(new URL('index.json', this.#folder), 'utf8'));
    if (
      !Array.isArray(index) ||
      !index.every((name): name is string => typeof name === 'string' && MIGRATION_NAME.test(name))
    ) {
      throw new Error(`migrations/index.json must list files named like 20261127153000_what_it_does.sql`);
    }
    const migrations: Record<string, Migration> = {};
    for (const file of index) {
      const statements = splitStatements(await readFile(new URL(file, this.#folder), 'utf8'));
      migrations[file.replace(/\.sql$/, '')] = {
        async up(db: Kysely<unknown>): Promise<void> {
          for (const statement of statements) {
            await sql.raw(statement).execute(db);
          }
        },
      };
    }
    return migrations;
  }
}

/**
 * Applies every pending migration. On PostgreSQL, Kysely's migrator holds a `pg_advisory_lock`
 * for the whole run, so replicas that start together apply each migration exactly once.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, folder?: URL): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: new SqlFolderMigrationProvider(folder) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
  }
  return results ?? [];
}
