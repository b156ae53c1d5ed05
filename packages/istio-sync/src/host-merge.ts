import { compareText } from './compare-text.js';
import type { InputIssue } from './experiment-input.js';
import { blocksOverlap, toStringMatch, type MatchBlock } from './header-matches.js';
import {
  ISTIO_API_VERSION,
  type DestinationRule,
  type HttpRoute,
  type HttpRouteDestination,
  type StringMatch,
  type Subset,
  type VirtualService,
} from './istio-types.js';
import {
  EXPERIMENTS_ANNOTATION,
  FIELD_MANAGER,
  HOST_ANNOTATION,
  MANAGED_BY_LABEL,
  toDnsLabel,
  toObjectName,
} from './naming.js';
import { PERCENT_IN_BASIS_POINTS, type RoutePlan, type WeightedTarget } from './route-plan.js';

/** The VirtualService and DestinationRule of one host, or the issues that kept them from merging. */
export interface MergedHost {
  readonly virtualService: VirtualService;
  readonly destinationRule: DestinationRule;
}

const MESH_GATEWAY = 'mesh';

function subsetName(plan: RoutePlan, variant: string): string {
  return toDnsLabel(`${plan.experiment.key}-${variant}`);
}

/** Basis points become percentages when every weight allows it, so the common case reads naturally. */
function toRouteDestinations(
  host: string,
  plan: RoutePlan,
  targets: readonly WeightedTarget[],
): HttpRouteDestination[] {
  const live = targets.filter((target) => target.weight > 0);
  if (live.length === 1)
    return [{ destination: { host, subset: subsetName(plan, (live[0] as WeightedTarget).variant) } }];
  const isWholePercent = live.every((target) => target.weight % PERCENT_IN_BASIS_POINTS === 0);
  return live.map((target) => ({
    destination: { host, subset: subsetName(plan, target.variant) },
    weight: isWholePercent ? target.weight / PERCENT_IN_BASIS_POINTS : target.weight,
  }));
}

function toHeaders(block: MatchBlock): { [header: string]: StringMatch } {
  const headers: { [header: string]: StringMatch } = {};
  for (const header of [...block.keys()].sort(compareText))
    headers[header] = toStringMatch(block.get(header) as Parameters<typeof toStringMatch>[0]);
  return headers;
}

/** Where a default route really sends traffic: pod labels and weights, so equal defaults of two experiments merge. */
function defaultSignature(plan: RoutePlan): string {
  const labelsOf = (variant: string) => plan.routing.subsets[variant] ?? {};
  return JSON.stringify({
    route: plan.defaultRoute.targets
      .filter((target) => target.weight > 0)
      .map((target) => [labelsOf(target.variant), target.weight]),
    mirrors: plan.defaultRoute.mirrors.map((mirror) => [labelsOf(mirror.variant), mirror.percent]),
  });
}

interface OrderedMatch {
  readonly plan: RoutePlan;
  readonly block: MatchBlock;
  readonly index: number;
  readonly targets: readonly WeightedTarget[];
}

function issue(plan: RoutePlan, path: string, message: string): InputIssue {
  return { experiment: plan.experiment.key, path, message };
}

function findConflicts(plans: readonly RoutePlan[], host: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const headerOwners = new Map<string, RoutePlan>();
  for (const plan of plans) {
    const header = plan.variantRoutes[0]?.header;
    if (header === undefined) continue;
    const owner = headerOwners.get(header);
    if (owner !== undefined)
      issues.push(
        issue(
          plan,
          'routing.variantHeader',
          `"${header}" is also the variant header of experiment "${owner.experiment.key}" on host ${host}`,
        ),
      );
    else headerOwners.set(header, plan);
  }
  const subsetOwners = new Map<string, string>();
  for (const plan of plans) {
    for (const variant of plan.experiment.variants) {
      const name = subsetName(plan, variant.key);
      const owner = subsetOwners.get(name);
      if (owner !== undefined)
        issues.push(
          issue(
            plan,
            `routing.subsets.${variant.key}`,
            `subset name "${name}" collides with experiment "${owner}" on host ${host}`,
          ),
        );
      else subsetOwners.set(name, plan.experiment.key);
    }
  }
  for (let i = 0; i < plans.length; i += 1) {
    for (let j = i + 1; j < plans.length; j += 1) {
      const a = plans[i] as RoutePlan;
      const b = plans[j] as RoutePlan;
      const overlaps = a.matchRoutes.some((ra) =>
        ra.blocks.some((ba) => b.matchRoutes.some((rb) => rb.blocks.some((bb) => blocksOverlap(ba, bb)))),
      );
      if (overlaps)
        issues.push(
          issue(
            b,
            'targeting',
            `its header matches overlap those of experiment "${a.experiment.key}" on host ${host}: one request could match both`,
          ),
        );
      if (defaultSignature(a) !== defaultSignature(b)) {
        issues.push(
          issue(
            b,
            'routing',
            `its default route (everything not matched) differs from that of experiment "${a.experiment.key}" on host ${host}; one host has one default`,
          ),
        );
      }
    }
  }
  return issues;
}

