/**
 * @lift/istio-sync: Lift experiments become Istio routes. Read experiments, render and validate
 * their resources, diff and apply them to a cluster, gate rollouts on Lift's scorecard, or run the
 * `lift-istio` CLI in-process. Everything else is internal.
 */

// Render: experiments (the server's REST shape) -> Istio resources, and YAML for kubectl.
export { readExperiments, RoutingError, type RoutedExperiment } from './experiment-input.js';
export { renderResources, type RenderOptions } from './render.js';
export type { IstioResource } from './istio-types.js';
export { toYamlDocuments } from './yaml-documents.js';

// Validate: CRD schemas, istiod's webhook rules and the CRDs' CEL rules.
export { ResourceValidator, formatValidationIssue, type ValidationIssue } from './validate.js';
export { renderValidated, InvalidResourcesError } from './sync.js';

// Diff, apply, prune: one reconcile pass against a cluster (diff only unless `isApplying`).
export { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile.js';
export type { ResourceDiff } from './diff.js';
export { KubernetesCluster, type Cluster } from './cluster.js';

// Gate: promote, roll back or hold on Lift's scorecard.
export { decideGate, type GateDecision, type GateOptions } from './gate.js';
export type { Scorecard } from './scorecard-input.js';

// The lift-istio CLI.
export { runCli } from './cli-commands.js';
export { nodeIo, type CliIo } from './cli-io.js';
