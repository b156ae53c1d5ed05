import { openEventSourceConfigStream } from './event-source-config-stream.js';
import { createClientWith, type LiftClient, type LiftClientOptions } from './lift-client.js';

/**
 * Creates a client that keeps experiments fresh from a Lift server, decides in-process, and
 * reports exposures and conversions in batches. Never throws; problems go to `onError`. This is
 * the browser build: the config stream is the browser's EventSource, with the SDK key in its URL.
 *
 * @example
 * import { createClient } from '@lift/sdk';
 * const lift = createClient({ serverUrl: 'https://lift.example.com', sdkKey: process.env.LIFT_SDK_KEY });
 * await lift.ready({ timeoutMs: 2000 });
 * const { variant } = lift.decide('checkout-button', { userId: 'u-42', platform: 'iOS', region: 'NC' });
 * lift.track('purchase', { userId: 'u-42' }, 129.99);
 */
export function createClient(options: LiftClientOptions = {}): LiftClient {
  return createClientWith(options, openEventSourceConfigStream);
}
