/**
 * The demo's simulated visitors: who they are (platform, region) and what they do on the page
 * they are shown. Pure and seeded, so a run is reproducible and the planted effect is known.
 */

/** A uniform number in [0, 1). */
export type Random = () => number;

export interface SimulatedUser {
  readonly userId: string;
  readonly platform: string;
  readonly region: string;
}

/** What the visitor saw, read from the rendered page (not from Lift). */
export interface RenderedPage {
  readonly checkout: string | undefined;
  readonly recommendations: string | undefined;
}

export interface VisitOutcome {
  readonly addsToCart: boolean;
  readonly purchases: boolean;
}

/**
 * Shares of the simulated population; each list sums to 1. ACME is a North Carolina shop with an
 * iOS-heavy audience, so the targeted segment is large enough for a verdict in a minute's traffic.
 */
export const PLATFORM_SHARES: readonly (readonly [string, number])[] = [
  ['iOS', 0.6],
  ['Android', 0.15],
  ['Windows', 0.15],
  ['macOS', 0.1],
];
export const REGION_SHARES: readonly (readonly [string, number])[] = [
  ['NC', 0.75],
  ['SC', 0.1],
  ['VA', 0.05],
  ['GA', 0.05],
  ['CA', 0.05],
];

/**
 * The truth the demo plants. Recommendations placement has no effect at all (most ideas do not
 * survive a test); the check-out button moved to the top more than doubles how many carts check out.
 */
export const BEHAVIOUR = {
  addToCart: 0.3,
  checkoutFromCart: { bottom: 0.3, top: 0.65 },
} as const;

const UINT32 = 0x1_0000_0000;
const GOLDEN_GAMMA = 0x9e37_79b9;

/** mulberry32: a small, fast, seedable generator (quality is ample for a simulation). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b_79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / UINT32;
  };
}

/** A generator for user `index` of a run, independent of the order in which users are simulated. */
export function randomForUser(seed: number, index: number): Random {
  return createRandom((seed ^ Math.imul(index + 1, GOLDEN_GAMMA)) >>> 0);
}

function pick(shares: readonly (readonly [string, number])[], random: Random): string {
  let roll = random();
  for (const [value, share] of shares) {
    if (roll < share) return value;
    roll -= share;
  }
  const last = shares[shares.length - 1];
  if (last === undefined) throw new Error('No shares to pick from.');
  return last[0];
}

/** `count` users with ids `sim-<seed>-<index>`, platforms and regions drawn from the shares. */
export function generateUsers(options: { readonly count: number; readonly seed: number }): SimulatedUser[] {
  return Array.from({ length: options.count }, (_, index) => {
    const random = randomForUser(options.seed, index);
    return {
      userId: `sim-${options.seed}-${index}`,
      platform: pick(PLATFORM_SHARES, random),
      region: pick(REGION_SHARES, random),
    };
  });
}

/** What one visitor does on the page they saw; `random` is that visitor's own generator. */
export function simulateVisit(page: RenderedPage, random: Random): VisitOutcome {
  const addsToCart = random() < BEHAVIOUR.addToCart;
  const checkoutRate = page.checkout === 'top' ? BEHAVIOUR.checkoutFromCart.top : BEHAVIOUR.checkoutFromCart.bottom;
  const purchases = addsToCart && random() < checkoutRate;
  return { addsToCart, purchases };
}
