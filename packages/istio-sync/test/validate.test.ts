import { describe, expect, it } from 'vitest';
import { parseYamlDocuments } from '../src/yaml-documents.js';
import { sharedValidator } from './support/schemas.js';

function virtualService(http: unknown): unknown {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'vs', namespace: 'ns' },
    spec: { hosts: ['web'], http },
  };
}

const route = (subset: string, weight?: number) => ({
  destination: { host: 'web', subset },
  ...(weight === undefined ? {} : { weight }),
});

function errorsOf(document: unknown): string[] {
  return sharedValidator()
    .validateDocument(document)
    .filter((issue) => issue.severity === 'error')
    .map((issue) => `${issue.path}: ${issue.message}`);
}

describe('ResourceValidator: the schema', () => {
  it('checks shapes and one-of rules from the CRD (exact xor prefix xor regex)', () => {
    const errors = errorsOf(
      virtualService([{ match: [{ headers: { 'x-a': { exact: 'a', prefix: 'b' } } }], route: [route('a')] }]),
    );
    expect(errors.some((error) => error.includes('must match exactly one schema in oneOf'))).toBe(true);
    expect(
      errorsOf(virtualService([{ route: [{ destination: { subset: 'a' } }] }])).some((error) =>
        error.includes("must have required property 'host'"),
      ),
    ).toBe(true);
    expect(
      errorsOf(virtualService([{ route: [route('a', 2 ** 31)] }])).some((error) =>
        error.includes('must match format "int32"'),
      ),
    ).toBe(true);
  });

  it('reads YAML as Kubernetes does (1.1): an unquoted off is a boolean, not a string', () => {
    const [document] = parseYamlDocuments(
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs}\nspec:\n  hosts: [web]\n  http:\n  - match: [{headers: {x-a: {exact: off}}}]\n    route: [{destination: {host: web}}]\n',
    );
    expect(errorsOf(document)).toContain('/spec/http/0/match/0/headers/x-a/exact: must be string');
  });

  it('validates Gateway API HTTPRoutes too, reporting CEL rules it cannot check as warnings', () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    };
    expect(errorsOf(route)).toEqual([]);
    expect(
      errorsOf({ ...route, spec: { rules: [{ backendRefs: [{ name: 'web', port: 'eighty' }] }] } }).some((error) =>
        error.includes('must be integer'),
      ),
    ).toBe(true);
  });

  it('names kinds it has no schema for', () => {
    expect(errorsOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([
      '/: no published schema for v1 ConfigMap',
    ]);
  });
});

describe("ResourceValidator: istiod's webhook rules", () => {
  it('refuses non-RE2 regexes (look-around, back-references) and regexes over 1024 characters', () => {
    expect(
      errorsOf(virtualService([{ match: [{ headers: { 'x-a': { regex: '(?=a)b' } } }], route: [route('a')] }])),
    ).toEqual([
      '/spec/http/0/match/0/headers/x-a/regex: "(?=a)b" is not an RE2 regex (no look-around, no back-references)',
    ]);
    expect(errorsOf(virtualService([{ match: [{ uri: { regex: '(a)\\1' } }], route: [route('a')] }]))).toHaveLength(1);
    expect(errorsOf(virtualService([{ match: [{ uri: { regex: 'a'.repeat(1025) } }], route: [route('a')] }]))).toEqual([
      '/spec/http/0/match/0/uri/regex: regex is 1025 characters; istiod allows at most 1024',
    ]);
  });

  it('refuses negative weights and multi-destination routes whose weights total 0', () => {
    expect(errorsOf(virtualService([{ route: [route('a', -1), route('b', 2)] }]))).toEqual([
      '/spec/http/0/route/0/weight: weight -1 is negative',
    ]);
    expect(errorsOf(virtualService([{ route: [route('a', 0), route('b', 0)] }]))).toEqual([
      '/spec/http/0/route: the weights of a multi-destination route total 0',
    ]);
  });

  it('refuses mirror percentages outside 0-100 and mirror together with mirrors', () => {
    expect(
      errorsOf(
        virtualService([
          { route: [route('a')], mirrors: [{ destination: { host: 'web' }, percentage: { value: 101 } }] },
        ]),
      ),
    ).toEqual(['/spec/http/0/mirrors/0/percentage: mirror percentage 101 is outside 0-100']);
    expect(
      errorsOf(
        virtualService([{ route: [route('a')], mirror: { host: 'web' }, mirrors: [{ destination: { host: 'web' } }] }]),
      ),
    ).toEqual(['/spec/http/0: mirror and mirrors cannot be set together']);
    expect(
      errorsOf(virtualService([{ route: [route('a')], mirror: { host: 'web' }, mirrorPercentage: { value: -5 } }])),
    ).toEqual(['/spec/http/0/mirrorPercentage: mirror percentage -5 is outside 0-100']);
  });

  it('refuses upper-case header names in matches', () => {
    expect(
      errorsOf(virtualService([{ match: [{ headers: { 'X-Platform': { exact: 'iOS' } } }], route: [route('a')] }])),
    ).toEqual(['/spec/http/0/match/0/headers/X-Platform: header name "X-Platform" must be lower-case']);
  });

  it('refuses duplicate subset names', () => {
    const rule = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'dr' },
      spec: {
        host: 'web',
        subsets: [
          { name: 'v1', labels: { v: '1' } },
          { name: 'v1', labels: { v: '2' } },
        ],
      },
    };
    expect(errorsOf(rule)).toEqual(['/spec/subsets/1/name: duplicate subset name "v1"']);
  });

  it('applies the CEL rules of the CRDs', () => {
    expect(errorsOf(virtualService([{ route: [route('a')], timeout: '0s' }]))).toEqual([
      '/spec/http/0/timeout: must be a valid duration greater than 1ms',
    ]);
    expect(errorsOf(virtualService([{ route: [route('a')], timeout: '1.5s' }]))).toEqual([]);
    const filter = {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: 'f', namespace: 'istio-system' },
      spec: { workloadSelector: { labels: { istio: 'ingress*' } }, targetRefs: [{ kind: 'Gateway', name: 'g' }] },
    };
    expect(errorsOf(filter)).toEqual([
      '/spec: only one of targetRefs or workloadSelector can be set',
      '/spec/workloadSelector/labels/istio: wildcard is not supported in selector',
    ]);
  });
});
