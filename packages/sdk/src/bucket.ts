import { hash, hashFrom, type HashState } from './hash.js';

/** Buckets per unit of traffic: weights, coverage and layer ranges are basis points. */
export const BUCKET_COUNT = 10_000;

/** The version of the bucketing spec these functions implement; a shipped version never changes. */
export const BUCKETING_VERSION = 1;

/**
 * The bucket of `input`: `hash(input) mod 10000`, an integer in 0..9999 (basis points).
 *
 * @example
 * bucket('checkout-button:user-1'); // the unit's allocation bucket in that experiment
 */
export function bucket(input: string): number {
  return hash(input) % BUCKET_COUNT;
}

/**
 * The bucket of the prefix captured in `state` followed by `suffix`, without concatenating.
 *
 * @example
 * bucketFrom(hashState('checkout-button:'), 'user-1') === bucket('checkout-button:user-1'); // true
 */
export function bucketFrom(state: HashState, suffix: string): number {
  return hashFrom(state, suffix) % BUCKET_COUNT;
}
