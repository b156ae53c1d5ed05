/**
 * The shop's two experiments, as `POST /v1/experiments` bodies. The shop only needs the keys and
 * the variant keys; the demo (and a product owner with curl) creates them from these bodies.
 */

export const RECOMMENDATIONS_EXPERIMENT_KEY = 'recommendations-placement';
export const CHECKOUT_EXPERIMENT_KEY = 'checkout-button';

/** Where the recommendations box goes: under the product (control) or in a sidebar beside it. */
export type RecommendationsPlacement = 'below' | 'sidebar';
/** Where the check-out button goes: at the bottom of the page (control) or moved up beside Add to Cart. */
export type CheckoutPlacement = 'bottom' | 'top';

export const ADD_TO_CART_EVENT = 'add-to-cart';
export const PURCHASE_EVENT = 'purchase';

const HALF = 5000;

export const recommendationsExperiment = {
  key: RECOMMENDATIONS_EXPERIMENT_KEY,
  name: 'Recommendations placement',
  hypothesis: 'Showing recommendations in a sidebar beside the laptop raises add-to-cart.',
  owner: 'product@acme.example',
  variants: [
    { key: 'below', weight: HALF, description: 'Recommendations under the product (today).' },
    { key: 'sidebar', weight: HALF, description: 'Recommendations in a sidebar beside the product.' },
  ],
  metrics: { primary: ADD_TO_CART_EVENT, guardrails: [PURCHASE_EVENT], conversionWindowHours: 24 },
} as const;

export const checkoutExperiment = {
  key: CHECKOUT_EXPERIMENT_KEY,
  name: 'Check-out button placement',
  hypothesis: 'Moving the check-out button up beside Add to Cart raises conversions for iOS users in North Carolina.',
  owner: 'product@acme.example',
  variants: [
    { key: 'control', weight: HALF, description: 'Check-out button at the bottom of the page.' },
    { key: 'moved', weight: HALF, description: 'Check-out button moved up beside Add to Cart.' },
  ],
  targeting: { platform: 'iOS', region: 'NC' },
  metrics: { primary: PURCHASE_EVENT, guardrails: [ADD_TO_CART_EVENT], conversionWindowHours: 24 },
} as const;

/** Both, in the order the demo creates them. */
export const SHOP_EXPERIMENTS = [recommendationsExperiment, checkoutExperiment] as const;

/** A variant key as a placement; anything else (not in the experiment, not ready) is the control's. */
export function toRecommendationsPlacement(variant: string | null): RecommendationsPlacement {
  return variant === 'sidebar' ? 'sidebar' : 'below';
}

export function toCheckoutPlacement(variant: string | null): CheckoutPlacement {
  return variant === 'moved' ? 'top' : 'bottom';
}
