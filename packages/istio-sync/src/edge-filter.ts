import type { InputIssue, RoutedExperiment, Routing } from './experiment-input.js';
import { toMatchBlocks, UnroutableConditionError } from './header-matches.js';
import { ENVOY_FILTER_API_VERSION, type EnvoyFilter } from './istio-types.js';
import { renderLuaSource, type EdgeExperiment } from './lua-source.js';
import { EXPERIMENTS_ANNOTATION, FIELD_MANAGER, MANAGED_BY_LABEL } from './naming.js';
import { canaryCoverage } from './routes-canary.js';
import { variantHeaderOf } from './route-plan.js';

/** Where the ingress gateway runs; the EnvoyFilter goes there. */
export interface EdgeOptions {
  readonly namespace: string;
  readonly workloadLabels: { readonly [label: string]: string };
  readonly name: string;
}

export const DEFAULT_EDGE_OPTIONS: EdgeOptions = {
  namespace: 'istio-system',
  workloadLabels: { istio: 'ingressgateway' },
  name: 'lift-edge-bucketing',
};

const COOKIE_PREFIX = 'cookie:';
const LUA_FILTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua';

/**
 * Whether the edge filter decides this experiment: it is running, splits users (ab or canary not
 * yet promoted) and `routing.headers` says where its unit id travels.
 */
export function isEdgeBucketed(experiment: RoutedExperiment, routing: Routing): boolean {
  const isSplitting = routing.mode === 'ab' || (routing.mode === 'canary' && routing.active === undefined);
  return experiment.status === 'running' && isSplitting && routing.headers?.[experiment.unitAttribute] !== undefined;
}

/** The Lua filter's view of one experiment, or issues when its targeting cannot run in Lua. */
export function toEdgeExperiment(experiment: RoutedExperiment, routing: Routing): EdgeExperiment | InputIssue[] {
  const source = routing.headers?.[experiment.unitAttribute] ?? '';
  const targetingHeaders = Object.fromEntries(
    Object.entries(routing.headers ?? {}).filter(([attribute]) => attribute !== experiment.unitAttribute),
  );
  try {
    const targeting = toMatchBlocks(experiment.targeting, targetingHeaders);
    for (const block of targeting) {
      for (const [header, test] of block) {
        if (test.kind === 'regex') {
          return [
            {
              experiment: experiment.key,
              path: 'targeting',
              message: `the edge filter cannot evaluate $regex (header ${header}); drop the unit header from routing.headers to route per request`,
            },
          ];
        }
      }
    }
    return {
      key: experiment.key,
      variantHeader: variantHeaderOf(experiment, routing),
      unit: source.startsWith(COOKIE_PREFIX)
        ? { cookie: source.slice(COOKIE_PREFIX.length) }
        : { header: source.toLowerCase() },
      salt: experiment.salt ?? experiment.key,
      coverage: routing.mode === 'canary' ? canaryCoverage(experiment, routing) : experiment.coverage,
      variants: experiment.variants,
      layer: experiment.layer,
      overrides: experiment.overrides,
      targeting,
    };
  } catch (error) {
    if (error instanceof UnroutableConditionError) return [error.toIssue(experiment.key)];
    throw error;
  }
}

/**
 * The EnvoyFilter that inserts the Lua bucketing filter into the ingress gateway, before the
 * router, so every request carries each experiment's variant header as the SDK would decide it.
 */
export function renderEdgeFilter(
  experiments: readonly EdgeExperiment[],
  versions: readonly string[],
  options: EdgeOptions = DEFAULT_EDGE_OPTIONS,
): EnvoyFilter {
  return {
    apiVersion: ENVOY_FILTER_API_VERSION,
    kind: 'EnvoyFilter',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { [MANAGED_BY_LABEL]: FIELD_MANAGER },
      annotations: { [EXPERIMENTS_ANNOTATION]: versions.join(',') },
    },
    spec: {
      workloadSelector: { labels: { ...options.workloadLabels } },
      configPatches: [
        {
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'GATEWAY',
            listener: {
              filterChain: {
                filter: {
                  name: 'envoy.filters.network.http_connection_manager',
                  subFilter: { name: 'envoy.filters.http.router' },
                },
              },
            },
          },
          patch: {
            operation: 'INSERT_BEFORE',
            value: {
              name: 'lift.edge_bucketing',
              typed_config: {
                '@type': LUA_FILTER_TYPE,
                default_source_code: { inline_string: renderLuaSource(experiments) },
              },
            },
          },
        },
      ],
    },
  };
}
