/**
 * Which events count, defined once: every rule the fold applies, and every limit elsewhere that
 * must agree with it, reads these.
 */

/** Hours after a unit's first exposure in which its conversions count, unless the experiment sets its own. */
export const DEFAULT_CONVERSION_WINDOW_HOURS = 168;

/**
 * How far ahead of the server's clock an event may be stamped. Ingest refuses events later than
 * this; the fold relies on it: a conversion stamped at or after an exposure was received at most
 * this long before the exposure's timestamp.
 */
export const CLOCK_SKEW_MINUTES = 5;
export const CLOCK_SKEW_MS = CLOCK_SKEW_MINUTES * 60_000;
