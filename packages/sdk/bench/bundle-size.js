// Browser bundle sizes: esbuild --minify, then gzip -9. Lift is imported by its package name, so
// esbuild's `browser` platform picks the `browser` export condition, as an app's bundler would.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

async function gzippedSize(contents) {
  const result = await build({
    stdin: { contents, resolveDir: packageRoot, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

export async function benchmarkBundleSize() {
  const rows = [
    ['Lift client (createClient, no OpenFeature)', "export { createClient } from '@lift/sdk';"],
    ['Lift decide only', "export { decide } from '@lift/sdk';"],
    ['Lift OpenFeature web provider', "export { LiftWebProvider } from '@lift/sdk/openfeature';"],
    ['GrowthBook (@growthbook/growthbook entry)', "export * from '@growthbook/growthbook';"],
  ];
  console.log('\nBrowser bundle (esbuild --minify, gzip -9)');
  const sizes = [];
  for (const [name, entry] of rows) {
    const size = await gzippedSize(entry);
    sizes.push(size.gzipped);
    console.log(
      `  ${name.padEnd(44)} ${String(size.minified).padStart(7)} B min  ${String(size.gzipped).padStart(6)} B gzip`,
    );
  }
  return { liftClient: sizes[0], liftCore: sizes[1], growthBook: sizes[3] };
}
