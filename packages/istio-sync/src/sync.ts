import type { Cluster } from './cluster.js';
import { readExperiments, type RoutedExperiment } from './experiment-input.js';
import type { IstioResource } from './istio-types.js';
import { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile.js';
import { renderResources, type RenderOptions } from './render.js';
import { formatValidationIssue, type ResourceValidator } from './validate.js';

/** Thrown when rendered resources fail validation: nothing is written. */
export class InvalidResourcesError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(`generated resources fail validation:\n${lines.join('\n')}`);
    this.name = 'InvalidResourcesError';
  }
}

/** Renders and validates; throws RoutingError or InvalidResourcesError before anything reaches a cluster. */
export function renderValidated(
  experiments: readonly RoutedExperiment[],
  validator: ResourceValidator,
  options: RenderOptions = {},
): IstioResource[] {
  const resources = renderResources(experiments, options);
  const errors = validator.validate(resources).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw new InvalidResourcesError(errors.map(formatValidationIssue));
  return resources;
}

export interface SyncOptions extends ReconcileOptions {
  readonly render?: RenderOptions;
}

/** Experiments (in the REST shape) -> validated resources -> one reconcile pass. */
export async function syncOnce(
  document: unknown,
  cluster: Cluster,
  validator: ResourceValidator,
  options: SyncOptions = {},
): Promise<ReconcileReport> {
  const resources = renderValidated(readExperiments(document), validator, options.render);
  return reconcile(resources, cluster, options);
}
