import type { EvaluationContext, JsonValue, ProviderMetadata, TrackingEventDetails } from '@openfeature/core';
import type { Provider as ServerProvider } from '@openfeature/server-sdk';
import type { Provider as WebProvider } from '@openfeature/web-sdk';
import { createClient, type LiftClient, type LiftClientOptions } from '../client/index.js';
import { DEFAULT_UNIT_ATTRIBUTE } from '../compile-experiment.js';
import {
  pickBoolean,
  pickNumber,
  pickObject,
  pickString,
  resolveFlag,
  trackEvent,
  type ProviderOptions,
  type ValuePicker,
} from './resolve-flag.js';

const DEFAULT_READY_TIMEOUT_MS = 5000;

function isClient(value: LiftClient | LiftClientOptions): value is LiftClient {
  return typeof (value as LiftClient).decide === 'function';
}

/** The base both providers share: one Lift client, one way to resolve and track. */
abstract class LiftProviderBase {
  readonly metadata: ProviderMetadata = { name: 'Lift' };
  readonly client: LiftClient;
  protected readonly unitAttribute: string;
  readonly #readyTimeoutMs: number;

  constructor(client: LiftClient | LiftClientOptions, options: ProviderOptions = {}) {
    this.client = isClient(client) ? client : createClient(client);
    this.unitAttribute = options.unitAttribute ?? DEFAULT_UNIT_ATTRIBUTE;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  }

  async initialize(): Promise<void> {
    if (!(await this.client.ready({ timeoutMs: this.#readyTimeoutMs })))
      throw new Error('Lift had no config within the ready timeout.');
  }

  async onClose(): Promise<void> {
    await this.client.close();
  }

  track(trackingEventName: string, context: EvaluationContext, trackingEventDetails: TrackingEventDetails): void {
    trackEvent(this.client, trackingEventName, context, trackingEventDetails, this.unitAttribute);
  }
}

/**
 * An OpenFeature provider for servers (`@openfeature/server-sdk`): each flag is a Lift
 * experiment; a string evaluation answers the variant key, an object evaluation its payload.
 *
 * @example
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { LiftProvider } from '@lift/sdk/openfeature';
 * await OpenFeature.setProviderAndWait(new LiftProvider({ serverUrl, sdkKey }));
 * const variant = await OpenFeature.getClient().getStringValue('checkout-button', 'control', { targetingKey: 'u-42' });
 */
export class LiftProvider extends LiftProviderBase implements ServerProvider {
  readonly runsOn = 'server';

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickBoolean);
  }

  async resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickString);
  }

  async resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickNumber);
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickObject as ValuePicker<T>);
  }
}

/**
 * An OpenFeature provider for browsers (`@openfeature/web-sdk`): evaluations are synchronous,
 * from the config the Lift client keeps fresh.
 *
 * @example
 * import { OpenFeature } from '@openfeature/web-sdk';
 * import { LiftWebProvider } from '@lift/sdk/openfeature';
 * await OpenFeature.setContext({ targetingKey: visitorId, platform: 'iOS' });
 * await OpenFeature.setProviderAndWait(new LiftWebProvider({ serverUrl, sdkKey }));
 * OpenFeature.getClient().getStringValue('checkout-button', 'control');
 */
export class LiftWebProvider extends LiftProviderBase implements WebProvider {
  readonly runsOn = 'client';

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickBoolean);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickString);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickNumber);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext) {
    return resolveFlag(this.client, flagKey, defaultValue, context, this.unitAttribute, pickObject as ValuePicker<T>);
  }
}
