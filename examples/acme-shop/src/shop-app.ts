import type { LiftClient } from '@lift/sdk';
import express, { type Express, type Request, type Response } from 'express';
import { LAPTOP, RECOMMENDED, toDollars } from './catalog.js';
import {
  ADD_TO_CART_EVENT,
  CHECKOUT_EXPERIMENT_KEY,
  PURCHASE_EVENT,
  RECOMMENDATIONS_EXPERIMENT_KEY,
  toCheckoutPlacement,
  toRecommendationsPlacement,
} from './experiments.js';
import { renderProductPage } from './product-page.js';
import { visitorOf, type Visitor } from './visitor.js';

/** Carts kept in memory; past this many the oldest is forgotten (a demo, not a shop database). */
const MAX_CARTS = 100_000;
const MAX_QUANTITY = 10;
const PRODUCT_PATH = `/products/${LAPTOP.id}`;

export interface ShopOptions {
  /** The Lift SDK client; only `decide` and `track` are used, so tests may pass their own. */
  readonly lift: Pick<LiftClient, 'decide' | 'track' | 'configVersion'>;
  /** Shown in the footer and the `x-shop-version` header: `v1`, `v2`, ... */
  readonly version?: string;
  /**
   * Experiments the mesh routes on (istio-sync `ab` and `canary`), whose variants are shop
   * versions. The page decides them too, which logs the exposure Lift's analysis needs: the edge's
   * Lua filter buckets exactly as the SDK does, so the variant decided here is the version that
   * served the request. A disagreement (traffic that bypassed the edge) is counted in `misrouted`.
   */
  readonly routedExperiments?: readonly string[];
}

export interface Shop {
  readonly app: Express;
  /** Requests whose routed-experiment variant was not this shop's version. */
  readonly misrouted: () => number;
  /** Makes /readyz answer 503 so load balancers stop sending traffic before the process exits. */
  beginShutdown(): void;
}

/** Istio's mirroring sends the copy with `-shadow` appended to the Host. */
function isShadow(req: Request): boolean {
  return /-shadow(:\d+)?$/.test(req.get('host') ?? '');
}

function respond(req: Request, res: Response, status: number, body: object): void {
  if (req.is('application/json') === 'application/json' || req.accepts(['json', 'html']) === 'json') {
    res.status(status).json(body);
  } else {
    res.redirect(303, PRODUCT_PATH);
  }
}

/**
 * The ACME shop: one product page whose recommendations and check-out button placements are
 * decided by Lift in-process, and the two actions it measures (add-to-cart, purchase with value).
 *
 * @example
 * const lift = createClient({ serverUrl, sdkKey });
 * createShop({ lift, version: 'v1' }).app.listen(3000);
 */
export function createShop(options: ShopOptions): Shop {
  const { lift } = options;
  const version = options.version ?? 'v1';
  const carts = new Map<string, number>();
  const routedExperiments = options.routedExperiments ?? [];
  let isShuttingDown = false;
  let misrouted = 0;

  const identify = (req: Request, res: Response): Visitor => {
    const visitor = visitorOf(req);
    if (visitor.setCookie !== undefined) res.append('Set-Cookie', visitor.setCookie);
    return visitor;
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '10kb' }), express.urlencoded({ extended: false, limit: '10kb' }));
  app.use((_req, res, next) => {
    res.setHeader('x-shop-version', version);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready once Lift's config is in force: before that every decision would be `not-ready`.
  app.get('/readyz', (_req, res) => {
    const isReady = !isShuttingDown && lift.configVersion !== null;
    res
      .status(isReady ? 200 : 503)
      .json({ status: isReady ? 'ready' : 'not ready', liftConfigVersion: lift.configVersion });
  });

  app.get('/', (_req, res) => {
    res.redirect(302, PRODUCT_PATH);
  });

  app.get(PRODUCT_PATH, (req, res) => {
    const visitor = identify(req, res);
    if (isShadow(req)) {
      // A mirrored copy (dark launch): its response is discarded, so it must not count as a visit.
      res.type('html').send(
        renderProductPage({
          product: LAPTOP,
          recommendations: RECOMMENDED,
          checkoutPlacement: 'bottom',
          recommendationsPlacement: 'below',
          cartItems: 0,
          shopVersion: version,
        }),
      );
      return;
    }
    for (const key of routedExperiments) {
      const variant = lift.decide(key, visitor.attributes).variant;
      if (variant !== null && variant !== version) misrouted += 1;
    }
    const recommendations = lift.decide(RECOMMENDATIONS_EXPERIMENT_KEY, visitor.attributes);
    const checkout = lift.decide(CHECKOUT_EXPERIMENT_KEY, visitor.attributes);
    // The variant headers istio-sync routes on, so a mesh behind this page sees the same decision.
    res.setHeader(`x-lift-${RECOMMENDATIONS_EXPERIMENT_KEY}`, recommendations.variant ?? '');
    res.setHeader(`x-lift-${CHECKOUT_EXPERIMENT_KEY}`, checkout.variant ?? '');
    res.setHeader('Cache-Control', 'private, no-store');
    res.type('html').send(
      renderProductPage({
        product: LAPTOP,
        recommendations: RECOMMENDED,
        checkoutPlacement: toCheckoutPlacement(checkout.variant),
        recommendationsPlacement: toRecommendationsPlacement(recommendations.variant),
        cartItems: carts.get(visitor.attributes.userId) ?? 0,
        shopVersion: version,
      }),
    );
  });

  app.post('/cart', (req, res) => {
    const visitor = identify(req, res);
    if (isShadow(req)) {
      respond(req, res, 202, { shadow: true });
      return;
    }
    const body = (req.body ?? {}) as { productId?: unknown; quantity?: unknown };
    if (body.productId !== undefined && body.productId !== LAPTOP.id) {
      respond(req, res, 404, { error: `No product "${String(body.productId)}".` });
      return;
    }
    const quantity =
      typeof body.quantity === 'number' && Number.isInteger(body.quantity) && body.quantity > 0
        ? Math.min(body.quantity, MAX_QUANTITY)
        : 1;
    const userId = visitor.attributes.userId;
    const items = Math.min((carts.get(userId) ?? 0) + quantity, MAX_QUANTITY);
    carts.delete(userId);
    carts.set(userId, items);
    if (carts.size > MAX_CARTS) {
      const oldest = carts.keys().next().value;
      if (oldest !== undefined) carts.delete(oldest);
    }
    lift.track(ADD_TO_CART_EVENT, visitor.attributes, toDollars(LAPTOP.priceCents * quantity), {
      productId: LAPTOP.id,
      quantity,
    });
    respond(req, res, 201, { cart: { productId: LAPTOP.id, items } });
  });

  app.post('/checkout', (req, res) => {
    const visitor = identify(req, res);
    if (isShadow(req)) {
      // Never charge or count a purchase twice: the live request does both.
      respond(req, res, 202, { shadow: true });
      return;
    }
    const userId = visitor.attributes.userId;
    const items = carts.get(userId) ?? 0;
    if (items === 0) {
      respond(req, res, 409, { error: 'The cart is empty.' });
      return;
    }
    carts.delete(userId);
    const total = toDollars(LAPTOP.priceCents * items);
    lift.track(PURCHASE_EVENT, visitor.attributes, total, { items, currency: 'USD' });
    respond(req, res, 201, { order: { items, total, currency: 'USD' } });
  });

  return {
    app,
    misrouted: () => misrouted,
    beginShutdown() {
      isShuttingDown = true;
    },
  };
}
