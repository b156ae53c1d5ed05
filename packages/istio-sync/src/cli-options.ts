import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.js';
import type { Cluster } from './cluster.js';
import { DEFAULT_EDGE_OPTIONS, type EdgeOptions } from './edge-filter.js';
import { errorMessage } from './error-message.js';
import { RoutingError } from './experiment-input.js';
import type { GateOptions } from './gate.js';
import { LiftApiClient } from './lift-api-client.js';
import type { RenderOptions } from './render.js';

export const USAGE = `lift-istio: Lift experiments -> Istio VirtualServices, DestinationRules and an edge-bucketing EnvoyFilter

Usage:
  lift-istio render   --from <server-url | file.json | ->     multi-document YAML on stdout (validated first)
  lift-istio validate <file.yaml | ->                         CRD schemas + istiod webhook rules
  lift-istio diff     --from <source> [--exit-code]           what apply would change (fields it owns only)
  lift-istio apply    --from <source> [--dry-run] [--prune]   server-side apply, only where the diff is non-empty
  lift-istio prune    --from <source> [--dry-run]             delete owned objects whose experiments ended
  lift-istio watch    --from <server-url> [--auto] [--resync <s>] [--step-interval <s>] [--alpha <a>] [--dry-run] [--no-prune]
  lift-istio promote  <experiment> --from <server-url> [--force [--variant <key>]] [--alpha <a>] [--dry-run]
  lift-istio rollback <experiment> --from <server-url> [--dry-run]

The gate (promote, watch --auto) reads GET /v1/experiments/:key/scorecard, whose verdicts and
guardrail statuses honour each metric's direction. It rolls back on a sample ratio mismatch or a
harmed guardrail; promotes when Lift recommends shipping a treatment whose primary is winning with
every guardrail ok; otherwise holds, naming what it waits for. promote refuses (exit 1) unless the
gate promotes. --force promotes over a hold (no winning primary yet, guardrails pending), never over
a sample ratio mismatch, a harmed guardrail, or a treatment losing on its primary or a guardrail;
--variant picks the treatment (default the first). watch --auto never forces.

Options:
  --api-key <key>          Lift API key (default $LIFT_API_KEY); admin for watch --auto, promote and rollback
  --alpha <a>              a promotion also needs the primary's sequential p-value below a (default 0.05,
                           the level of Lift's verdicts: smaller is stricter, larger cannot loosen it)
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

/** The parsed options of one command line. */
export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The command line is wrong: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

const MS_PER_SECOND = 1000;

/** Splits a command line into its options and positionals; throws on unknown options. */
export function parseCommandLine(argv: readonly string[]): { values: Values; positionals: string[] } {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

/** Whether `error` is node's own complaint about the command line (an unknown or malformed option). */
export function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

function isUrl(source: string): boolean {
  return /^https?:\/\//.test(source);
}

/** The Lift REST client of `--from <server-url>` and `--api-key` (or `$LIFT_API_KEY`). */
export function clientFor(values: Values, io: CliIo): LiftApiClient {
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
export async function readSource(values: Values, io: CliIo): Promise<unknown> {
  const source = values.from;
  if (source === undefined) throw new UsageError('--from <server-url | file.json | -> is required');
  if (isUrl(source)) return { experiments: await clientFor(values, io).listExperiments() };
  const text = source === '-' ? await io.readStdin() : await readFile(source, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RoutingError([{ experiment: '(input)', path: source, message: `not JSON: ${errorMessage(error)}` }]);
  }
}

function workloadLabelsOf(selector: string): { [label: string]: string } {
  return Object.fromEntries(
    selector.split(',').map((pair) => {
      const [key, value] = pair.split('=');
      if (key === undefined || key === '' || value === undefined)
        throw new UsageError(`--edge-selector: "${pair}" is not key=value`);
      return [key.trim(), value.trim()];
    }),
  );
}

/** Where the edge filter goes: `--edge-namespace` and `--edge-selector` over the defaults. */
export function renderOptions(values: Values): RenderOptions {
  const selector = values['edge-selector'];
  const edge: EdgeOptions = {
    ...DEFAULT_EDGE_OPTIONS,
    namespace: values['edge-namespace'] ?? DEFAULT_EDGE_OPTIONS.namespace,
    workloadLabels: selector === undefined ? DEFAULT_EDGE_OPTIONS.workloadLabels : workloadLabelsOf(selector),
  };
  return { edge };
}

/** The Kubernetes client is loaded only by commands that talk to a cluster: it takes a second to import. */
export async function clusterFor(values: Values, io: CliIo): Promise<Cluster> {
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

/** Milliseconds of a `--<name> <seconds>` option, or of `defaultSeconds` when it is not given. */
export function millisecondsOf(values: Values, name: 'resync' | 'step-interval', defaultSeconds: number): number {
  const value = values[name];
  if (value === undefined) return defaultSeconds * MS_PER_SECOND;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive number of seconds`);
  return parsed * MS_PER_SECOND;
}

/** `--alpha`, when given: the gate's significance level. */
export function alphaOf(values: Values): GateOptions {
  if (values.alpha === undefined) return {};
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new UsageError('--alpha must be between 0 and 1');
  return { alpha };
}
