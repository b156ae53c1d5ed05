export { createClient } from './create-client.js';
export { createEventId } from './event-id.js';
export type { LiftClient, LiftClientOptions } from './lift-client.js';
export { LiftError, type LiftErrorCode } from './lift-error.js';
export { createLocalStorageStickyStore, createMemoryStickyStore, type StickyStore } from './sticky-store.js';
export type { ConversionEvent, ExposureEvent, LiftEvent } from './events.js';
export type { FetchLike, ResponseLike } from './platform.js';
export type { RefreshMode } from './config-loader.js';
export type { OpenTelemetryApi } from './telemetry.js';
