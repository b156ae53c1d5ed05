export { hash } from './hash.js';
export { bucket, BUCKET_COUNT, BUCKETING_VERSION } from './bucket.js';
export {
  compileCondition,
  evaluateCondition,
  findConditionIssues,
  type CompiledCondition,
  type ConditionIssue,
} from './condition/index.js';
export { decide } from './decide.js';
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
