import { readFile } from 'node:fs/promises';
import { readGateDecision, writeRolloutChange } from './auto-rollout.js';
import type { CliIo } from './cli-io.js';
import {
  alphaOf,
  clientFor,
  clusterFor,
  isParseArgsError,
  millisecondsOf,
  parseCommandLine,
  readSource,
  renderOptions,
  USAGE,
  UsageError,
  type Values,
} from './cli-options.js';
import { formatDiff } from './diff.js';
import { errorMessage } from './error-message.js';
import { formatIssue, readExperiments, RoutingError, type RoutedExperiment, type Routing } from './experiment-input.js';
import type { GateDecision } from './gate.js';
import type { LiftApiClient } from './lift-api-client.js';
import { hasChanges, reconcile } from './reconcile.js';
import { changeFor } from './rollout.js';
import { InvalidResourcesError, renderValidated } from './sync.js';
import { formatValidationIssue, ResourceValidator } from './validate.js';
import { watch } from './watch.js';
import { parseYamlDocuments, toYamlDocuments } from './yaml-documents.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_DIFFERENCES = 3;
const DEFAULT_RESYNC_SECONDS = 60;
const DEFAULT_STEP_INTERVAL_SECONDS = 900;

async function commandRender(values: Values, io: CliIo): Promise<number> {
  const document = await readSource(values, io);
  const validator = ResourceValidator.shared(io.schemaDir);
  io.stdout(toYamlDocuments(renderValidated(readExperiments(document), validator, renderOptions(values))));
  return EXIT_OK;
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
  const unchanged = report.diffs.filter((diff) => diff.action === 'unchanged');
  const changed = report.diffs.length - unchanged.length;
  if (command === 'diff') {
    // reconcile logs what would change; the diff also lists what would not.
    for (const diff of unchanged) io.stdout(`${formatDiff(diff)}\n`);
    io.stderr(`${changed} to apply, ${report.prunable.length} to prune, ${unchanged.length} unchanged\n`);
    return values['exit-code'] === true && hasChanges(report) ? EXIT_DIFFERENCES : EXIT_OK;
  }
  io.stderr(
    `${report.applied.length} applied, ${report.pruned.length} pruned, ${unchanged.length} unchanged${isDryRun ? ' (dry run)' : ''}\n`,
  );
  return EXIT_OK;
}

/** The experiment `key` on the server, refused unless it is running with routing. */
async function findRollable(
  client: LiftApiClient,
  key: string,
): Promise<{ readonly experiment: RoutedExperiment; readonly routing: Routing }> {
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
  return { experiment, routing };
}

/** The treatment `--variant` names (default: the first treatment), refused unless the experiment has it. */
function forcedVariantOf(experiment: RoutedExperiment, values: Values): string {
  const treatments = experiment.variants.slice(1).map((variant) => variant.key);
  const variant = values.variant ?? treatments[0];
  if (variant === undefined || !treatments.includes(variant))
    throw new UsageError(
      `--variant: "${variant ?? ''}" is not a treatment of ${experiment.key} (treatments: ${treatments.join(', ')})`,
    );
  return variant;
}

/** Why a promotion was refused, for the operator; the gate's reason is logged beside it. */
function refusalOf(decision: GateDecision, values: Values): string {
  if (decision.action === 'rollback')
    return `refused: the scorecard calls for a rollback; no promotion passes a sample ratio mismatch or a harmed guardrail, --force included`;
  return values.force === true
    ? `refused: --force promotes only where no harm is shown: ${decision.reason}`
    : `refused: the gate holds (use --force to promote without waiting for a winning primary)`;
}

/**
 * The gate's promotion, or with `--force` the operator's over a hold; null when refused (the
 * decision and why on stderr). `--force` never passes a rollback: the gate itself refuses it.
 */
async function decidePromotion(
  experiment: RoutedExperiment,
  client: LiftApiClient,
  values: Values,
  io: CliIo,
): Promise<GateDecision | null> {
  const forced = values.force === true ? { forcedVariant: forcedVariantOf(experiment, values) } : {};
  const decision = await readGateDecision(experiment, client, { ...alphaOf(values), ...forced });
  if (decision.action === 'promote') return decision;
  io.stderr(
    `${JSON.stringify({ experiment: experiment.key, decision: decision.action, reason: decision.reason, figures: decision.figures })}\n`,
  );
  io.stderr(`${refusalOf(decision, values)}\n`);
  return null;
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
  const { experiment, routing } = await findRollable(client, key);
  const decision: GateDecision | null =
    command === 'rollback'
      ? { action: 'rollback', reason: 'requested by an operator', figures: {} }
      : await decidePromotion(experiment, client, values, io);
  if (decision === null) return EXIT_FAILED;
  const change = changeFor(experiment, routing, decision);
  io.stdout(
    `${JSON.stringify({ experiment: key, version: experiment.version, decision: decision.action, reason: decision.reason, action: change.summary, figures: decision.figures })}\n`,
  );
  if (values['dry-run'] !== true) await writeRolloutChange(experiment, change, client);
  return EXIT_OK;
}

async function commandWatch(values: Values, io: CliIo): Promise<number> {
  const client = clientFor(values, io);
  const controller = new AbortController();
  const signal = io.signal ?? controller.signal;
  const gateOptions = alphaOf(values);
  await watch({
    client,
    cluster: await clusterFor(values, io),
    validator: ResourceValidator.shared(io.schemaDir),
    signal,
    resyncMs: millisecondsOf(values, 'resync', DEFAULT_RESYNC_SECONDS),
    stepIntervalMs: millisecondsOf(values, 'step-interval', DEFAULT_STEP_INTERVAL_SECONDS),
    isAuto: values.auto === true,
    isDryRun: values['dry-run'] === true,
    isPruning: values['no-prune'] !== true,
    ...gateOptions,
    render: renderOptions(values),
    log: (entry) => io.stdout(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
  });
  return EXIT_OK;
}

/** Reports a failed command the way its cause calls for, and returns the exit status. */
function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof RoutingError) {
    for (const issue of error.issues) io.stderr(`error: ${formatIssue(issue)}\n`);
    return EXIT_FAILED;
  }
  if (error instanceof InvalidResourcesError) {
    io.stderr(`${error.message}\n`);
    return EXIT_FAILED;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr(`${errorMessage(error)}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  io.stderr(`error: ${errorMessage(error)}\n`);
  return EXIT_FAILED;
}

/**
 * Runs `lift-istio` with `argv` (without node and the script); returns the exit status.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), nodeIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    const [command, ...rest] = positionals;
    if (values.help === true || command === undefined || command === 'help') {
      io.stdout(`${USAGE}\n`);
      return command === undefined && values.help !== true ? EXIT_USAGE : EXIT_OK;
    }
    switch (command) {
      case 'render':
        return await commandRender(values, io);
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
    return reportFailure(error, io);
  }
}
