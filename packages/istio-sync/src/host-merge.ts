import { compareText } from './compare-text.js';
import type { InputIssue } from './experiment-input.js';
import { blocksOverlap, toStringMatch, type MatchBlock } from './header-matches.js';
import {
  ISTIO_API_VERSION,
  type DestinationRule,
  type HttpRoute,
  type HttpRouteDestination,
  type ObjectMeta,
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

/** A name one plan uses on the host (a variant header, a subset name), and where it comes from. */
interface NameClaim {
  readonly name: string;
  readonly plan: RoutePlan;
  readonly path: string;
}

/** Names claimed twice: the first claim keeps the name, every later one is an issue. */
function doubleClaims(
  claims: readonly NameClaim[],
  describe: (claim: NameClaim, owner: RoutePlan) => string,
): InputIssue[] {
  const issues: InputIssue[] = [];
  const owners = new Map<string, RoutePlan>();
  for (const claim of claims) {
    const owner = owners.get(claim.name);
    if (owner !== undefined) issues.push(issue(claim.plan, claim.path, describe(claim, owner)));
    else owners.set(claim.name, claim.plan);
  }
  return issues;
}

/** Two experiments on one host must not share a variant header. */
function variantHeaderConflicts(plans: readonly RoutePlan[], host: string): InputIssue[] {
  const claims = plans.flatMap((plan) => {
    const header = plan.variantRoutes[0]?.header;
    return header === undefined ? [] : [{ name: header, plan, path: 'routing.variantHeader' }];
  });
  return doubleClaims(
    claims,
    (claim, owner) =>
      `"${claim.name}" is also the variant header of experiment "${owner.experiment.key}" on host ${host}`,
  );
}

/** One DestinationRule holds every experiment's subsets, so their names must differ. */
function subsetNameConflicts(plans: readonly RoutePlan[], host: string): InputIssue[] {
  const claims = plans.flatMap((plan) =>
    plan.experiment.variants.map((variant) => ({
      name: subsetName(plan, variant.key),
      plan,
      path: `routing.subsets.${variant.key}`,
    })),
  );
  return doubleClaims(
    claims,
    (claim, owner) => `subset name "${claim.name}" collides with experiment "${owner.experiment.key}" on host ${host}`,
  );
}

/** A request may match one experiment's headers only, and everything else has one place to go. */
function routeConflicts(plans: readonly RoutePlan[], host: string): InputIssue[] {
  const issues: InputIssue[] = [];
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

function findConflicts(plans: readonly RoutePlan[], host: string): InputIssue[] {
  return [...variantHeaderConflicts(plans, host), ...subsetNameConflicts(plans, host), ...routeConflicts(plans, host)];
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

/** The variant-header routes of every plan, by experiment key. */
function variantHeaderHttpRoutes(plans: readonly RoutePlan[], host: string): HttpRoute[] {
  return plans.flatMap((plan) =>
    plan.variantRoutes.map((route) => ({
      name: `${plan.experiment.key}-variant-${route.variant}`,
      match: [{ headers: { [route.header]: { exact: route.variant } } }],
      route: toRouteDestinations(host, plan, [{ variant: route.variant, weight: 1 }]),
    })),
  );
}

/** One route per match block, most specific (most headers) first, then by experiment key and position. */
function matchHttpRoutes(plans: readonly RoutePlan[], host: string): HttpRoute[] {
  const matches: OrderedMatch[] = plans.flatMap((plan) =>
    plan.matchRoutes.flatMap((route) =>
      route.blocks.map((block, index) => ({ plan, block, index, targets: route.targets })),
    ),
  );
  matches.sort(
    (a, b) =>
      b.block.size - a.block.size || compareText(a.plan.experiment.key, b.plan.experiment.key) || a.index - b.index,
  );
  return matches.map((match) => ({
    name: `${match.plan.experiment.key}-match-${match.index}`,
    match: [{ headers: toHeaders(match.block) }],
    route: toRouteDestinations(host, match.plan, match.targets),
  }));
}

/** Everything not matched, with its mirrors; the plans agree on it (checked by findConflicts), so the first one's serves. */
function defaultHttpRoute(plan: RoutePlan, host: string): HttpRoute {
  const mirrors = plan.defaultRoute.mirrors.map((mirror) => ({
    destination: { host, subset: subsetName(plan, mirror.variant) },
    percentage: { value: mirror.percent },
  }));
  return {
    name: 'default',
    route: toRouteDestinations(host, plan, plan.defaultRoute.targets),
    ...(mirrors.length > 0 ? { mirrors } : {}),
  };
}

/** The union of the plans' gateways, plus `mesh` when one of them routes only inside the mesh. */
function gatewaysOf(plans: readonly RoutePlan[]): string[] {
  const gatewayLists = plans.map((plan) => plan.routing.gateways ?? []);
  const hasMeshOnly = gatewayLists.some((list) => list.length === 0);
  const gateways = union(gatewayLists);
  if (gateways.length > 0 && hasMeshOnly && !gateways.includes(MESH_GATEWAY)) gateways.push(MESH_GATEWAY);
  return gateways;
}

function metadataOf(plans: readonly RoutePlan[], namespace: string, host: string): ObjectMeta {
  return {
    name: toObjectName('lift', host),
    namespace,
    labels: { [MANAGED_BY_LABEL]: FIELD_MANAGER },
    annotations: {
      [EXPERIMENTS_ANNOTATION]: plans.map((plan) => `${plan.experiment.key}@${plan.experiment.version}`).join(','),
      [HOST_ANNOTATION]: host,
    },
  };
}

function subsetsOf(plans: readonly RoutePlan[]): Subset[] {
  return plans.flatMap((plan) =>
    plan.experiment.variants.map((variant) => ({
      name: subsetName(plan, variant.key),
      labels: sortedRecord(plan.routing.subsets[variant.key] ?? {}),
    })),
  );
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
  const http = [
    ...variantHeaderHttpRoutes(plans, host),
    ...matchHttpRoutes(plans, host),
    defaultHttpRoute(first, host),
  ];
  const gateways = gatewaysOf(plans);
  const metadata = metadataOf(plans, namespace, host);
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
    destinationRule: {
      apiVersion: ISTIO_API_VERSION,
      kind: 'DestinationRule',
      metadata,
      spec: { host, subsets: subsetsOf(plans) },
    },
  };
}
