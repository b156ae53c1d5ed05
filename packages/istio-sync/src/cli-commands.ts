import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Cluster } from './cluster.js';
import { formatDiff } from './diff.js';
import { DEFAULT_EDGE_OPTIONS, type EdgeOptions } from './edge-filter.js';
import { readExperiments, RoutingError, formatIssue } from './experiment-input.js';
import { decideGate } from './gate.js';
import { LiftApiClient } from './lift-api-client.js';
import { hasChanges, reconcile } from './reconcile.js';
import type { RenderOptions } from './render.js';
import { changeFor } from './rollout.js';
import { InvalidResourcesError, renderValidated } from './sync.js';
import { formatValidationIssue, ResourceValidator } from './validate.js';
import { watch } from './watch.js';
import { parseYamlDocuments, toYamlDocuments } from './yaml-documents.js';

/** Everything the CLI touches outside itself, so tests run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: { readonly [name: string]: string | undefined };
  /** Builds the cluster adapter from --kubeconfig/--context (default: the kubeconfig kubectl would use). */
  readonly makeCluster?: (options: { readonly kubeconfig?: string; readonly context?: string }) => Cluster;
  readonly fetch?: typeof fetch;
  /** Ends `watch`. */
  readonly signal?: AbortSignal;
  readonly schemaDir?: URL;
}

const USAGE = `lift-istio: Lift experiments -> Istio VirtualServices, DestinationRules and an edge-bucketing EnvoyFilter

Usage:
  lift-istio render   --from <server-url | file.json | ->     multi-document YAML on stdout (validated first)
  lift-istio validate <file.yaml | ->                         CRD schemas + istiod webhook rules
  lift-istio diff     --from <source> [--exit-code]           what apply would change (fields it owns only)
  lift-istio apply    --from <source> [--dry-run] [--prune]   server-side apply, only where the diff is non-empty
  lift-istio prune    --from <source> [--dry-run]             delete owned objects whose experiments ended
  lift-istio watch    --from <server-url> [--auto] [--resync <s>] [--step-interval <s>] [--alpha <a>] [--dry-run] [--no-prune]
  lift-istio promote  <experiment> --from <server-url> [--force] [--variant <key>] [--dry-run]
  lift-istio rollback <experiment> --from <server-url> [--dry-run]

Options:
  --api-key <key>          Lift API key (default $LIFT_API_KEY); admin for watch --auto, promote and rollback
  --kubeconfig <path>      kubeconfig file (default $KUBECONFIG, ~/.kube/config or in-cluster)
  --context <name>         kubeconfig context
  --edge-namespace <ns>    namespace of the ingress gateway's EnvoyFilter (default istio-system)
  --edge-selector <k=v,..> ingress gateway pod labels (default istio=ingressgateway)

Exit status: 0 success; 1 invalid input, invalid resources, a refused gate or a failed call;
2 usage errors; 3 diff --exit-code found changes.`;

