import { describe, expect, it } from 'vitest';
import {
  BEHAVIOUR,
  createRandom,
  generateUsers,
  PLATFORM_SHARES,
  randomForUser,
  REGION_SHARES,
  simulateVisit,
} from '../src/demo/simulated-users.js';

const SAMPLE = 20_000;
const TOLERANCE = 0.02;

describe('simulated users', () => {
  it('are reproducible from the seed and differ between seeds', () => {
    expect(generateUsers({ count: 50, seed: 7 })).toEqual(generateUsers({ count: 50, seed: 7 }));
    expect(generateUsers({ count: 50, seed: 7 })).not.toEqual(
      generateUsers({ count: 50, seed: 8 }).map((user) => ({ ...user, userId: user.userId.replace('-8-', '-7-') })),
    );
  });

  it('have unique ids', () => {
    const users = generateUsers({ count: 1000, seed: 1 });
    expect(new Set(users.map((user) => user.userId)).size).toBe(1000);
  });

  it('follow the platform and region shares', () => {
    const users = generateUsers({ count: SAMPLE, seed: 3 });
    for (const [platform, share] of PLATFORM_SHARES) {
      expect(users.filter((user) => user.platform === platform).length / SAMPLE).toBeCloseTo(share, 1);
    }
    for (const [region, share] of REGION_SHARES) {
      expect(Math.abs(users.filter((user) => user.region === region).length / SAMPLE - share)).toBeLessThan(TOLERANCE);
    }
    const shares = [...PLATFORM_SHARES, ...REGION_SHARES].map(([, share]) => share);
    expect(shares.every((share) => share > 0)).toBe(true);
  });

  it('draw uniform numbers in [0, 1)', () => {
    const random = createRandom(99);
    const draws = Array.from({ length: SAMPLE }, () => random());
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    expect(draws.reduce((sum, draw) => sum + draw, 0) / SAMPLE).toBeCloseTo(0.5, 1);
  });

  it('plant the effect only in the moved check-out button, and none in recommendations', () => {
    const rate = (page: { checkout: string; recommendations: string }): { cart: number; purchase: number } => {
      let cart = 0;
      let purchase = 0;
      for (let index = 0; index < SAMPLE; index += 1) {
        const outcome = simulateVisit(page, randomForUser(5, index));
        if (outcome.addsToCart) cart += 1;
        if (outcome.purchases) purchase += 1;
      }
      return { cart: cart / SAMPLE, purchase: purchase / SAMPLE };
    };
    const bottom = rate({ checkout: 'bottom', recommendations: 'below' });
    const top = rate({ checkout: 'top', recommendations: 'below' });
    const sidebar = rate({ checkout: 'bottom', recommendations: 'sidebar' });
    expect(Math.abs(bottom.cart - BEHAVIOUR.addToCart)).toBeLessThan(TOLERANCE);
    expect(Math.abs(bottom.purchase - BEHAVIOUR.addToCart * BEHAVIOUR.checkoutFromCart.bottom)).toBeLessThan(TOLERANCE);
    expect(Math.abs(top.purchase - BEHAVIOUR.addToCart * BEHAVIOUR.checkoutFromCart.top)).toBeLessThan(TOLERANCE);
    expect(sidebar).toEqual(bottom);
  });

  it('never purchase without adding to the cart', () => {
    for (let index = 0; index < 1000; index += 1) {
      const outcome = simulateVisit({ checkout: 'top', recommendations: 'sidebar' }, randomForUser(11, index));
      if (outcome.purchases) expect(outcome.addsToCart).toBe(true);
    }
  });
});
