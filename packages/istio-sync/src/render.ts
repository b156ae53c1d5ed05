import { compareText } from './compare-text.js';
import { RoutingError, type InputIssue, type RoutedExperiment, type Routing } from './experiment-input.js';
import {
  DEFAULT_EDGE_OPTIONS,
  isEdgeBucketed,
  renderEdgeFilter,
  toEdgeExperiment,
  type EdgeOptions,
} from './edge-filter.js';
import { UnroutableConditionError } from './header-matches.js';
import { mergeHost } from './host-merge.js';
import type { IstioResource } from './istio-types.js';
import type { EdgeExperiment } from './lua-source.js';
import { pausedPlan, type RoutePlan } from './route-plan.js';
import { planAb } from './routes-ab.js';
import { planBlueGreen } from './routes-blue-green.js';
import { planCanary } from './routes-canary.js';
import { planMirror } from './routes-mirror.js';

export interface RenderOptions {
  /** Where the ingress gateway's edge-bucketing EnvoyFilter goes. */
  readonly edge?: EdgeOptions;
}

/** Experiments whose routes exist in the mesh: running or paused ones (a paused one routes everything to its control). */
export function isRouted(experiment: RoutedExperiment): experiment is RoutedExperiment & { readonly routing: Routing } {
  return experiment.routing !== null && (experiment.status === 'running' || experiment.status === 'paused');
}

function planOf(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  if (routing.mode === 'blue-green') return planBlueGreen(experiment, routing);
  if (experiment.status !== 'running') return pausedPlan(experiment, routing);
  switch (routing.mode) {
    case 'ab':
      return planAb(experiment, routing);
    case 'canary':
      return planCanary(experiment, routing);
    case 'mirror':
      return planMirror(experiment, routing);
  }
}

const KIND_ORDER: { readonly [kind in IstioResource['kind']]: number } = {
  DestinationRule: 0,
  VirtualService: 1,
  EnvoyFilter: 2,
};

function compareResources(a: IstioResource, b: IstioResource): number {
  const byKind = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (byKind !== 0) return byKind;
  return compareText(`${a.metadata.namespace}/${a.metadata.name}`, `${b.metadata.namespace}/${b.metadata.name}`);
}

/**
 * Experiments -> the Istio resources that route them: per host a VirtualService and a
 * DestinationRule, plus one EnvoyFilter for edge bucketing when any experiment asks for it.
 * Pure and deterministic. Throws {@link RoutingError} naming every experiment and field that
 * cannot be routed.
 *
 * @example
 * const resources = renderResources(readExperiments(JSON.parse(text)));
 */
export function renderResources(
  experiments: readonly RoutedExperiment[],
  options: RenderOptions = {},
): IstioResource[] {
  const issues: InputIssue[] = [];
  const hosts = new Map<string, { namespace: string; host: string; plans: RoutePlan[] }>();
  const edge: EdgeExperiment[] = [];
  const edgeVersions: string[] = [];
  const routed = experiments.filter(isRouted).sort((a, b) => compareText(a.key, b.key));
  for (const experiment of routed) {
    const routing = experiment.routing;
    try {
      const plan = planOf(experiment, routing);
      const groupKey = `${routing.namespace}\u0000${routing.host}`;
      const group = hosts.get(groupKey) ?? { namespace: routing.namespace, host: routing.host, plans: [] };
      group.plans.push(plan);
      hosts.set(groupKey, group);
    } catch (error) {
      if (!(error instanceof UnroutableConditionError)) throw error;
      issues.push(error.toIssue(experiment.key));
      continue;
    }
    if (isEdgeBucketed(experiment, routing)) {
      const edgeExperiment = toEdgeExperiment(experiment, routing);
      if (Array.isArray(edgeExperiment)) issues.push(...edgeExperiment);
      else {
        edge.push(edgeExperiment);
        edgeVersions.push(`${experiment.key}@${experiment.version}`);
      }
    }
  }
  const resources: IstioResource[] = [];
  for (const group of hosts.values()) {
    const merged = mergeHost(group.namespace, group.host, group.plans);
    if (Array.isArray(merged)) issues.push(...merged);
    else resources.push(merged.destinationRule, merged.virtualService);
  }
  if (edge.length > 0) resources.push(renderEdgeFilter(edge, edgeVersions, options.edge ?? DEFAULT_EDGE_OPTIONS));
  if (issues.length > 0) throw new RoutingError(issues);
  return resources.sort(compareResources);
}
