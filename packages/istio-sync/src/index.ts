export {
  readExperiments,
  RoutingError,
  formatIssue,
  ROUTING_MODES,
  type RoutedExperiment,
  type Routing,
  type RoutingMode,
  type InputIssue,
} from './experiment-input.js';
export { renderResources, isRouted, type RenderOptions } from './render.js';
export {
  toMatchBlocks,
  toStringMatch,
  isRe2,
  quoteRe2,
  UnroutableConditionError,
  type MatchBlock,
  type MatchBlocks,
  type HeaderTest,
} from './header-matches.js';
export { mergeHost, type MergedHost } from './host-merge.js';
export {
  renderEdgeFilter,
  toEdgeExperiment,
  isEdgeBucketed,
  DEFAULT_EDGE_OPTIONS,
  type EdgeOptions,
} from './edge-filter.js';
export { renderLuaSource, luaString, type EdgeExperiment } from './lua-source.js';
export { ResourceValidator, formatValidationIssue, type ValidationIssue } from './validate.js';
export { loadCrdSchemas, defaultSchemaDir, type CrdSchema } from './crd-schemas.js';
export {
  diffResource,
  formatDiff,
  resourceKey,
  type LiveObject,
  type ResourceDiff,
  type FieldDifference,
} from './diff.js';
export { KubernetesCluster, ClusterError, type Cluster, type ResourceRef, type WriteOptions } from './cluster.js';
export {
  reconcile,
  hasChanges,
  OWNED_KINDS,
  type ReconcileOptions,
  type ReconcileReport,
  type PruneCandidate,
} from './reconcile.js';
export { renderValidated, syncOnce, InvalidResourcesError } from './sync.js';
export {
  LiftApiClient,
  LiftApiError,
  type ExperimentResults,
  type VariantResults,
  type LiftApiClientOptions,
} from './lift-api-client.js';
export { decideGate, type GateDecision, type GateOptions, type Figures } from './gate.js';
export { promotion, rollback, changeFor, type RolloutChange } from './rollout.js';
export { runAutoRollout, type AutoRolloutOptions, type PromotionClock } from './auto-rollout.js';
export { watch, type WatchOptions } from './watch.js';
export { runCli } from './cli-commands.js';
export { nodeIo, type CliIo } from './cli-io.js';
export { toYamlDocuments, parseYamlDocuments } from './yaml-documents.js';
export {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_SELECTOR,
  EXPERIMENTS_ANNOTATION,
  HOST_ANNOTATION,
} from './naming.js';
export type { IstioResource, VirtualService, DestinationRule, EnvoyFilter, HttpRoute } from './istio-types.js';
