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
