import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of the workspace packages, so no build is needed first.
const sdkSource = fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^@lift\/sdk$/, replacement: sdkSource }],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // CI also writes a JSON report, from which .ci/run prints its closing "N passed, N failed" line.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: 'artifacts/vitest.json' }]] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
