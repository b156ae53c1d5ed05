import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { LiveObject } from './diff.js';
import { errorMessage } from './error-message.js';
import type { IstioResource } from './istio-types.js';
import { isRecord } from './json-value.js';
import { FIELD_MANAGER, MANAGED_BY_SELECTOR } from './naming.js';

export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
}

export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and admitted, never stored. */
  readonly isDryRun?: boolean;
}

/** The few cluster operations istio-sync needs; one implementation talks to Kubernetes, tests may fake it. */
export interface Cluster {
  get(ref: ResourceRef): Promise<LiveObject | null>;
  /** Every object of `kind` in all namespaces carrying istio-sync's managed-by label. */
  listOwned(apiVersion: string, kind: string): Promise<LiveObject[]>;
  /** Server-side apply with field manager `lift-istio-sync`, forcing ownership of the fields it sets. */
  apply(resource: IstioResource, options?: WriteOptions): Promise<LiveObject>;
  delete(ref: ResourceRef, options?: WriteOptions): Promise<void>;
}

const NOT_FOUND = 404;
const DRY_RUN_ALL = 'All';
/** Apply takes over fields another manager set (a hand edit is put back), as a controller usually does. */
const FORCE_CONFLICTS = true;

function statusCodeOf(error: unknown): number | undefined {
  const code = isRecord(error) ? error['code'] : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** Errors from the API server, with its status code and message (the Status body). */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** Only what names the object: callers may pass a whole resource, whose other fields a read or delete must not send. */
function identityOf(ref: ResourceRef): ResourceRef {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.metadata.name, namespace: ref.metadata.namespace },
  };
}

function toClusterError(action: string, error: unknown): ClusterError {
  const code = statusCodeOf(error);
  const body = isRecord(error) ? error['body'] : undefined;
  let detail = errorMessage(error);
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') detail = status.message;
    } catch {
      detail = body;
    }
  }
  return new ClusterError(`${action}: ${detail}`, code);
}

/**
 * The Kubernetes adapter over `@kubernetes/client-node`'s generic object API: nothing here knows
 * about experiments. Reads the kubeconfig (or in-cluster service account) like kubectl does.
 */
export class KubernetesCluster implements Cluster {
  readonly #api: KubernetesObjectApi;

  constructor(config: KubeConfig) {
    this.#api = KubernetesObjectApi.makeApiClient(config);
  }

  /** From `$KUBECONFIG`, `~/.kube/config` or the in-cluster service account. */
  static fromDefaults(): KubernetesCluster {
    const config = new KubeConfig();
    config.loadFromDefault();
    return new KubernetesCluster(config);
  }

  async get(ref: ResourceRef): Promise<LiveObject | null> {
    try {
      return (await this.#api.read(identityOf(ref))) as unknown as LiveObject;
    } catch (error) {
      if (statusCodeOf(error) === NOT_FOUND) return null;
      throw toClusterError(`read ${ref.kind} ${ref.metadata.namespace}/${ref.metadata.name}`, error);
    }
  }

  async listOwned(apiVersion: string, kind: string): Promise<LiveObject[]> {
    try {
      const list = await this.#api.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        MANAGED_BY_SELECTOR,
      );
      return list.items.map((item) => ({ apiVersion, kind, ...(item as object) }) as unknown as LiveObject);
    } catch (error) {
      if (statusCodeOf(error) === NOT_FOUND) return [];
      throw toClusterError(`list ${kind}`, error);
    }
  }

  async apply(resource: IstioResource, options: WriteOptions = {}): Promise<LiveObject> {
    try {
      const applied = await this.#api.patch(
        resource as unknown as KubernetesObject,
        undefined,
        options.isDryRun === true ? DRY_RUN_ALL : undefined,
        FIELD_MANAGER,
        FORCE_CONFLICTS,
        PatchStrategy.ServerSideApply,
      );
      return applied as unknown as LiveObject;
    } catch (error) {
      throw toClusterError(`apply ${resource.kind} ${resource.metadata.namespace}/${resource.metadata.name}`, error);
    }
  }

  async delete(ref: ResourceRef, options: WriteOptions = {}): Promise<void> {
    try {
      await this.#api.delete(identityOf(ref), undefined, options.isDryRun === true ? DRY_RUN_ALL : undefined);
    } catch (error) {
      if (statusCodeOf(error) === NOT_FOUND) return;
      throw toClusterError(`delete ${ref.kind} ${ref.metadata.namespace}/${ref.metadata.name}`, error);
    }
  }
}
