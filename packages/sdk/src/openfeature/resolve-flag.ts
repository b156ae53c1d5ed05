import type {
  ErrorCode,
  EvaluationContext,
  JsonValue,
  ResolutionDetails,
  TrackingEventDetails,
} from '@openfeature/core';
import type { LiftClient } from '../client/index.js';
import type { Attributes, AttributeValue, Decision, Reason } from '../types.js';

/** OpenFeature's standard reasons for each of Lift's decision reasons. */
const REASONS: { readonly [R in Reason]: string } = {
  assigned: 'SPLIT',
  sticky: 'SPLIT',
  override: 'TARGETING_MATCH',
  'not-running': 'DISABLED',
  'missing-unit': 'DEFAULT',
  targeting: 'DEFAULT',
  layer: 'DEFAULT',
  traffic: 'DEFAULT',
  'not-ready': 'ERROR',
  error: 'ERROR',
};

// ErrorCode is a runtime enum of @openfeature/core; its string values are the stable contract.
const errorCode = (code: 'PROVIDER_NOT_READY' | 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH' | 'GENERAL'): ErrorCode =>
  code as unknown as ErrorCode;

export interface ProviderOptions {
  /** The attribute OpenFeature's `targetingKey` fills when the context lacks it (default `userId`). */
  readonly unitAttribute?: string;
  /** How long `initialize` waits for the first config (default 5000 ms). */
  readonly readyTimeoutMs?: number;
}

function toAttributeValue(value: unknown): AttributeValue {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toAttributeValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, AttributeValue> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toAttributeValue(inner);
    return out;
  }
  return value as AttributeValue;
}

/** OpenFeature's evaluation context as Lift attributes: dates as RFC 3339, targetingKey as the unit. */
export function toAttributes(context: EvaluationContext, unitAttribute: string): Attributes {
  const attributes = toAttributeValue(context) as Record<string, AttributeValue>;
  const { targetingKey } = context;
  if (targetingKey !== undefined && attributes[unitAttribute] === undefined) attributes[unitAttribute] = targetingKey;
  return attributes;
}

/** Picks the flag value out of a decision; `undefined` when the decision carries no value of that type. */
export type ValuePicker<T> = (decision: Decision) => T | undefined;

export const pickString: ValuePicker<string> = (decision) => decision.variant ?? undefined;
export const pickBoolean: ValuePicker<boolean> = (decision) =>
  typeof decision.payload === 'boolean' ? decision.payload : undefined;
export const pickNumber: ValuePicker<number> = (decision) =>
  typeof decision.payload === 'number' ? decision.payload : undefined;
export const pickObject: ValuePicker<JsonValue> = (decision) =>
  decision.payload !== null && typeof decision.payload === 'object' ? (decision.payload as JsonValue) : undefined;

/** Resolves one flag (a Lift experiment) to OpenFeature's resolution details. Never throws. */
export function resolveFlag<T>(
  client: LiftClient,
  flagKey: string,
  defaultValue: T,
  context: EvaluationContext,
  unitAttribute: string,
  pick: ValuePicker<T>,
): ResolutionDetails<T> {
  const decision = client.decide(flagKey, toAttributes(context, unitAttribute));
  if (decision.reason === 'not-ready') {
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: errorCode('PROVIDER_NOT_READY'),
      errorMessage: 'Lift has no config yet.',
    };
  }
  if (decision.reason === 'error') {
    const isUnknown = decision.variant === null;
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: errorCode(isUnknown ? 'FLAG_NOT_FOUND' : 'GENERAL'),
      errorMessage: isUnknown ? `No Lift experiment ${flagKey}.` : `Lift could not decide ${flagKey}; see onError.`,
    };
  }
  const value = pick(decision);
  const flagMetadata = {
    inExperiment: decision.inExperiment,
    liftReason: decision.reason,
    ...(decision.bucket === null ? {} : { bucket: decision.bucket }),
  };
  if (value === undefined) {
    // The variant carries no value of the requested type (no payload, or a payload of another type).
    const isMismatch = decision.payload !== null;
    return {
      value: defaultValue,
      ...(decision.variant === null ? {} : { variant: decision.variant }),
      reason: isMismatch ? 'ERROR' : (REASONS[decision.reason] ?? 'UNKNOWN'),
      ...(isMismatch
        ? {
            errorCode: errorCode('TYPE_MISMATCH'),
            errorMessage: `The payload of ${flagKey}/${decision.variant} is a ${typeof decision.payload}.`,
          }
        : {}),
      flagMetadata,
    };
  }
  return {
    value,
    ...(decision.variant === null ? {} : { variant: decision.variant }),
    reason: REASONS[decision.reason] ?? 'UNKNOWN',
    flagMetadata,
  };
}

/** OpenFeature `track` as a Lift conversion: `details.value` is the value, the rest its properties. */
export function trackEvent(
  client: LiftClient,
  eventName: string,
  context: EvaluationContext,
  details: TrackingEventDetails | undefined,
  unitAttribute: string,
): void {
  const { value, ...properties } = details ?? {};
  client.track(
    eventName,
    toAttributes(context, unitAttribute),
    value,
    Object.keys(properties).length === 0 ? undefined : properties,
  );
}
