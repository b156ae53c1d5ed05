// What each module adds to the browser client bundle once gzipped: the bundle is minified as in
// bundle-size.js, then gzip -9 of the output up to the end of each module, minus the size up to
// the module before. Run after `pnpm build`: `node bench/bundle-breakdown.js ["export { decide } from '@lift/sdk';"]`.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const entry = process.argv[2] ?? "export { createClient } from '@lift/sdk';";

const result = await build({
  stdin: { contents: entry, resolveDir: packageRoot, loader: 'js' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  metafile: true,
});
const text = result.outputFiles[0].text;
const gzipped = (code) => gzipSync(Buffer.from(code), { level: 9 }).length;
const [output] = Object.values(result.metafile.outputs);
let end = 0;
let previous = 0;
console.log(`${entry}\n    min   +gzip  module`);
// esbuild lists a bundle's inputs in the order their code appears in it.
for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
  if (bytesInOutput === 0) continue;
  end += bytesInOutput;
  const size = gzipped(text.slice(0, end));
  console.log(`${String(bytesInOutput).padStart(7)} ${String(size - previous).padStart(7)}  ${file}`);
  previous = size;
}
console.log(`${String(text.length).padStart(7)} ${String(gzipped(text)).padStart(7)}  total`);