const OPTIONS = {
  from: { type: 'string' },
  'api-key': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'dry-run': { type: 'boolean' },
  prune: { type: 'boolean' },
  'no-prune': { type: 'boolean' },
  'exit-code': { type: 'boolean' },
  auto: { type: 'boolean' },
  resync: { type: 'string' },
  'step-interval': { type: 'string' },
  alpha: { type: 'string' },
  force: { type: 'boolean' },
  variant: { type: 'string' },
  'edge-namespace': { type: 'string' },
  'edge-selector': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_DIFFERENCES = 3;
const DEFAULT_RESYNC_SECONDS = 60;
const DEFAULT_STEP_INTERVAL_SECONDS = 900;
const MS_PER_SECOND = 1000;

function isUrl(source: string): boolean {
  return /^https?:\/\//.test(source);
}

function clientFor(values: Values, io: CliIo): LiftApiClient {
  const source = values.from;
  if (source === undefined || !isUrl(source)) throw new UsageError('this command needs --from <server-url>');
  const apiKey = values['api-key'] ?? io.env['LIFT_API_KEY'];
  return new LiftApiClient({
    baseUrl: source,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  });
}

/** `{ experiments }` from the server, a file or stdin. */
async function readSource(values: Values, io: CliIo): Promise<unknown> {
  const source = values.from;
  if (source === undefined) throw new UsageError('--from <server-url | file.json | -> is required');
  if (isUrl(source)) return { experiments: await clientFor(values, io).listExperiments() };
  const text = source === '-' ? await io.readStdin() : await readFile(source, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RoutingError([
      {
        experiment: '(input)',
        path: source,
        message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  }
}

function renderOptions(values: Values): RenderOptions {
  const selector = values['edge-selector'];
  const workloadLabels =
    selector === undefined
      ? DEFAULT_EDGE_OPTIONS.workloadLabels
      : Object.fromEntries(
          selector.split(',').map((pair) => {
            const [key, value] = pair.split('=');
            if (key === undefined || key === '' || value === undefined)
              throw new UsageError(`--edge-selector: "${pair}" is not key=value`);
            return [key.trim(), value.trim()];
          }),
        );
  const edge: EdgeOptions = {
    ...DEFAULT_EDGE_OPTIONS,
    namespace: values['edge-namespace'] ?? DEFAULT_EDGE_OPTIONS.namespace,
    workloadLabels,
  };
  return { edge };
}

/** The Kubernetes client is loaded only by commands that talk to a cluster: it takes a second to import. */
async function clusterFor(values: Values, io: CliIo): Promise<Cluster> {
  const options = {
    ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
    ...(values.context === undefined ? {} : { context: values.context }),
  };
  if (io.makeCluster !== undefined) return io.makeCluster(options);
  const [{ KubeConfig }, { KubernetesCluster }] = await Promise.all([
    import('@kubernetes/client-node'),
    import('./cluster.js'),
  ]);
  const config = new KubeConfig();
  if (options.kubeconfig !== undefined) config.loadFromFile(options.kubeconfig);
  else config.loadFromDefault();
  if (options.context !== undefined) config.setCurrentContext(options.context);
  return new KubernetesCluster(config);
}

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback * MS_PER_SECOND;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive number of seconds`);
  return parsed * MS_PER_SECOND;
}

function alphaOf(values: Values): number | undefined {
  if (values.alpha === undefined) return undefined;
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new UsageError('--alpha must be between 0 and 1');
  return alpha;
}

async function commandValidate(positionals: readonly string[], io: CliIo): Promise<number> {
  const file = positionals[0];
  if (file === undefined) throw new UsageError('validate needs <file.yaml | ->');
  const text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
  const documents = parseYamlDocuments(text);
  const issues = ResourceValidator.shared(io.schemaDir).validate(documents);
  for (const issue of issues) io.stderr(`${formatValidationIssue(issue)}\n`);
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  io.stderr(`${documents.length} document(s), ${errors} error(s)\n`);
  return errors === 0 ? EXIT_OK : EXIT_FAILED;
}

async function commandReconcile(command: 'diff' | 'apply' | 'prune', values: Values, io: CliIo): Promise<number> {
  const document = await readSource(values, io);
  const validator = ResourceValidator.shared(io.schemaDir);
  const resources = renderValidated(readExperiments(document), validator, renderOptions(values));
  const cluster = await clusterFor(values, io);
  const isDryRun = values['dry-run'] === true;
  const report = await reconcile(resources, cluster, {
    isApplying: command === 'apply',
    isPruning: command === 'prune' || (command === 'apply' && values.prune === true),
    isDryRun,
    log: (line) => io.stdout(`${line}\n`),
  });
  const changed = report.diffs.filter((diff) => diff.action !== 'unchanged');
  if (command === 'diff') {
    for (const diff of report.diffs.filter((entry) => entry.action === 'unchanged')) io.stdout(`${formatDiff(diff)}\n`);
    io.stderr(
      `${changed.length} to apply, ${report.prunable.length} to prune, ${report.diffs.length - changed.length} unchanged\n`,
    );
    return values['exit-code'] === true && hasChanges(report) ? EXIT_DIFFERENCES : EXIT_OK;
  }
  io.stderr(
    `${report.applied.length} applied, ${report.pruned.length} pruned, ${report.diffs.length - changed.length} unchanged${isDryRun ? ' (dry run)' : ''}\n`,
  );
  return EXIT_OK;
}

async function commandRollout(
  command: 'promote' | 'rollback',
  positionals: readonly string[],
  values: Values,
  io: CliIo,
): Promise<number> {
  const key = positionals[0];
  if (key === undefined) throw new UsageError(`${command} needs <experiment>`);
  const client = clientFor(values, io);
  const experiment = readExperiments(await client.listExperiments()).find((candidate) => candidate.key === key);
  if (experiment === undefined)
    throw new RoutingError([{ experiment: key, path: 'key', message: 'no such experiment on the server' }]);
  const routing = experiment.routing;
  if (routing === null || experiment.status !== 'running')
    throw new RoutingError([
      {
        experiment: key,
        path: 'status',
        message: `only a running experiment with routing can be rolled out (status ${experiment.status})`,
      },
    ]);
  let decision;
  if (command === 'rollback') {
    decision = { action: 'rollback' as const, reason: 'requested by an operator', figures: {} };
  } else {
    const primary = await client.results(key, experiment.metrics.primary ?? undefined);
    const guardrails = await Promise.all(experiment.metrics.guardrails.map((metric) => client.results(key, metric)));
    const alpha = alphaOf(values);
    decision = decideGate(primary, guardrails, alpha === undefined ? {} : { alpha });
    if (decision.action !== 'promote') {
      if (values.force !== true) {
        io.stderr(
          `${JSON.stringify({ experiment: key, decision: decision.action, reason: decision.reason, figures: decision.figures })}\n`,
        );
        io.stderr(`refused: the results do not support a promotion (use --force to override)\n`);
        return EXIT_FAILED;
      }
      const variant = values.variant ?? experiment.variants[1]?.key ?? '';
      decision = {
        action: 'promote' as const,
        variant,
        reason: `forced by an operator over: ${decision.reason}`,
        figures: decision.figures,
      };
    }
  }
  const change = changeFor(experiment, routing, decision);
  io.stdout(
    `${JSON.stringify({ experiment: key, version: experiment.version, decision: decision.action, reason: decision.reason, action: change.summary, figures: decision.figures })}\n`,
  );
  if (values['dry-run'] === true) return EXIT_OK;
  if (change.routing !== null) await client.patchRouting(key, change.routing, experiment.version);
  if (change.isPausing) await client.pause(key);
  return EXIT_OK;
}

async function commandWatch(values: Values, io: CliIo): Promise<number> {
  const client = clientFor(values, io);
  const controller = new AbortController();
  const signal = io.signal ?? controller.signal;
  const alpha = alphaOf(values);
  await watch({
    client,
    cluster: await clusterFor(values, io),
    validator: ResourceValidator.shared(io.schemaDir),
    signal,
    resyncMs: seconds(values.resync, DEFAULT_RESYNC_SECONDS, 'resync'),
    stepIntervalMs: seconds(values['step-interval'], DEFAULT_STEP_INTERVAL_SECONDS, 'step-interval'),
    isAuto: values.auto === true,
    isDryRun: values['dry-run'] === true,
    isPruning: values['no-prune'] !== true,
    ...(alpha === undefined ? {} : { alpha }),
    render: renderOptions(values),
    log: (entry) => io.stdout(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
  });
  return EXIT_OK;
}

/**
 * Runs `lift-istio` with `argv` (without node and the script); returns the exit status.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), nodeIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const [command, ...rest] = positionals;
    if (values.help === true || command === undefined || command === 'help') {
      io.stdout(`${USAGE}\n`);
      return command === undefined && values.help !== true ? EXIT_USAGE : EXIT_OK;
    }
    switch (command) {
      case 'render': {
        const document = await readSource(values, io);
        const validator = ResourceValidator.shared(io.schemaDir);
        io.stdout(toYamlDocuments(renderValidated(readExperiments(document), validator, renderOptions(values))));
        return EXIT_OK;
      }
      case 'validate':
        return await commandValidate(rest, io);
      case 'diff':
      case 'apply':
      case 'prune':
        return await commandReconcile(command, values, io);
      case 'watch':
        return await commandWatch(values, io);
      case 'promote':
      case 'rollback':
        return await commandRollout(command, rest, values, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof RoutingError) {
      for (const issue of error.issues) io.stderr(`error: ${formatIssue(issue)}\n`);
      return EXIT_FAILED;
    }
    if (error instanceof InvalidResourcesError) {
      io.stderr(`${error.message}\n`);
      return EXIT_FAILED;
    }
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr(`${error.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}

/** The process's own stdin, stdout, stderr and environment. */
export function nodeIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
  };
}
