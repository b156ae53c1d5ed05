import { readPlacements } from '../product-page.js';
import { PLATFORM_HEADER, REGION_HEADER, USER_ID_HEADER } from '../visitor.js';
import { randomForUser, simulateVisit, type RenderedPage, type SimulatedUser } from './simulated-users.js';

/** What the simulator sent, per rendered placement: the ground truth, not an analysis. */
export interface PlacementTally {
  visitors: number;
  addedToCart: number;
  purchased: number;
}

export interface TrafficReport {
  readonly requests: number;
  readonly failures: number;
  readonly elapsedMs: number;
  /** Keyed `checkout=<placement>` and `recommendations=<placement>`. */
  readonly tallies: ReadonlyMap<string, PlacementTally>;
}

/** Behaviour draws come from a stream apart from the one that drew the user's attributes. */
const BEHAVIOUR_STREAM = 0x5bd1_e995;
const REQUEST_TIMEOUT_MS = 10_000;

async function request(url: string, user: SimulatedUser, init: { method: string; body?: string }): Promise<Response> {
  return fetch(url, {
    method: init.method,
    headers: {
      [USER_ID_HEADER]: user.userId,
      [PLATFORM_HEADER]: user.platform,
      [REGION_HEADER]: user.region,
      Accept: init.method === 'GET' ? 'text/html' : 'application/json',
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

function tally(tallies: Map<string, PlacementTally>, key: string): PlacementTally {
  let entry = tallies.get(key);
  if (entry === undefined) {
    entry = { visitors: 0, addedToCart: 0, purchased: 0 };
    tallies.set(key, entry);
  }
  return entry;
}

/**
 * Each simulated user opens the product page, reads the placements it was shown, and maybe adds
 * the laptop to the cart and checks out, as `simulateVisit` decides. `concurrency` users at a time.
 */
export async function driveTraffic(options: {
  readonly shopUrl: string;
  readonly users: readonly SimulatedUser[];
  readonly seed: number;
  readonly concurrency: number;
  readonly onProgress?: (done: number) => void;
}): Promise<TrafficReport> {
  const started = Date.now();
  const tallies = new Map<string, PlacementTally>();
  let requests = 0;
  let failures = 0;
  let next = 0;
  let done = 0;
  const productUrl = `${options.shopUrl}/products/acme-laptop`;

  const visit = async (index: number): Promise<void> => {
    const user = options.users[index];
    if (user === undefined) return;
    const random = randomForUser(options.seed ^ BEHAVIOUR_STREAM, index);
    requests += 1;
    const page = await request(productUrl, user, { method: 'GET' });
    if (!page.ok) {
      failures += 1;
      await page.body?.cancel();
      return;
    }
    const seen: RenderedPage = readPlacements(await page.text());
    const outcome = simulateVisit(seen, random);
    const rows = [
      tally(tallies, `checkout=${seen.checkout ?? '?'}`),
      tally(tallies, `recommendations=${seen.recommendations ?? '?'}`),
    ];
    for (const row of rows) row.visitors += 1;
    if (!outcome.addsToCart) return;
    requests += 1;
    const cart = await request(`${options.shopUrl}/cart`, user, {
      method: 'POST',
      body: JSON.stringify({ productId: 'acme-laptop' }),
    });
    await cart.body?.cancel();
    if (!cart.ok) {
      failures += 1;
      return;
    }
    for (const row of rows) row.addedToCart += 1;
    if (!outcome.purchases) return;
    requests += 1;
    const checkout = await request(`${options.shopUrl}/checkout`, user, { method: 'POST', body: '{}' });
    await checkout.body?.cancel();
    if (!checkout.ok) {
      failures += 1;
      return;
    }
    for (const row of rows) row.purchased += 1;
  };

  const worker = async (): Promise<void> => {
    while (next < options.users.length) {
      const index = next;
      next += 1;
      try {
        await visit(index);
      } catch {
        failures += 1;
      }
      done += 1;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => worker()));
  return { requests, failures, elapsedMs: Date.now() - started, tallies };
}
