import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, splitStatements } from './migrations.js';

describe('migrations', () => {
  it('splits on semicolons that end a line and drops comment-only chunks', () => {
    expect(
      splitStatements("-- header\nCREATE TABLE a (x text DEFAULT ';');\n\nCREATE INDEX b ON a (x);\n-- trailing\n"),
    ).toEqual(["-- header\nCREATE TABLE a (x text DEFAULT ';')", 'CREATE INDEX b ON a (x)']);
  });

  it('lists every SQL file in the static index, in timestamp order', async () => {
    const index = JSON.parse(await readFile(new URL('index.json', MIGRATIONS_FOLDER), 'utf8')) as string[];
    const files = (await readdir(MIGRATIONS_FOLDER)).filter((file) => file.endsWith('.sql')).sort();
    expect(index).toEqual(files);
  });
});
