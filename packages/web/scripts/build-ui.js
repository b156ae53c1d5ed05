// Bundles the UI into dist/ui: one ES module (Chart.js included), the page and its stylesheet.
// The server serves that folder at /ui.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { webUiDirectory } from '../node/web-ui-directory.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const outDir = webUiDirectory();

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await build({
  entryPoints: [`${packageRoot}src/main.ts`],
  outfile: `${outDir}/app.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(`${packageRoot}static/index.html`, `${outDir}/index.html`);
await copyFile(`${packageRoot}static/app.css`, `${outDir}/app.css`);
