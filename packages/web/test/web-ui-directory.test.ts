import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// By the package's own name, so the `exports` map the server resolves is what runs here.
import { webUiDirectory } from '@lift/web';

describe("@lift/web's entry point", () => {
  it('names the folder the build writes the UI to, by its absolute path', () => {
    const directory = webUiDirectory();
    expect(isAbsolute(directory)).toBe(true);
    expect(directory).toBe(fileURLToPath(new URL('../dist/ui', import.meta.url)));
  });
});
