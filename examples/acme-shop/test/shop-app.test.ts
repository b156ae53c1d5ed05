import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Attributes, Decision } from '@lift/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createShop, type ShopOptions } from '../src/shop-app.js';

/** The shop's own rules, against a recording stand-in for the Lift client. */

interface Recorded {
  decided: { key: string; context: Attributes }[];
  tracked: { name: string; context: Attributes; value: number | undefined }[];
}

function fakeLift(variants: Readonly<Record<string, string>>): { lift: ShopOptions['lift']; recorded: Recorded } {
  const recorded: Recorded = { decided: [], tracked: [] };
  return {
    recorded,
    lift: {
      configVersion: 1,
      decide(key: string, context: Attributes): Decision {
        recorded.decided.push({ key, context });
        const variant = variants[key] ?? null;
        return {
          experiment: key,
          variant,
          inExperiment: variant !== null,
          reason: variant === null ? 'not-running' : 'assigned',
          bucket: null,
          payload: null,
        };
      },
      track(name: string, context: Attributes, value?: number) {
        recorded.tracked.push({ name, context, value });
      },
    },
  };
}

let server: Server | undefined;

async function start(options: ShopOptions): Promise<string> {
  server = createServer(createShop(options).app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

const USER = { 'x-user-id': 'u-1', 'x-platform': 'iOS', 'x-region': 'NC' };
const post = (url: string, headers: Record<string, string> = USER): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: '{}',
  });

describe('shop', () => {
  it('tracks add-to-cart and a purchase with the cart total, for the visitor of the headers', async () => {
    const { lift, recorded } = fakeLift({});
    const url = await start({ lift });
    expect((await post(`${url}/cart`)).status).toBe(201);
    expect((await post(`${url}/cart`)).status).toBe(201);
    const checkout = await post(`${url}/checkout`);
    expect(checkout.status).toBe(201);
    expect(await checkout.json()).toEqual({ order: { items: 2, total: 1798, currency: 'USD' } });
    expect(recorded.tracked.map(({ name, value }) => [name, value])).toEqual([
      ['add-to-cart', 899],
      ['add-to-cart', 899],
      ['purchase', 1798],
    ]);
    expect(recorded.tracked[2]?.context).toEqual({ userId: 'u-1', platform: 'iOS', region: 'NC' });
  });

  it('refuses to check out an empty cart, tracking nothing', async () => {
    const { lift, recorded } = fakeLift({});
    const url = await start({ lift });
    expect((await post(`${url}/checkout`)).status).toBe(409);
    expect(recorded.tracked).toEqual([]);
  });

  it('gives a new browser a visitor cookie and guesses its platform from the User-Agent', async () => {
    const { lift, recorded } = fakeLift({});
    const url = await start({ lift });
    const response = await fetch(`${url}/products/acme-laptop`, {
      headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)' },
    });
    expect(response.headers.get('set-cookie')).toMatch(/^lift_vid=[\w-]+; Path=\/;/);
    expect(recorded.decided[0]?.context['platform']).toBe('iOS');
  });

  it('neither decides nor tracks mirrored (shadow) requests, whose responses Istio discards', async () => {
    const { lift, recorded } = fakeLift({ 'checkout-button': 'moved' });
    const url = await start({ lift });
    // fetch may not set Host; node:http may, as Envoy does when it mirrors.
    const shadowStatus = (method: string, path: string): Promise<number | undefined> =>
      new Promise((resolve, reject) => {
        const call = request(
          `${url}${path}`,
          {
            method,
            headers: { ...USER, Host: 'shop-shadow', 'Content-Type': 'application/json', Accept: 'application/json' },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        );
        call.on('error', reject);
        call.end(method === 'POST' ? '{}' : undefined);
      });
    expect(await shadowStatus('GET', '/products/acme-laptop')).toBe(200);
    expect(await shadowStatus('POST', '/cart')).toBe(202);
    expect(await shadowStatus('POST', '/checkout')).toBe(202);
    expect(recorded).toEqual({ decided: [], tracked: [] });
  });

  it('logs exposures of the mesh-routed experiments and counts requests routed to the wrong version', async () => {
    const { lift, recorded } = fakeLift({ 'shop-v2-canary': 'v2', 'shop-v2-checkout': 'v1' });
    server = createServer();
    const shop = createShop({ lift, version: 'v1', routedExperiments: ['shop-v2-canary', 'shop-v2-checkout'] });
    server.on('request', shop.app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/products/acme-laptop`, { headers: USER });
    expect(recorded.decided.map((decision) => decision.key)).toEqual([
      'shop-v2-canary',
      'shop-v2-checkout',
      'recommendations-placement',
      'checkout-button',
    ]);
    expect(shop.misrouted()).toBe(1);
  });

  it('is not ready before Lift config arrives, nor while shutting down', async () => {
    const { lift } = fakeLift({});
    const shop = createShop({ lift: { ...lift, configVersion: null } });
    server = createServer(shop.app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
