export { hash } from './hash.js';
export { bucket, BUCKET_COUNT, BUCKETING_VERSION } from './bucket.js';
export {
  compileCondition,
  evaluateCondition,
  findConditionIssues,
  type CompiledCondition,
  type ConditionIssue,
} from './condition/index.js';
export { DEFAULT_UNIT_ATTRIBUTE } from './compile-experiment.js';
export { applySticky, decide, isStickyOverridable, readUnit } from './decide.js';
export {
  createClient,
  createEventId,
  createLocalStorageStickyStore,
  createMemoryStickyStore,
  LiftError,
  type ConversionEvent,
  type ExposureEvent,
  type FetchLike,
  type LiftClient,
  type LiftClientOptions,
  type LiftErrorCode,
  type LiftEvent,
  type OpenTelemetryApi,
  type RefreshMode,
  type ResponseLike,
  type StickyStore,
} from './client/index.js';
export type {
  AttributeValue,
  Attributes,
  Condition,
  ConfigSnapshot,
  Decision,
  ExperimentDefinition,
  ExperimentStatus,
  LayerDefinition,
  Reason,
  SavedGroups,
  VariantDefinition,
} from './types.js';
