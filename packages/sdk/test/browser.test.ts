import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, hash } from '../src/index.js';
import { canRunChromium, launchChromium } from './support/chromium.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors/bucketing.v1.json', import.meta.url), 'utf8')) as {
  hash: { name: string; input: string; hash: number }[];
  decide: { name: string; experiment: unknown; context: unknown }[];
};

/** The SDK bundled for browsers exactly as an app would ship it: ESM, no Node built-ins allowed. */
async function bundleSdk(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName: 'LiftSdk',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
  });
  return result.outputFiles[0]!.text;
}

describe.runIf(canRunChromium)('the SDK in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('bundles for the browser and gives the same hashes and decisions as Node', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>Lift SDK</title>');
    await page.addScriptTag({ content: await bundleSdk() });
    const inBrowser = await page.evaluate((cases) => {
      const sdk = (globalThis as unknown as { LiftSdk: typeof import('../src/index.js') }).LiftSdk;
      return {
        hashes: cases.hash.map((c) => sdk.hash(c.input)),
        decisions: cases.decide.map((c) => sdk.decide(c.experiment as never, c.context as never)),
        userAgent: (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent,
      };
    }, vectors);
    expect(inBrowser.userAgent).toContain('Chrome');
    expect(inBrowser.hashes).toEqual(vectors.hash.map((c) => c.hash));
    expect(inBrowser.decisions).toEqual(vectors.decide.map((c) => decide(c.experiment as never, c.context as never)));
    expect(inBrowser.hashes).toEqual(vectors.hash.map((c) => hash(c.input)));
    await page.close();
  });
});
