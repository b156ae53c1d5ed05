import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import { decide, type ConfigSnapshot } from '@lift/sdk';
import { webUiDirectory } from '@lift/web';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../server/test/support/test-app.js';
import { findAccessibilityViolations } from './support/accessibility.js';
// One Chromium launcher for every browser test of the workspace (Debian's chromium, no downloads).
import { canRunChromium, launchChromium } from '../../sdk/test/support/chromium.js';

const ARTIFACTS = new URL('../../../artifacts/web/', import.meta.url);
const BUILD_SCRIPT = new URL('../scripts/build-ui.js', import.meta.url);
const DAY_MS = 24 * 60 * 60 * 1000;
const UNITS = 2000;
/** Conversion chances in percent: the treatment truly converts better, so the verdict must say so. */
const CONVERSION_PERCENT: Readonly<Record<string, number>> = { control: 10, treatment: 22 };
const MULTIPLE_EXPOSURE_UNITS = 6;
const BATCH = 1000;

type LiftEvent = Record<string, unknown>;

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

/** Tabs through the page (as a keyboard user would) until the focused element has `text`. */
async function tabTo(page: Page, text: string, maxPresses = 40): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === text) return;
  }
  throw new Error(`"${text}" was not reachable with Tab`);
}

describe.runIf(canRunChromium)('the web UI at /ui, end to end in headless Chromium', () => {
  let lift: TestApp;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  /** The admin's tab, shared by the ordered steps below. */
  let page: Page;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [BUILD_SCRIPT.pathname]);
    await mkdir(ARTIFACTS, { recursive: true });
    lift = await createTestApp('pglite');
    server = lift.lift.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server?.closeAllConnections();
    await lift?.close();
  });

  async function ingest(events: readonly LiftEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += BATCH) {
      const response = await fetch(`${baseUrl}/v1/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${lift.keys.sdk}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: events.slice(start, start + BATCH) }),
      });
      expect(response.status, await response.clone().text()).toBe(202);
    }
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto(`${baseUrl}/ui/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('serves the page and its bundle from /ui', async () => {
    expect(await readdir(webUiDirectory())).toEqual(expect.arrayContaining(['index.html', 'app.js', 'app.css']));
    const page = await fetch(`${baseUrl}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const bundle = await fetch(`${baseUrl}/ui/app.js`);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    const missing = await fetch(`${baseUrl}/ui/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  const pageErrors: string[] = [];

  it(
    'signs in, defines a hypothesis with the API errors next to their fields, and starts, pauses and resumes it from the keyboard',
    { timeout: 40_000 },
    async () => {
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (error) => pageErrors.push(error.message));

      // A wrong key is refused next to the field.
      await signIn(page, 'not-a-real-key-0123456789');
      await page.locator('#api-key-error', { hasText: 'unknown or revoked' }).waitFor();
      expect(await findAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, '01-sign-in-refused');

      await page.getByLabel('API key').fill(lift.keys.admin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Signed in (admin)').waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('lift.session'))).toContain(lift.keys.admin);

      // The form: the API's validation errors land beside the fields they name.
      await page.getByRole('link', { name: 'New hypothesis' }).first().click();
      await page.getByRole('heading', { name: 'New hypothesis' }).waitFor();
      await page.getByLabel('Key', { exact: true }).fill('Checkout Green');
      await page.getByLabel('Name', { exact: true }).fill('Green checkout button');
      await page.getByLabel('Hypothesis', { exact: true }).fill('A green checkout button raises purchases by 10%');
      await page.getByLabel('Owner').fill('growth-team');
      await page.getByLabel('Variant 2 weight (%)').fill('60');
      await page.getByRole('button', { name: 'Create draft' }).click();
      await page.locator('.error-summary').waitFor();
      expect(await page.locator('#field-key-error').textContent()).toContain('lowercase');
      expect(await page.locator('#field-metrics-primary-error').textContent()).not.toBe('');
      expect(await page.locator('#field-variants-error').textContent()).toContain('sum to 10000');
      expect(await page.getByLabel('Key', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await findAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, '02-form-with-api-errors');

      await page.getByLabel('Key', { exact: true }).fill('checkout-green');
      await page.getByLabel('Primary metric (conversion event name)').fill('purchase');
      await page.getByLabel('Guardrail metrics').fill('refund');
      await page.getByLabel('Variant 2 weight (%)').fill('50');
      await page.getByLabel('Targeting condition (JSON)').fill('{"country": {"$in": ["DE", "AT", "CH"]}}');
      await page.getByRole('button', { name: 'Create draft' }).click();
      await page.getByRole('heading', { name: 'Green checkout button' }).waitFor();
      expect(await page.locator('#experiment-status').textContent()).toBe('draft');
      expect(await page.locator('.hypothesis').textContent()).toContain(
        'A green checkout button raises purchases by 10%',
      );
      expect(await page.locator('#targeting-heading + pre').textContent()).toContain('"$in"');

      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('#experiment-status', { hasText: 'running' }).waitFor();

      // Keyboard only: Tab to a lifecycle button and press Enter.
      await page.locator('h1').focus();
      await tabTo(page, 'Pause');
      await page.screenshot({
        path: new URL('02b-keyboard-focus.png', ARTIFACTS).pathname,
        clip: { x: 0, y: 0, width: 1280, height: 260 },
      });
      await page.keyboard.press('Enter');
      await page.locator('#experiment-status', { hasText: 'paused' }).waitFor();
      await page.locator('h1').focus();
      await tabTo(page, 'Resume');
      await page.keyboard.press('Enter');
      await page.locator('#experiment-status', { hasText: 'running' }).waitFor();
      expect(pageErrors).toEqual([]);
    },
  );

  it(
    'shows the verdict, the interval charts and the time series once exposures and conversions arrive',
    { timeout: 40_000 },
    async () => {
      await page.getByRole('button', { name: 'Refresh results' }).click();
      await page.getByText('insufficient data', { exact: false }).first().waitFor();

      // Traffic, decided with the SDK exactly as an app would, then exposures and conversions over the API.
      const config = (await (
        await fetch(`${baseUrl}/v1/sdk/config`, { headers: { Authorization: `Bearer ${lift.keys.sdk}` } })
      ).json()) as ConfigSnapshot;
      const definition = config.experiments.find((e) => e.key === 'checkout-green');
      expect(definition).toBeDefined();
      const now = Date.now();
      const events: LiftEvent[] = [];
      for (let i = 0; i < UNITS; i += 1) {
        const unit = `user-${i}`;
        const decision = decide(definition!, { userId: unit, country: 'DE' });
        expect(decision.inExperiment).toBe(true);
        const exposedAt = now - (3 - (i % 4)) * DAY_MS - 60 * 60 * 1000;
        events.push({
          id: randomUUID(),
          type: 'exposure',
          experiment: 'checkout-green',
          variant: decision.variant,
          unit,
          timestamp: new Date(exposedAt).toISOString(),
        });
        if ((i * 37) % 100 < (CONVERSION_PERCENT[decision.variant ?? ''] ?? 0)) {
          events.push({
            id: randomUUID(),
            type: 'conversion',
            name: 'purchase',
            unit,
            value: 49.9,
            timestamp: new Date(exposedAt + 10 * 60 * 1000).toISOString(),
          });
        }
      }
      for (let i = 0; i < MULTIPLE_EXPOSURE_UNITS; i += 1) {
        for (const variant of ['control', 'treatment']) {
          events.push({
            id: randomUUID(),
            type: 'exposure',
            experiment: 'checkout-green',
            variant,
            unit: `flaky-${i}`,
            timestamp: new Date(now - DAY_MS).toISOString(),
          });
        }
      }
      await ingest(events);

      await page.getByRole('button', { name: 'Refresh results' }).click();
      await page.locator('#verdict', { hasText: 'Winning: treatment' }).waitFor();
      const verdict = await page.locator('.verdict-text').first().textContent();
      expect(verdict).toContain('"treatment" beats "control"');
      expect(verdict).toContain('The hypothesis holds');
      expect(await page.locator('#multiple-exposures').textContent()).toContain(
        `${MULTIPLE_EXPOSURE_UNITS} units saw more than one variant`,
      );
      expect(await page.locator('.srm-warning').count()).toBe(0);
      for (const id of ['rate-chart', 'lift-chart', 'timeseries-chart']) {
        const drawn = await page.locator(`#${id}`).evaluate((canvas: HTMLCanvasElement) => {
          const context = canvas.getContext('2d');
          const pixels = context?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
          let painted = 0;
          for (let p = 3; p < pixels.length; p += 4) if ((pixels[p] ?? 0) > 0) painted += 1;
          return { width: canvas.width, painted };
        });
        expect(drawn.width, id).toBeGreaterThan(0);
        expect(drawn.painted, id).toBeGreaterThan(500);
      }
      expect(await page.locator('#timeseries-chart').getAttribute('aria-label')).toContain('control, treatment');
      expect(await findAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, '03-experiment-winning');

      await page.getByRole('button', { name: 'Pause' }).click();
      await page.locator('#experiment-status', { hasText: 'paused' }).waitFor();

      // The list, with the verdict at a glance.
      await page.getByRole('link', { name: 'Experiments', exact: true }).click();
      const row = page.locator('tr', { hasText: 'checkout-green' });
      await row.locator('.badge.verdict-winning').waitFor();
      expect(await row.textContent()).toContain('growth-team');
      expect(await row.textContent()).toContain('paused');
      expect(await row.textContent()).toContain('purchase');
      expect(await findAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, '04-experiments-list');

      expect(pageErrors).toEqual([]);
    },
  );

  it(
    'puts a sample-ratio mismatch above everything else, and hides the lifecycle buttons from analysts',
    { timeout: 30_000 },
    async () => {
      const created = await lift.api
        .post('/v1/experiments')
        .set('Authorization', `Bearer ${lift.keys.admin}`)
        .send({
          key: 'broken-split',
          name: 'Free shipping banner',
          hypothesis: 'A free-shipping banner raises purchases',
          owner: 'checkout-team',
          variants: [
            { key: 'control', weight: 5000 },
            { key: 'banner', weight: 5000 },
          ],
          metrics: { primary: 'purchase' },
        });
      expect(created.status).toBe(201);
      expect(
        (await lift.api.post('/v1/experiments/broken-split/start').set('Authorization', `Bearer ${lift.keys.admin}`))
          .status,
      ).toBe(200);
      // A redirect bug loses half of the banner's visitors: 400 against 200 on a 50/50 split.
      const timestamp = new Date(Date.now() - 60_000).toISOString();
      await ingest(
        Array.from({ length: 600 }, (_, i) => ({
          id: randomUUID(),
          type: 'exposure',
          experiment: 'broken-split',
          variant: i < 400 ? 'control' : 'banner',
          unit: `visitor-${i}`,
          timestamp,
        })),
      );

      const analystPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(analystPage, lift.keys.analyst);
      await analystPage.getByText('Signed in (analyst)').waitFor();
      expect(await analystPage.getByRole('link', { name: 'New hypothesis' }).count()).toBe(0);
      await analystPage.getByRole('link', { name: 'Free shipping banner' }).click();
      const warning = analystPage.getByRole('alert').filter({ hasText: 'sample ratio mismatch' });
      await warning.waitFor();
      expect(await warning.textContent()).toContain('control 400, banner 200');
      expect(await analystPage.locator('#verdict').textContent()).toContain('Sample ratio mismatch');
      expect(await analystPage.locator('.lifecycle').count()).toBe(0);
      expect(await findAccessibilityViolations(analystPage)).toEqual([]);
      await screenshot(analystPage, '05-sample-ratio-mismatch');
      await analystPage.close();
    },
  );
});
