/** The one product of the talk's shop, and what the recommendations box offers beside it. */
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
  readonly description: string;
}

export const LAPTOP: Product = {
  id: 'acme-laptop',
  name: 'ACME Laptop 128GB SSD, 8GB RAM',
  priceCents: 89_900,
  description: '13.3" display, 10-hour battery, 1.2 kg. Ships in two days.',
};

export const RECOMMENDED: readonly Product[] = [
  { id: 'acme-sleeve', name: 'ACME Laptop Sleeve 13"', priceCents: 2_900, description: 'Padded neoprene.' },
  { id: 'acme-mouse', name: 'ACME Wireless Mouse', priceCents: 1_900, description: 'Two-year battery.' },
  {
    id: 'acme-usb-c-hub',
    name: 'ACME USB-C Hub, 7 ports',
    priceCents: 4_900,
    description: 'HDMI 4K, SD card, 100 W pass-through.',
  },
];

const CENTS_PER_DOLLAR = 100;

/** `89900` -> `"$899.00"`. */
export function formatPrice(cents: number): string {
  return `$${(cents / CENTS_PER_DOLLAR).toFixed(2)}`;
}

/** Cents to the currency unit Lift's conversion values are in (dollars). */
export function toDollars(cents: number): number {
  return cents / CENTS_PER_DOLLAR;
}
