import type { Cluster } from './cluster.js';
import { compareText } from './compare-text.js';
import { diffResource, formatDiff, resourceKey, type LiveObject, type ResourceDiff } from './diff.js';
import { ENVOY_FILTER_API_VERSION, ISTIO_API_VERSION, type IstioResource } from './istio-types.js';
import { EXPERIMENTS_ANNOTATION, FIELD_MANAGER } from './naming.js';

/** The kinds istio-sync writes, so prune knows where to look for what it owns. */
export const OWNED_KINDS: readonly { readonly apiVersion: string; readonly kind: IstioResource['kind'] }[] = [
  { apiVersion: ISTIO_API_VERSION, kind: 'VirtualService' },
  { apiVersion: ISTIO_API_VERSION, kind: 'DestinationRule' },
  { apiVersion: ENVOY_FILTER_API_VERSION, kind: 'EnvoyFilter' },
];

export interface ReconcileOptions {
  /** Apply and delete with `dryRun=All`: the API server admits but stores nothing. */
  readonly isDryRun?: boolean;
  /** Write the desired resources (false: only compute the diff). */
  readonly isApplying?: boolean;
  /** Delete owned resources no experiment renders any more. */
  readonly isPruning?: boolean;
  readonly log?: (line: string) => void;
}

/** An owned object nothing desires any more, with the experiments it used to route. */
export interface PruneCandidate {
  readonly key: string;
  readonly live: LiveObject;
  readonly experiments: string;
}

export interface ReconcileReport {
  readonly diffs: readonly ResourceDiff[];
  readonly prunable: readonly PruneCandidate[];
  readonly applied: readonly string[];
  readonly pruned: readonly string[];
}

/** Changes to write: creates and updates. */
export function hasChanges(report: Pick<ReconcileReport, 'diffs' | 'prunable'>): boolean {
  return report.diffs.some((diff) => diff.action !== 'unchanged') || report.prunable.length > 0;
}

async function findPrunable(cluster: Cluster, desired: readonly IstioResource[]): Promise<PruneCandidate[]> {
  const wanted = new Set(desired.map(resourceKey));
  const candidates: PruneCandidate[] = [];
  for (const { apiVersion, kind } of OWNED_KINDS) {
    for (const live of await cluster.listOwned(apiVersion, kind)) {
      const key = resourceKey({ kind, metadata: live.metadata });
      if (!wanted.has(key))
        candidates.push({
          key,
          live: { ...live, apiVersion, kind },
          experiments: live.metadata.annotations?.[EXPERIMENTS_ANNOTATION] ?? '',
        });
    }
  }
  return candidates.sort((a, b) => compareText(a.key, b.key));
}

/**
 * One pass of the loop: diff every desired resource against the cluster (ignoring fields others
 * own), apply by server-side apply only those whose diff is non-empty, and prune owned objects
 * (by label) that no running or paused experiment renders any more.
 *
 * @example
 * const report = await reconcile(renderResources(experiments), KubernetesCluster.fromDefaults(), { isApplying: true, isPruning: true });
 */
export async function reconcile(
  desired: readonly IstioResource[],
  cluster: Cluster,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const log = options.log ?? (() => undefined);
  const writeOptions = { isDryRun: options.isDryRun ?? false };
  const suffix = writeOptions.isDryRun ? ' (dry run)' : '';
  const diffs: ResourceDiff[] = [];
  const applied: string[] = [];
  for (const resource of desired) {
    const live = await cluster.get({
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: resource.metadata,
    });
    const diff = diffResource(resource, live, FIELD_MANAGER);
    diffs.push(diff);
    if (diff.action === 'unchanged') continue;
    log(formatDiff(diff));
    if (options.isApplying === true) {
      await cluster.apply(resource, writeOptions);
      applied.push(resourceKey(resource));
      log(`applied ${resourceKey(resource)}${suffix}`);
    }
  }
  const isPruning = options.isPruning ?? false;
  const prunable = await findPrunable(cluster, desired);
  const pruned: string[] = [];
  for (const candidate of prunable) {
    log(`- ${candidate.key} (experiments ended: ${candidate.experiments || 'unknown'})`);
    if (!isPruning) continue;
    const { apiVersion, kind, metadata } = candidate.live;
    await cluster.delete(
      { apiVersion, kind, metadata: { name: metadata.name, namespace: metadata.namespace ?? '' } },
      writeOptions,
    );
    pruned.push(candidate.key);
    log(`pruned ${candidate.key}${suffix}`);
  }
  return { diffs, prunable, applied, pruned };
}
