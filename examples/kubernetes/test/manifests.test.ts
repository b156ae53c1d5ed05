import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createExperimentBody } from '../../../packages/server/src/experiments/experiment-schemas.js';
import {
  formatValidationIssue,
  readExperiments,
  renderValidated,
  ResourceValidator,
  toYamlDocuments,
} from '../../../packages/istio-sync/src/index.js';

/**
 * Every manifest parses; the essentials of a production deployment hold (probes, two or more
 * replicas, a disruption budget, an autoscaler, selectors that select, Service ports that reach
 * container ports); the Istio resources validate against the published CRD schemas, and are
 * exactly what `lift-istio render` makes of the committed experiments.
 */

type Manifest = Record<string, unknown> & {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};
type Container = {
  name: string;
  image?: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
};
type Probe = { httpGet?: { path: string; port: string | number }; exec?: { command: string[] } };
type PodTemplate = {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } };
};
type Workload = Manifest & {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate };
};

const HERE = new URL('../', import.meta.url);
const REPO_ROOT = new URL('../../', HERE);
/** shared/ sits beside the clone (in CI too); LIFT_SCHEMAS_DIR overrides, as for lift-istio. */
const SCHEMA_DIR = process.env['LIFT_SCHEMAS_DIR']
  ? new URL(`file://${process.env['LIFT_SCHEMAS_DIR'].replace(/\/?$/, '/')}`)
  : new URL('../shared/schemas/', REPO_ROOT);
const LIFT_NAMESPACE = 'lift';
const MIN_REPLICAS = 2;

function yamlFiles(folder: URL): URL[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return entry.name === 'test' || entry.name === 'node_modules' ? [] : yamlFiles(new URL(`${entry.name}/`, folder));
    return entry.name.endsWith('.yaml') ? [new URL(entry.name, folder)] : [];
  });
}