function sortedRecord(record: { readonly [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(
    Object.keys(record)
      .sort(compareText)
      .map((key) => [key, record[key] as string]),
  );
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort(compareText);
}

/**
 * Merges the plans of every experiment routed to one host into one VirtualService and one
 * DestinationRule, in a deterministic order: variant-header routes, then the most specific
 * matches, the default last. Overlapping matches or different defaults are issues naming both.
 */
export function mergeHost(namespace: string, host: string, unsorted: readonly RoutePlan[]): MergedHost | InputIssue[] {
  const plans = [...unsorted].sort((a, b) => compareText(a.experiment.key, b.experiment.key));
  const first = plans[0];
  if (first === undefined) return [];
  const conflicts = findConflicts(plans, host);
  if (conflicts.length > 0) return conflicts;

  const http: HttpRoute[] = [];
  for (const plan of plans) {
    for (const route of plan.variantRoutes) {
      http.push({
        name: `${plan.experiment.key}-variant-${route.variant}`,
        match: [{ headers: { [route.header]: { exact: route.variant } } }],
        route: toRouteDestinations(host, plan, [{ variant: route.variant, weight: 1 }]),
      });
    }
  }
  const matches: OrderedMatch[] = plans.flatMap((plan) =>
    plan.matchRoutes.flatMap((route) =>
      route.blocks.map((block, index) => ({ plan, block, index, targets: route.targets })),
    ),
  );
  matches.sort(
    (a, b) =>
      b.block.size - a.block.size || compareText(a.plan.experiment.key, b.plan.experiment.key) || a.index - b.index,
  );
  for (const match of matches) {
    http.push({
      name: `${match.plan.experiment.key}-match-${match.index}`,
      match: [{ headers: toHeaders(match.block) }],
      route: toRouteDestinations(host, match.plan, match.targets),
    });
  }
  const mirrors = first.defaultRoute.mirrors.map((mirror) => ({
    destination: { host, subset: subsetName(first, mirror.variant) },
    percentage: { value: mirror.percent },
  }));
  http.push({
    name: 'default',
    route: toRouteDestinations(host, first, first.defaultRoute.targets),
    ...(mirrors.length > 0 ? { mirrors } : {}),
  });

  const gatewayLists = plans.map((plan) => plan.routing.gateways ?? []);
  const hasMeshOnly = gatewayLists.some((list) => list.length === 0);
  const gateways = union(gatewayLists);
  if (gateways.length > 0 && hasMeshOnly && !gateways.includes(MESH_GATEWAY)) gateways.push(MESH_GATEWAY);

  const metadata = {
    name: toObjectName('lift', host),
    namespace,
    labels: { [MANAGED_BY_LABEL]: FIELD_MANAGER },
    annotations: {
      [EXPERIMENTS_ANNOTATION]: plans.map((plan) => `${plan.experiment.key}@${plan.experiment.version}`).join(','),
      [HOST_ANNOTATION]: host,
    },
  };
  const subsets: Subset[] = plans.flatMap((plan) =>
    plan.experiment.variants.map((variant) => ({
      name: subsetName(plan, variant.key),
      labels: sortedRecord(plan.routing.subsets[variant.key] ?? {}),
    })),
  );
  return {
    virtualService: {
      apiVersion: ISTIO_API_VERSION,
      kind: 'VirtualService',
      metadata,
      spec: {
        // As Flagger does: the service host always, plus the routing's extra (e.g. public) hosts.
        hosts: union(plans.map((plan) => [host, ...(plan.routing.hosts ?? [])])),
        ...(gateways.length > 0 ? { gateways } : {}),
        http,
      },
    },
    destinationRule: { apiVersion: ISTIO_API_VERSION, kind: 'DestinationRule', metadata, spec: { host, subsets } },
  };
}
