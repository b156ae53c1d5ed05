import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, decide, type ExperimentDefinition, type LiftClient, type LiftError } from '@lift/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  DEFAULT_APP_OPTIONS,
  startServer,
  type RunningServer,
} from '../../../packages/server/src/index.js';
import {
  ADD_TO_CART_EVENT,
  checkoutExperiment,
  CHECKOUT_EXPERIMENT_KEY,
  RECOMMENDATIONS_EXPERIMENT_KEY,
  SHOP_EXPERIMENTS,
} from '../src/experiments.js';
import { createAndStartExperiment, createApiKey, fetchResults, hasEventsEndpoint } from '../src/demo/lift-rest.js';
import { readPlacements } from '../src/product-page.js';
import { createShop } from '../src/shop-app.js';

/**
 * The shop against a real Lift server (in-process, embedded PGlite in memory, on 127.0.0.1):
 * the rendered page follows Lift's decision, and an add-to-cart reaches Lift as a conversion.
 */

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
const CANDIDATES = 500;

let lift: RunningServer;
let client: LiftClient;
let shop: Server;
let shopUrl = '';
let sdkKey = '';
const clientErrors: LiftError[] = [];

/** The first `u-<n>` for which the pure `decide` gives `variant` (so the test does not depend on a hash value). */
function userWith(variant: string, context: { platform: string; region: string }): string {
  const definition: ExperimentDefinition = { ...checkoutExperiment, status: 'running', coverage: 10_000 };
  for (let index = 0; index < CANDIDATES; index += 1) {
    const userId = `e2e-user-${index}`;
    if (decide(definition, { userId, ...context }).variant === variant) return userId;
  }
  throw new Error(`no user among ${CANDIDATES} gets ${variant}`);
}

async function page(
  userId: string,
  platform: string,
  region: string,
): Promise<{ placements: ReturnType<typeof readPlacements>; headers: Headers }> {
  const response = await fetch(`${shopUrl}/products/acme-laptop`, {
    headers: { 'x-user-id': userId, 'x-platform': platform, 'x-region': region },
  });
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toContain('ACME Laptop 128GB SSD, 8GB RAM');
  expect(html).toContain('Add to Cart');
  expect(html).toContain('Recommendations');
  return { placements: readPlacements(html), headers: response.headers };
}

beforeAll(async () => {
  const logger = createLogger('silent');
  lift = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      database: { kind: 'pglite' },
      adminKey: ADMIN_KEY,
      logLevel: 'silent',
      app: DEFAULT_APP_OPTIONS,
      shutdownTimeoutMs: 1000,
    },
    logger,
  );
  sdkKey = await createApiKey(lift.url, ADMIN_KEY, 'acme-shop e2e', 'sdk');
  for (const experiment of SHOP_EXPERIMENTS) await createAndStartExperiment(lift.url, ADMIN_KEY, experiment);
  client = createClient({
    serverUrl: lift.url,
    sdkKey,
    refresh: 'none',
    flushIntervalMs: 50,
    openTelemetry: false,
    onError: (error) => clientErrors.push(error),
  });
  expect(await client.ready({ timeoutMs: 10_000 })).toBe(true);
  shop = createServer(createShop({ lift: client, version: 'v1' }).app);
  shop.listen(0, '127.0.0.1');
  await once(shop, 'listening');
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await client?.close();
  await new Promise<void>((resolve) => (shop === undefined ? resolve() : shop.close(() => resolve())));
  await lift?.shutdown();
});

describe('the ACME shop with Lift', () => {
  it('is ready once Lift config is loaded', async () => {
    const response = await fetch(`${shopUrl}/readyz`);
    expect(response.status).toBe(200);
  });

  it('moves the check-out button for an iOS user in North Carolina whom Lift assigns "moved"', async () => {
    const { placements, headers } = await page(userWith('moved', { platform: 'iOS', region: 'NC' }), 'iOS', 'NC');
    expect(placements.checkout).toBe('top');
    expect(headers.get(`x-lift-${CHECKOUT_EXPERIMENT_KEY}`)).toBe('moved');
  });

  it('keeps the button at the bottom for an iOS/NC user in the control', async () => {
    const { placements } = await page(userWith('control', { platform: 'iOS', region: 'NC' }), 'iOS', 'NC');
    expect(placements.checkout).toBe('bottom');
  });

  it('keeps the button at the bottom for a desktop user outside the targeting, even one who would bucket into "moved"', async () => {
    const { placements, headers } = await page(userWith('moved', { platform: 'iOS', region: 'NC' }), 'Windows', 'NC');
    expect(placements.checkout).toBe('bottom');
    expect(headers.get(`x-lift-${CHECKOUT_EXPERIMENT_KEY}`)).toBe('control');
  });

  it('renders the recommendations where Lift decides, for everyone', async () => {
    const { placements, headers } = await page('e2e-desktop', 'Windows', 'CA');
    expect(placements.recommendations).toBe(
      headers.get(`x-lift-${RECOMMENDATIONS_EXPERIMENT_KEY}`) === 'sidebar' ? 'sidebar' : 'below',
    );
  });

  it('sends add-to-cart to Lift as a conversion', async () => {
    const userId = 'e2e-buyer';
    await page(userId, 'Windows', 'CA');
    const response = await fetch(`${shopUrl}/cart`, {
      method: 'POST',
      headers: { 'x-user-id': userId, 'x-platform': 'Windows', 'x-region': 'CA', 'Content-Type': 'application/json' },
      body: JSON.stringify({ productId: 'acme-laptop' }),
    });
    expect(response.status).toBe(201);
    expect(await hasEventsEndpoint(lift.url, sdkKey)).toBe(true);
    clientErrors.length = 0;
    await client.flush();
    expect(clientErrors).toEqual([]);
    expect(client.pendingEvents).toBe(0);
    const outcome = await fetchResults(lift.url, ADMIN_KEY, RECOMMENDATIONS_EXPERIMENT_KEY, ADD_TO_CART_EVENT);
    expect(outcome.kind).toBe('results');
    const variants = (outcome as { body: { variants: { units: number; conversions: number }[] } }).body.variants;
    expect(variants.reduce((sum, variant) => sum + variant.units, 0)).toBeGreaterThanOrEqual(1);
    expect(variants.reduce((sum, variant) => sum + variant.conversions, 0)).toBeGreaterThanOrEqual(1);
  });
});
