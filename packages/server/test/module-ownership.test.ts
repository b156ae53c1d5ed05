import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SOURCE_FOLDER = fileURLToPath(new URL('../src/', import.meta.url));
const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Each table, and the one module (folder of src/) whose code may name it; the others ask its reader. */
const OWNERS: Readonly<Record<string, string>> = {
  experiments: 'experiments',
  experiment_history: 'experiments',
  sdk_config_state: 'experiments',
  metrics: 'metrics',
  metric_history: 'metrics',
  api_keys: 'keys',
  events: 'events',
  sticky_assignments: 'assignments',
  unit_exposures: 'facts',
  unit_metric_facts: 'facts',
  fact_fold_state: 'facts',
};

/** Tables a module creates for one transaction (`create temp table`), owned like the others. */
const TEMPORARY_OWNERS: Readonly<Record<string, string>> = { fold_events: 'facts', fold_changed: 'facts' };

/** Kysely's builders that name a table: `selectFrom('events')`, `leftJoin('api_keys as k', ...)`. */
const BUILDER_TABLE =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*['"`](\w+)/g;
/** SQL text that names a table: `from events`, `join unit_exposures`, `into fold_events`, `update fact_fold_state`. */
const SQL_TABLE = /\b(?:from|join|into|update|using|copy)\s+(\w+)/gi;

interface Mention {
  readonly file: string;
  readonly table: string;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code without its comments, whose prose may speak of tables freely. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Every mention of a known table in the production code under src/. */
function tableMentions(): Mention[] {
  const tables = { ...OWNERS, ...TEMPORARY_OWNERS };
  return sourceFiles(SOURCE_FOLDER).flatMap((path) => {
    const file = relative(SOURCE_FOLDER, path).split('\\').join('/');
    const code = withoutComments(readFileSync(path, 'utf8'));
    const names = [...code.matchAll(BUILDER_TABLE), ...code.matchAll(SQL_TABLE)].map((match) => match[1] ?? '');
    return names.filter((name) => Object.hasOwn(tables, name)).map((table) => ({ file, table }));
  });
}

function moduleOf(file: string): string {
  return file.includes('/') ? (file.split('/')[0] ?? '') : '';
}

/** The tables the migrations leave: created and not dropped, partitions counted as their parent. */
function migratedTables(): string[] {
  const sql = readdirSync(MIGRATIONS_FOLDER)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => readFileSync(join(MIGRATIONS_FOLDER, name), 'utf8'))
    .join('\n');
  const created = [...sql.matchAll(/create table (?:if not exists )?(\w+)/gi)].map((match) =>
    (match[1] ?? '').toLowerCase(),
  );
  const dropped = new Set(
    [...sql.matchAll(/drop table (?:if exists )?(\w+)/gi)].map((match) => (match[1] ?? '').toLowerCase()),
  );
  const partitions = new Set(
    [...sql.matchAll(/create table (\w+) partition of/gi)].map((match) => (match[1] ?? '').toLowerCase()),
  );
  return [...new Set(created)].filter((table) => !dropped.has(table) && !partitions.has(table)).sort();
}

describe('each module owns its tables', () => {
  const mentions = tableMentions();

  it('knows the owner of every table the migrations create', () => {
    expect(migratedTables()).toEqual(Object.keys(OWNERS).sort());
  });

  it('finds each table named in its owner (so the scan itself works)', () => {
    const owned = new Set(
      mentions.filter((mention) => moduleOf(mention.file) === OWNERS[mention.table]).map((mention) => mention.table),
    );
    expect([...owned].sort()).toEqual(Object.keys(OWNERS).sort());
  });

  it('names no table outside the module that owns it', () => {
    const owners: Readonly<Record<string, string>> = { ...OWNERS, ...TEMPORARY_OWNERS };
    const trespasses = mentions
      .filter((mention) => moduleOf(mention.file) !== owners[mention.table])
      .map((mention) => `${mention.file} names ${mention.table} (owned by ${owners[mention.table]}/)`);
    expect([...new Set(trespasses)]).toEqual([]);
  });
});
