import { formatPrice, type Product } from './catalog.js';
import type { CheckoutPlacement, RecommendationsPlacement } from './experiments.js';

export interface ProductPageModel {
  readonly product: Product;
  readonly recommendations: readonly Product[];
  readonly checkoutPlacement: CheckoutPlacement;
  readonly recommendationsPlacement: RecommendationsPlacement;
  readonly cartItems: number;
  readonly shopVersion: string;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function checkoutButton(cartItems: number): string {
  return `<form method="post" action="/checkout" class="checkout"><button id="checkout" type="submit">Check out (${cartItems} in cart)</button></form>`;
}

function recommendationsBox(products: readonly Product[], placement: RecommendationsPlacement): string {
  const items = products
    .map(
      (product) =>
        `<li data-product="${escapeHtml(product.id)}">${escapeHtml(product.name)} — ${formatPrice(product.priceCents)}</li>`,
    )
    .join('');
  return `<aside id="recommendations" class="recommendations ${placement}"><h2>Recommendations</h2><ul>${items}</ul></aside>`;
}

/**
 * The laptop's product page. The `data-checkout` and `data-recommendations` attributes on `<body>`
 * say which placement was rendered, so tests and the demo's simulated users read it like a person
 * would see it, without knowing Lift's decision.
 */
export function renderProductPage(model: ProductPageModel): string {
  const { product, checkoutPlacement, recommendationsPlacement } = model;
  const checkout = checkoutButton(model.cartItems);
  const recommendations = recommendationsBox(model.recommendations, recommendationsPlacement);
  const main = [
    `<section id="product"><h1>${escapeHtml(product.name)}</h1>`,
    `<p class="price">${formatPrice(product.priceCents)}</p><p>${escapeHtml(product.description)}</p>`,
    `<form method="post" action="/cart"><input type="hidden" name="productId" value="${escapeHtml(product.id)}"><button id="add-to-cart" type="submit">Add to Cart</button></form>`,
    checkoutPlacement === 'top' ? checkout : '',
    '</section>',
    recommendationsPlacement === 'below' ? recommendations : '',
    checkoutPlacement === 'bottom' ? checkout : '',
  ].join('\n');
  const layout =
    recommendationsPlacement === 'sidebar'
      ? `<div class="with-sidebar"><main>${main}</main>${recommendations}</div>`
      : `<main>${main}</main>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(product.name)} — ACME</title>`,
    '<style>.with-sidebar{display:flex;gap:2rem}.recommendations.sidebar{width:16rem}.checkout button{font-weight:bold}</style></head>',
    `<body data-checkout="${checkoutPlacement}" data-recommendations="${recommendationsPlacement}" data-shop-version="${escapeHtml(model.shopVersion)}">`,
    layout,
    `<footer>ACME shop ${escapeHtml(model.shopVersion)}</footer>`,
    '</body></html>',
  ].join('\n');
}

/** Reads back the placements a page was rendered with (what a visitor sees). */
export function readPlacements(html: string): { checkout: string | undefined; recommendations: string | undefined } {
  return {
    checkout: /<body[^>]*\sdata-checkout="([a-z-]+)"/.exec(html)?.[1],
    recommendations: /<body[^>]*\sdata-recommendations="([a-z-]+)"/.exec(html)?.[1],
  };
}
