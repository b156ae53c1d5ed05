import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The curated entry: what users call (render, validate, diff/apply, the gate, the CLI), nothing internal. */
const MAX_ENTRY_NAMES = 25;

const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\/\/.*$/gm, '');

/** Every name index.ts exports, values and types alike, as `{ name, isType }`. */
function exportedNames(): { readonly name: string; readonly isType: boolean }[] {
  const lists = [...source.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s*from/g)];
  return lists.flatMap(([, typeKeyword, list]) =>
    (list ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => {
        const isType = typeKeyword !== undefined || entry.startsWith('type ');
        const name = entry
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop() as string;
        return { name, isType };
      }),
  );
}

describe('the package entry (src/index.ts)', () => {
  it('re-exports named lists only, so every name it exports is counted here', () => {
    const statements = source.split(';').filter((statement) => /\bexport\b/.test(statement));
    expect(
      statements.every((statement) => /^\s*export\s+(type\s+)?\{[^}]*\}\s*from\s+'[^']+'\s*$/.test(statement)),
    ).toBe(true);
  });

  it(`exports at most ${MAX_ENTRY_NAMES} names, types included`, () => {
    const names = exportedNames().map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThanOrEqual(MAX_ENTRY_NAMES);
  });

  it('exports at run time exactly the values it lists', async () => {
    const values = exportedNames()
      .filter((entry) => !entry.isType)
      .map((entry) => entry.name)
      .sort();
    expect(Object.keys(await import('../src/index.js')).sort()).toEqual(values);
  });

  it('keeps helpers internal', async () => {
    const entry: Record<string, unknown> = await import('../src/index.js');
    for (const helper of ['luaString', 'quoteRe2', 'formatDiff', 'isRecord', 'LiftApiClient', 'toMatchBlocks'])
      expect(entry[helper]).toBeUndefined();
  });
});