const files = yamlFiles(HERE);
const manifests: (Manifest & { file: string })[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' }).flatMap((document) => {
    if (document.errors.length > 0)
      throw new Error(`${file.pathname}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value = document.toJSON() as Manifest | null;
    return value === null ? [] : [{ ...value, file: fileURLToPath(file).slice(fileURLToPath(HERE).length) }];
  }),
);

const ofKind = <T extends Manifest>(kind: string): T[] =>
  manifests.filter((manifest) => manifest.kind === kind) as unknown as T[];
const workloads = (): Workload[] => [...ofKind<Workload>('Deployment'), ...ofKind<Workload>('StatefulSet')];
const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const sameNamespace = (a: Manifest, b: Manifest): boolean => a.metadata.namespace === b.metadata.namespace;
const byName = <T extends Manifest>(kind: string, name: string, namespace: string | undefined): T | undefined =>
  ofKind<T>(kind).find((manifest) => manifest.metadata.name === name && manifest.metadata.namespace === namespace);
const isIstio = (manifest: Manifest): boolean => manifest.apiVersion.startsWith('networking.istio.io/');

describe('kubernetes manifests', () => {
  it('parse, each with apiVersion, kind, name and (namespaced kinds) a namespace', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const manifest of manifests) {
      expect(manifest.apiVersion, manifest.file).toMatch(/\S/);
      expect(manifest.metadata.name, manifest.file).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
      if (manifest.kind !== 'Namespace')
        expect(manifest.metadata.namespace, `${manifest.kind} ${manifest.metadata.name}`).toMatch(
          /^(lift|acme|istio-system)$/,
        );
    }
    // istio-system (the edge filter's home, beside the ingress gateway) comes with Istio.
    const namespaces = [...ofKind('Namespace').map((manifest) => manifest.metadata.name), 'istio-system'];
    for (const manifest of manifests)
      if (manifest.metadata.namespace !== undefined) expect(namespaces).toContain(manifest.metadata.namespace);
  });

  it('select their own pods: every workload selector matches its pod template labels', () => {
    for (const workload of workloads()) {
      expect(
        selects(workload.spec.selector.matchLabels, workload.spec.template.metadata.labels),
        workload.metadata.name,
      ).toBe(true);
    }
  });

  it('run every Deployment with two or more replicas, probes on declared ports, and as non-root', () => {
    for (const deployment of ofKind<Workload>('Deployment')) {
      const name = deployment.metadata.name;
      expect(deployment.spec.replicas ?? 1, name).toBeGreaterThanOrEqual(MIN_REPLICAS);
      expect(deployment.spec.template.spec.securityContext?.runAsNonRoot, name).toBe(true);
      for (const container of deployment.spec.template.spec.containers) {
        const ports = new Set<string | number>(
          (container.ports ?? []).flatMap((port) => [
            port.containerPort,
            ...(port.name === undefined ? [] : [port.name]),
          ]),
        );
        for (const probe of [container.readinessProbe, container.livenessProbe]) {
          expect(probe, `${name}/${container.name}`).toBeDefined();
          if (probe?.httpGet !== undefined)
            expect(ports.has(probe.httpGet.port), `${name} probe port ${probe.httpGet.port}`).toBe(true);
        }
      }
    }
  });

  it('probe the Lift server on /readyz (readiness) and /healthz (liveness)', () => {
    const lift = byName<Workload>('Deployment', 'lift-server', LIFT_NAMESPACE);
    const container = lift?.spec.template.spec.containers[0];
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
  });

  it('autoscale the Lift server from two replicas up, and keep one up through disruptions', () => {
    const hpa = ofKind<
      Manifest & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number } }
    >('HorizontalPodAutoscaler');
    const target = hpa.find((manifest) => manifest.spec.scaleTargetRef.name === 'lift-server');
    expect(target?.apiVersion).toBe('autoscaling/v2');
    expect(target?.spec.scaleTargetRef.kind).toBe('Deployment');
    expect(target?.spec.minReplicas).toBeGreaterThanOrEqual(MIN_REPLICAS);
    expect(target?.spec.maxReplicas).toBeGreaterThan(target?.spec.minReplicas ?? 0);
    for (const manifest of hpa)
      expect(
        byName('Deployment', manifest.spec.scaleTargetRef.name, manifest.metadata.namespace),
        manifest.metadata.name,
      ).toBeDefined();
  });

  it('cover every Deployment with a PodDisruptionBudget that selects its pods', () => {
    const budgets = ofKind<
      Manifest & {
        spec: { selector: { matchLabels: Record<string, string> }; minAvailable?: number; maxUnavailable?: number };
      }
    >('PodDisruptionBudget');
    for (const deployment of ofKind<Workload>('Deployment')) {
      const budget = budgets.find(
        (candidate) =>
          sameNamespace(candidate, deployment) &&
          selects(candidate.spec.selector.matchLabels, deployment.spec.template.metadata.labels),
      );
      expect(budget, `PDB for ${deployment.metadata.name}`).toBeDefined();
      expect(budget?.spec.minAvailable ?? 0, deployment.metadata.name).toBeLessThan(deployment.spec.replicas ?? 1);
    }
  });

  it('route every Service to pods, on ports those pods declare', () => {
    const services = ofKind<
      Manifest & {
        spec: {
          selector: Record<string, string>;
          ports: { name?: string; port: number; targetPort?: string | number }[];
        };
      }
    >('Service');
    expect(services.map((service) => service.metadata.name).sort()).toEqual(['lift', 'postgres', 'shop']);
    for (const service of services) {
      const selected = workloads().filter(
        (workload) =>
          sameNamespace(workload, service) && selects(service.spec.selector, workload.spec.template.metadata.labels),
      );
      expect(selected.length, `pods of Service ${service.metadata.name}`).toBeGreaterThan(0);
      for (const port of service.spec.ports) {
        const target = port.targetPort ?? port.port;
        for (const workload of selected) {
          const declared = workload.spec.template.spec.containers.flatMap((container) => container.ports ?? []);
          expect(
            declared.some((candidate) => candidate.containerPort === target || candidate.name === target),
            `${service.metadata.name}:${port.port} -> ${workload.metadata.name}:${target}`,
          ).toBe(true);
        }
        // Istio picks the protocol from the port name.
        expect(port.name, service.metadata.name).toMatch(/^(http|tcp)(-|$)/);
      }
    }
  });

  it('refer only to ConfigMaps and Secrets that exist, and give the server DATABASE_URL from a Secret', () => {
    const pods: { owner: Manifest; containers: Container[] }[] = [
      ...workloads().map((workload) => ({
        owner: workload as Manifest,
        containers: workload.spec.template.spec.containers,
      })),
      ...ofKind<Manifest & { spec: { template: PodTemplate } }>('Job').map((job) => ({
        owner: job as Manifest,
        containers: job.spec.template.spec.containers,
      })),
    ];
    for (const { owner, containers } of pods) {
      for (const container of containers) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef !== undefined)
            expect(
              byName('ConfigMap', source.configMapRef.name, owner.metadata.namespace),
              `${owner.metadata.name} -> ConfigMap ${source.configMapRef.name}`,
            ).toBeDefined();
          if (source.secretRef !== undefined)
            expect(
              byName('Secret', source.secretRef.name, owner.metadata.namespace),
              `${owner.metadata.name} -> Secret ${source.secretRef.name}`,
            ).toBeDefined();
        }
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref === undefined) continue;
          const secret = byName<Manifest & { stringData?: Record<string, string> }>(
            'Secret',
            ref.name,
            owner.metadata.namespace,
          );
          expect(secret?.stringData?.[ref.key], `${owner.metadata.name} -> ${ref.name}.${ref.key}`).toBeDefined();
        }
      }
    }
    const secret = byName<Manifest & { stringData: Record<string, string> }>('Secret', 'lift-server', LIFT_NAMESPACE);
    expect(secret?.stringData['DATABASE_URL']).toMatch(
      /^postgres:\/\/[^@]+@postgres\.lift\.svc\.cluster\.local:5432\//,
    );
  });

  it("migrate with a Job running the server image's migrate entry point", () => {
    const [job] = ofKind<Manifest & { spec: { template: PodTemplate & { spec: { restartPolicy: string } } } }>('Job');
    const container = job?.spec.template.spec.containers[0];
    expect(container?.command).toEqual(['node', 'packages/server/dist/migrate.js']);
    expect(container?.image).toBe(
      byName<Workload>('Deployment', 'lift-server', LIFT_NAMESPACE)?.spec.template.spec.containers[0]?.image,
    );
    expect(job?.spec.template.spec.restartPolicy).toMatch(/^(OnFailure|Never)$/);
  });

  it('keep PostgreSQL on a persistent volume behind a stable name', () => {
    const postgres = byName<
      Workload & { spec: { serviceName: string; volumeClaimTemplates: { metadata: { name: string } }[] } }
    >('StatefulSet', 'postgres', LIFT_NAMESPACE);
    expect(postgres?.spec.serviceName).toBe('postgres');
    expect(postgres?.spec.volumeClaimTemplates.map((claim) => claim.metadata.name)).toContain('data');
  });

  it('run the shop as v1 and v2, each labelled with its version, behind one Service', () => {
    const shops = ofKind<Workload>('Deployment').filter(
      (deployment) => deployment.spec.template.metadata.labels['app'] === 'shop',
    );
    expect(shops.map((deployment) => deployment.spec.template.metadata.labels['version']).sort()).toEqual(['v1', 'v2']);
    for (const deployment of shops)
      expect(deployment.spec.selector.matchLabels['version']).toBe(deployment.spec.template.metadata.labels['version']);
  });
});

describe('istio resources', () => {
  const validator = new ResourceValidator({ schemaDir: SCHEMA_DIR });
  const istio = manifests.filter(isIstio);

  it("validate against the published CRD schemas and istiod's rules", () => {
    expect(istio.map((manifest) => manifest.kind)).toEqual(
      expect.arrayContaining(['Gateway', 'VirtualService', 'DestinationRule', 'EnvoyFilter']),
    );
    const issues = validator
      .validate(istio.map(({ file: _file, ...manifest }) => manifest))
      .filter((issue) => issue.severity === 'error');
    expect(issues.map(formatValidationIssue)).toEqual([]);
  });

  it('are exactly what lift-istio renders from the committed experiments (run render-istio.sh after changing them)', () => {
    for (const file of readdirSync(new URL('experiments/', HERE)).filter((name) => name.endsWith('.json'))) {
      const experiments = JSON.parse(readFileSync(new URL(`experiments/${file}`, HERE), 'utf8')) as unknown;
      const rendered = toYamlDocuments(renderValidated(readExperiments(experiments), validator));
      const committed = readFileSync(new URL(`istio/${file.replace(/\.json$/, '.yaml')}`, HERE), 'utf8').replace(
        /^(#.*\n)+/,
        '',
      );
      expect(committed, file).toBe(rendered);
    }
  });

  it('come from experiments the Lift server accepts as they are (status and version aside)', () => {
    for (const file of readdirSync(new URL('experiments/', HERE)).filter((name) => name.endsWith('.json'))) {
      const { experiments } = JSON.parse(readFileSync(new URL(`experiments/${file}`, HERE), 'utf8')) as {
        experiments: Record<string, unknown>[];
      };
      for (const { status: _status, version: _version, ...definition } of experiments) {
        const parsed = createExperimentBody.safeParse(definition);
        expect(parsed.success ? [] : parsed.error.issues, `${file}: ${String(definition['key'])}`).toEqual([]);
      }
    }
  });

  it('route to subsets whose labels select shop pods, through a Gateway that exists', () => {
    const shopPods = ofKind<Workload>('Deployment')
      .filter((deployment) => deployment.metadata.namespace === 'acme')
      .map((deployment) => deployment.spec.template.metadata.labels);
    for (const rule of istio.filter((manifest) => manifest.kind === 'DestinationRule') as unknown as (Manifest & {
      file: string;
      spec: { host: string; subsets: { name: string; labels: Record<string, string> }[] };
    })[]) {
      expect(
        byName('Service', rule.spec.host, rule.metadata.namespace),
        `${rule.file}: host ${rule.spec.host}`,
      ).toBeDefined();
      for (const subset of rule.spec.subsets)
        expect(
          shopPods.some((labels) => selects(subset.labels, labels)),
          `${rule.file}: subset ${subset.name}`,
        ).toBe(true);
    }
    for (const service of istio.filter((manifest) => manifest.kind === 'VirtualService') as unknown as (Manifest & {
      file: string;
      spec: { gateways?: string[] };
    })[]) {
      for (const gateway of service.spec.gateways ?? []) {
        if (gateway === 'mesh') continue;
        const [namespace, name] = gateway.includes('/') ? gateway.split('/') : [service.metadata.namespace, gateway];
        expect(
          ofKind('Gateway').some(
            (candidate) => candidate.metadata.name === name && candidate.metadata.namespace === namespace,
          ),
          `${service.file}: gateway ${gateway}`,
        ).toBe(true);
      }
    }
  });

  it("cover the pipeline's three stages: mirror (dark launch), weighted canary, header-matched A/B for iOS in NC", () => {
    const routes = (stage: string): string => readFileSync(new URL(`istio/${stage}.yaml`, HERE), 'utf8');
    expect(routes('1-dark-launch')).toMatch(/mirrors:\n\s+- destination:\n\s+host: shop\n\s+subset: shop-v2-dark-v2/);
    expect(routes('2-canary')).toMatch(
      /subset: shop-v2-canary-v1\n\s+weight: 95\n[\s\S]*subset: shop-v2-canary-v2\n\s+weight: 5\n/,
    );
    expect(routes('3-ab-test')).toMatch(/x-platform:\n\s+exact: iOS/);
    expect(routes('3-ab-test')).toMatch(/x-region:\n\s+exact: NC/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(new URL('Dockerfile', HERE), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+(?:\s+AS\s+(\S+))?/gim)].map((match) => match[1]);

  it('builds in stages and ships the server and the shop as separate targets', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages).toEqual(expect.arrayContaining(['lift-server', 'acme-shop']));
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile/);
    expect(dockerfile).toMatch(/deploy --prod/);
  });

  it('runs as a non-root user with a health check, in every final stage', () => {
    for (const stage of ['lift-server', 'acme-shop']) {
      const body =
        dockerfile
          .split(/^FROM /m)
          .find((section) => new RegExp(`AS ${stage}\\b`, 'i').test(section.split('\n')[0] ?? '')) ?? '';
      expect(body, stage).toMatch(/^USER\s+(?!root\b|0\b)\S+/m);
      expect(body, stage).toMatch(/^HEALTHCHECK\s/m);
    }
  });
});
