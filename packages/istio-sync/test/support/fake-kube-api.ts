import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';

/**
 * A small fake of the Kubernetes API server on 127.0.0.1 (random port) that speaks exactly what
 * istio-sync uses: discovery, server-side apply (PATCH application/apply-patch+yaml with
 * fieldManager, force and dryRun), GET, DELETE and list by label selector. Apply keeps
 * managedFields per manager (lists atomic, as in the Istio CRDs), removes fields a manager stopped
 * applying, and answers 409 on conflicts with other managers unless forced.
 */

type Json = { [key: string]: unknown };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: string;
}

interface Resource {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
  readonly versions: readonly string[];
}

const RESOURCES: readonly Resource[] = [
  {
    group: 'networking.istio.io',
    plural: 'virtualservices',
    kind: 'VirtualService',
    versions: ['v1', 'v1beta1', 'v1alpha3'],
  },
  {
    group: 'networking.istio.io',
    plural: 'destinationrules',
    kind: 'DestinationRule',
    versions: ['v1', 'v1beta1', 'v1alpha3'],
  },
  { group: 'networking.istio.io', plural: 'envoyfilters', kind: 'EnvoyFilter', versions: ['v1alpha3'] },
];

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** FieldsV1 of an applied object: every object key, lists atomic. */
function fieldsOf(value: unknown): Json {
  const fields: Json = {};
  if (!isRecord(value)) return fields;
  for (const [key, entry] of Object.entries(value)) {
    fields[`f:${key}`] = isRecord(entry) && Object.keys(entry).length > 0 ? fieldsOf(entry) : {};
  }
  return fields;
}

function leafPaths(fields: Json, prefix: string[] = []): string[][] {
  const keys = Object.keys(fields).filter((key) => key.startsWith('f:'));
  if (keys.length === 0) return prefix.length > 0 ? [prefix] : [];
  return keys.flatMap((key) => leafPaths(fields[key] as Json, [...prefix, key.slice(2)]));
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function removeAt(value: Json, path: readonly string[]): void {
  const parents: Json[] = [value];
  let current: Json = value;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (!isRecord(next)) return;
    current = next;
    parents.push(current);
  }
  delete current[path[path.length - 1] as string];
  // Drop maps left empty by the removal, as the API server does for apply-owned structs.
  for (let depth = parents.length - 1; depth > 0; depth -= 1) {
    const parent = parents[depth] as Json;
    if (Object.keys(parent).length > 0) break;
    delete (parents[depth - 1] as Json)[path[depth - 1] as string];
  }
}

function merge(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    const existing = target[key];
    if (isRecord(value) && isRecord(existing) && Object.keys(value).length > 0) merge(existing, value);
    else target[key] = clone(value);
  }
}

function removeFields(fields: Json, path: readonly string[]): void {
  let current: Json = fields;
  for (const key of path.slice(0, -1)) {
    const next = current[`f:${key}`];
    if (!isRecord(next)) return;
    current = next;
  }
  delete current[`f:${path[path.length - 1] as string}`];
}

const pathKey = (path: readonly string[]) => path.join('\u0000');

interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** Objects by `plural/namespace/name`. */
  readonly objects = new Map<string, Json>();
  #server: Server | undefined;
  #resourceVersion = 1;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }

  kubeConfig(): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'tester', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace: 'default' }],
      currentContext: 'fake',
    });
    return config;
  }

  /** Writes requests (PATCH, DELETE, POST, PUT) seen so far. */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET');
  }

  /** Stores an object as another field manager would (an Update), e.g. a human with kubectl edit. */
  seed(object: Json, manager = 'kubectl-edit'): void {
    const resource = this.#resourceOfKind(String(object['kind']));
    const metadata = object['metadata'] as Json;
    const stored = clone(object);
    const storedMeta = stored['metadata'] as Json;
    storedMeta['resourceVersion'] = String((this.#resourceVersion += 1));
    storedMeta['uid'] = `uid-${this.#resourceVersion}`;
    storedMeta['managedFields'] = [
      {
        manager,
        operation: 'Update',
        apiVersion: object['apiVersion'],
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsOf(withoutIdentity(object)),
      },
    ];
    this.objects.set(`${resource.plural}/${String(metadata['namespace'])}/${String(metadata['name'])}`, stored);
  }

  /** Changes a stored object in place as another manager (Update) would. */
  edit(
    plural: string,
    namespace: string,
    name: string,
    change: (object: Json) => void,
    manager = 'kubectl-edit',
  ): void {
    const object = this.objects.get(`${plural}/${namespace}/${name}`);
    if (object === undefined) throw new Error(`no ${plural}/${namespace}/${name}`);
    const before = clone(object);
    change(object);
    const metadata = object['metadata'] as Json;
    const entries = (metadata['managedFields'] as ManagedEntry[] | undefined) ?? [];
    const changed = diffFields(before, object);
    entries.push({
      manager,
      operation: 'Update',
      apiVersion: String(object['apiVersion']),
      fieldsType: 'FieldsV1',
      fieldsV1: changed,
    });
    metadata['managedFields'] = entries;
    metadata['resourceVersion'] = String((this.#resourceVersion += 1));
  }

  #resourceOfKind(kind: string): Resource {
    const resource = RESOURCES.find((candidate) => candidate.kind === kind);
    if (resource === undefined) throw new Error(`fake API server knows no kind ${kind}`);
    return resource;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      body,
    };
    this.requests.push(request);
    try {
      this.#route(request, res);
    } catch (error) {
      send(res, 500, status(500, 'InternalError', error instanceof Error ? error.message : String(error)));
    }
  }

  #route(request: RecordedRequest, res: ServerResponse): void {
    const { method, path } = request;
    if (method === 'GET' && path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (method === 'GET' && path === '/apis') {
      const groups = [...new Set(RESOURCES.map((resource) => resource.group))].map((name) => ({
        name,
        versions: ['v1', 'v1beta1', 'v1alpha3'].map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
      }));
      return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'apis' || parts.length < 3) return send(res, 404, status(404, 'NotFound', `no route ${path}`));
    const group = parts[1] as string;
    const version = parts[2] as string;
    const served = RESOURCES.filter((resource) => resource.group === group && resource.versions.includes(version));
    if (parts.length === 3 && method === 'GET') {
      if (served.length === 0) return send(res, 404, status(404, 'NotFound', `${group}/${version} not served`));
      return send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${group}/${version}`,
        resources: served.map((resource) => ({
          name: resource.plural,
          singularName: resource.kind.toLowerCase(),
          namespaced: true,
          kind: resource.kind,
          verbs: ['get', 'list', 'patch', 'delete'],
        })),
      });
    }
    let namespace: string | undefined;
    let rest = parts.slice(3);
    if (rest[0] === 'namespaces') {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const resource = served.find((candidate) => candidate.plural === rest[0]);
    if (resource === undefined)
      return send(res, 404, status(404, 'NotFound', `no resource ${String(rest[0])} in ${group}/${version}`));
    const name = rest[1];
    if (name === undefined) {
      if (method !== 'GET') return send(res, 405, status(405, 'MethodNotAllowed', method));
      return send(res, 200, this.#list(resource, group, version, namespace, request.query.get('labelSelector')));
    }
    if (namespace === undefined)
      return send(res, 404, status(404, 'NotFound', 'namespaced resource needs a namespace'));
    const key = `${resource.plural}/${namespace}/${name}`;
    if (method === 'GET') {
      const object = this.objects.get(key);
      return object === undefined
        ? send(res, 404, status(404, 'NotFound', `${resource.plural} "${name}" not found`))
        : send(res, 200, object);
    }
    if (method === 'DELETE') {
      const object = this.objects.get(key);
      if (object === undefined)
        return send(res, 404, status(404, 'NotFound', `${resource.plural} "${name}" not found`));
      if (request.query.get('dryRun') !== 'All') this.objects.delete(key);
      return send(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Success',
        details: { name, kind: resource.plural },
      });
    }
    if (method === 'PATCH') return this.#apply(request, res, resource, `${group}/${version}`, namespace, name);
    return send(res, 405, status(405, 'MethodNotAllowed', method));
  }

  #list(
    resource: Resource,
    group: string,
    version: string,
    namespace: string | undefined,
    selector: string | null,
  ): Json {
    const [labelKey, labelValue] = (selector ?? '').split('=');
    const items = [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${resource.plural}/${namespace === undefined ? '' : `${namespace}/`}`))
      .map(([, object]) => object)
      .filter((object) => {
        if (selector === null || selector === '') return true;
        const labels = ((object['metadata'] as Json)['labels'] ?? {}) as Json;
        return labels[labelKey as string] === labelValue;
      });
    return {
      kind: `${resource.kind}List`,
      apiVersion: `${group}/${version}`,
      metadata: { resourceVersion: String(this.#resourceVersion) },
      items,
    };
  }

  #apply(
    request: RecordedRequest,
    res: ServerResponse,
    resource: Resource,
    apiVersion: string,
    namespace: string,
    name: string,
  ): void {
    if (request.contentType !== 'application/apply-patch+yaml') {
      return send(
        res,
        415,
        status(
          415,
          'UnsupportedMediaType',
          `istio-sync must use server-side apply, got ${String(request.contentType)}`,
        ),
      );
    }
    const manager = request.query.get('fieldManager');
    if (manager === null || manager === '')
      return send(res, 422, status(422, 'Invalid', 'fieldManager is required for apply patch'));
    const isForced = request.query.get('force') === 'true';
    const dryRun = request.query.get('dryRun');
    if (dryRun !== null && dryRun !== 'All')
      return send(res, 400, status(400, 'BadRequest', `invalid dryRun ${dryRun}`));
    const applied = parse(request.body) as Json;
    const meta = (applied['metadata'] ?? {}) as Json;
    if (
      applied['kind'] !== resource.kind ||
      meta['name'] !== name ||
      (meta['namespace'] ?? namespace) !== namespace ||
      applied['apiVersion'] !== apiVersion
    ) {
      return send(res, 400, status(400, 'BadRequest', 'the applied object does not match the URL'));
    }
    const key = `${resource.plural}/${namespace}/${name}`;
    const existing = this.objects.get(key);
    const appliedFields = fieldsOf(withoutIdentity(applied));
    if (existing === undefined) {
      const created = clone(applied);
      const createdMeta = created['metadata'] as Json;
      createdMeta['namespace'] = namespace;
      createdMeta['uid'] = `uid-${this.#resourceVersion + 1}`;
      createdMeta['resourceVersion'] = String(this.#resourceVersion + 1);
      createdMeta['generation'] = 1;
      createdMeta['creationTimestamp'] = '2026-11-27T00:00:00Z';
      createdMeta['managedFields'] = [
        { manager, operation: 'Apply', apiVersion, fieldsType: 'FieldsV1', fieldsV1: appliedFields },
      ];
      if (dryRun === null) {
        this.#resourceVersion += 1;
        this.objects.set(key, created);
      }
      return send(res, 201, created);
    }
    const next = clone(existing);
    const nextMeta = next['metadata'] as Json;
    const entries = clone((nextMeta['managedFields'] as ManagedEntry[] | undefined) ?? []);
    const appliedPaths = leafPaths(appliedFields);
    const conflicts: string[] = [];
    for (const entry of entries) {
      if (entry.manager === manager && entry.operation === 'Apply') continue;
      for (const path of leafPaths(entry.fieldsV1)) {
        const isShared = appliedPaths.some((own) => pathKey(own) === pathKey(path));
        if (!isShared) continue;
        if (JSON.stringify(valueAt(existing, path)) === JSON.stringify(valueAt(applied, path))) continue;
        if (!isForced) conflicts.push(`.${path.join('.')} (owned by ${entry.manager})`);
        else removeFields(entry.fieldsV1, path);
      }
    }
    if (conflicts.length > 0)
      return send(
        res,
        409,
        status(409, 'Conflict', `Apply failed with ${conflicts.length} conflict(s): ${conflicts.join(', ')}`),
      );
    const own = entries.find((entry) => entry.manager === manager && entry.operation === 'Apply');
    const appliedKeys = new Set(appliedPaths.map(pathKey));
    const ownedByOthers = new Set(
      entries.filter((entry) => entry !== own).flatMap((entry) => leafPaths(entry.fieldsV1).map(pathKey)),
    );
    for (const path of own === undefined ? [] : leafPaths(own.fieldsV1)) {
      if (!appliedKeys.has(pathKey(path)) && !ownedByOthers.has(pathKey(path))) removeAt(next, path);
    }
    merge(next, withoutIdentity(applied));
    const others = entries.filter((entry) => entry !== own);
    nextMeta['managedFields'] = [
      ...others,
      { manager, operation: 'Apply', apiVersion, fieldsType: 'FieldsV1', fieldsV1: appliedFields },
    ];
    const isChanged = JSON.stringify(stripVolatile(next)) !== JSON.stringify(stripVolatile(existing));
    if (isChanged) {
      nextMeta['resourceVersion'] = String(this.#resourceVersion + 1);
      if (JSON.stringify(next['spec']) !== JSON.stringify(existing['spec']))
        nextMeta['generation'] = Number(nextMeta['generation'] ?? 1) + 1;
    }
    if (dryRun === null && isChanged) {
      this.#resourceVersion += 1;
      this.objects.set(key, next);
    }
    return send(res, 200, next);
  }
}

function withoutIdentity(object: Json): Json {
  const copy = clone(object);
  delete copy['apiVersion'];
  delete copy['kind'];
  const meta = copy['metadata'];
  if (isRecord(meta)) {
    for (const field of [
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
      'managedFields',
    ])
      delete meta[field];
    if (Object.keys(meta).length === 0) delete copy['metadata'];
  }
  return copy;
}

function stripVolatile(object: Json): Json {
  const copy = clone(object);
  const meta = copy['metadata'] as Json;
  delete meta['managedFields'];
  delete meta['resourceVersion'];
  delete meta['generation'];
  return copy;
}

/** FieldsV1 of the leaves that differ between two versions of an object. */
function diffFields(before: Json, after: Json): Json {
  const fields: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'managedFields' || key === 'resourceVersion') continue;
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    fields[`f:${key}`] = isRecord(a) && isRecord(b) ? diffFields(a, b) : isRecord(b) ? fieldsOf(b) : {};
  }
  return fields;
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
