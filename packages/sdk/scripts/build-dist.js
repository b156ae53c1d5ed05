// Builds dist/: tsc writes the declarations, esbuild the JavaScript, one ES module per source file
// as tsc would (an app's bundler inlines constants and drops unused code per module). The output
// stays readable (not minified); only the names of internal properties listed in
// INTERNAL_PROPERTIES are shortened, consistently across files, which an app's minifier cannot do
// for us. A name goes in that list only if no object of the host, the config, an event or a
// dependency carries it.
import { readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Properties of the SDK's own structures: compiled experiments, hash states, loader and queue wiring. */
export const INTERNAL_PROPERTIES = new RegExp(
  `^(${[
    // CompiledExperiment and its variant ranges
    'problem',
    'isRunning',
    'isSticky',
    'unitPath',
    'allocationState',
    'ranges',
    'fixed',
    'start',
    'end',
    // HashState
    'pending',
    'pendingCount',
    'byteCount',
    // compiled conditions
    'predicate',
    'dependsOnSavedGroups',
    // config loader, stream transports, event delivery, exposure cache, the client's wiring
    'openStream',
    'onConfig',
    'accept',
    'report',
    'enqueue',
    'sendBeforeUnload',
    'current',
    'previous',
    'arm',
    'cacheSize',
    'delivery',
    'stopLoader',
  ].join('|')})$`,
);

const sources = (await readdir(`${packageRoot}src`, { recursive: true }))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => `src/${file}`);

const options = {
  absWorkingDir: packageRoot,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  mangleProps: INTERNAL_PROPERTIES,
  logLevel: 'warning',
};

// Files built one by one get their own short names; one bundle of everything first fixes a single
// mapping (esbuild's mangle cache) that every file then uses.
const { mangleCache } = await build({
  ...options,
  entryPoints: sources,
  bundle: true,
  packages: 'external',
  write: false,
  outdir: 'dist',
  mangleCache: {},
});

await rm(`${packageRoot}dist`, { recursive: true, force: true });
await build({ ...options, entryPoints: sources, outbase: 'src', outdir: 'dist', mangleCache, sourcemap: true });
