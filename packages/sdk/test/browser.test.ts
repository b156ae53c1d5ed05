import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, hash } from '../src/index.js';
import { canRunChromium, launchChromium } from './support/chromium.js';
import { FakeLiftServer, waitFor } from './support/fake-lift-server.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors/bucketing.v1.json', import.meta.url), 'utf8')) as {
  hash: { name: string; input: string; hash: number }[];
  decide: { name: string; experiment: unknown; context: unknown }[];
};

/** The SDK's browser build bundled as an app would ship it: no Node built-ins allowed. */
async function bundleSdk(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('../src/browser.ts', import.meta.url).pathname],
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

  it('decides, tracks, and delivers pending events on pagehide with keepalive requests', async () => {
    const experiment = vectors.decide[0]!.experiment as never;
    const server = await new FakeLiftServer({ version: 1, experiments: [experiment] }).start();
    try {
      server.files.set('/sdk.js', { type: 'text/javascript', body: await bundleSdk() });
      server.files.set('/', {
        type: 'text/html',
        body: `<!doctype html><title>Lift shop</title><script src="/sdk.js"></script><script>
          window.lift = LiftSdk.createClient({ serverUrl: location.origin, sdkKey: ${JSON.stringify(server.sdkKey)}, flushIntervalMs: 600000 });
          window.result = window.lift.ready({ timeoutMs: 5000 }).then(() => {
            const decision = window.lift.decide(${JSON.stringify((experiment as { key: string }).key)}, { userId: 'visitor-1' });
            window.lift.track('add-to-cart', { userId: 'visitor-1' }, 999.5, { sku: 'acme-laptop' });
            return { decision, pending: window.lift.pendingEvents };
          });
        </script>`,
      });
      const page = await browser.newPage();
      await page.goto(server.url);
      const result = (await page.evaluate('window.result')) as {
        decision: { variant: string; reason: string };
        pending: number;
      };
      expect(result.decision.reason).toBe('assigned');
      expect(result.pending).toBe(2);
      expect(server.events.size).toBe(0);
      await page.goto('about:blank'); // pagehide: the client hands its queue to keepalive requests
      await waitFor(() => server.events.size === 2, 5000);
      const events = [...server.events.values()];
      expect(events.find((e) => e.type === 'exposure')).toMatchObject({
        unit: 'visitor-1',
        variant: result.decision.variant,
      });
      expect(events.find((e) => e.type === 'conversion')).toMatchObject({
        name: 'add-to-cart',
        unit: 'visitor-1',
        value: 999.5,
        properties: { sku: 'acme-laptop' },
      });
      await page.close();
    } finally {
      await server.stop();
    }
  });

  it('keeps its config fresh over EventSource, with the SDK key in the stream URL', async () => {
    const experiment = vectors.decide[0]!.experiment as { key: string };
    const server = await new FakeLiftServer({ version: 1, experiments: [experiment as never] }).start();
    try {
      server.files.set('/sdk.js', { type: 'text/javascript', body: await bundleSdk() });
      server.files.set('/', {
        type: 'text/html',
        body: `<!doctype html><title>Lift shop</title><script src="/sdk.js"></script><script>
          window.lift = LiftSdk.createClient({ serverUrl: location.origin, sdkKey: ${JSON.stringify(server.sdkKey)} });
        </script>`,
      });
      const page = await browser.newPage();
      await page.goto(server.url);
      await waitFor(() => server.streamCount === 1, 5000);
      const stream = server.requests.find((r) => r.url.startsWith('/v1/sdk/stream'));
      expect(stream?.url).toBe(`/v1/sdk/stream?apiKey=${server.sdkKey}`);
      server.publish({ version: 2, experiments: [{ ...experiment, status: 'paused' } as never] });
      await page.waitForFunction(
        () => (globalThis as unknown as { lift: { configVersion: unknown } }).lift.configVersion === 2,
        undefined,
        { timeout: 5000 },
      );
      const reason = await page.evaluate(
        (key) =>
          (globalThis as unknown as { lift: { decide(k: string, c: object): { reason: string } } }).lift.decide(key, {
            userId: 'visitor-1',
          }).reason,
        experiment.key,
      );
      expect(reason).toBe('not-running');
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
