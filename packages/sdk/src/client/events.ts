/** An exposure: the unit saw this variant (logged once per unit and variant). */
export interface ExposureEvent {
  readonly id: string;
  readonly type: 'exposure';
  readonly experiment: string;
  readonly variant: string;
  readonly unit: string;
  /** RFC 3339. */
  readonly timestamp: string;
}

/** A conversion or metric event: the unit did something worth counting. */
export interface ConversionEvent {
  readonly id: string;
  readonly type: 'conversion';
  readonly name: string;
  readonly unit: string;
  readonly value?: number;
  readonly properties?: { readonly [key: string]: unknown };
  /** RFC 3339. */
  readonly timestamp: string;
}

/** What the client sends in batches to `POST /v1/events`. */
export type LiftEvent = ExposureEvent | ConversionEvent;
