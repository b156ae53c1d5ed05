import { errorMessage } from './error-message.js';
import type { RoutedExperiment, Routing } from './experiment-input.js';
import { decideGate, type GateDecision, type GateOptions } from './gate.js';
import type { LiftApiClient } from './lift-api-client.js';
import { changeFor, type RolloutChange } from './rollout.js';

export interface AutoRolloutOptions {
  readonly alpha?: number;
  /** Least time between two promotions of one experiment, so each step gathers data (Flagger's interval). */
  readonly stepIntervalMs: number;
  readonly isDryRun?: boolean;
  readonly now?: () => number;
  /** One JSON object per decision, with the figures that drove it. */
  readonly log: (entry: { readonly [key: string]: unknown }) => void;
}

/** Remembers when each experiment was last promoted (in memory: a restart allows one early step). */
export type PromotionClock = Map<string, number>;

/** Reads the experiment's scorecard and asks the gate. */
export async function readGateDecision(
  experiment: RoutedExperiment,
  client: LiftApiClient,
  options: GateOptions,
): Promise<GateDecision> {
  return decideGate(await client.scorecard(experiment.key), options);
}

/** Writes a rollout change to Lift: the routing first (conditional on `experiment.version`), then the pause. */
export async function writeRolloutChange(
  experiment: RoutedExperiment,
  change: RolloutChange,
  client: LiftApiClient,
): Promise<void> {
  if (change.routing !== null) await client.patchRouting(experiment.key, change.routing, experiment.version);
  if (change.isPausing) await client.pause(experiment.key);
}

/**
 * Reads the scorecard of every running routed experiment and acts on the gate: promote, roll back
 * or hold. It never forces: a promotion needs the gate's own (a winning primary, every guardrail
 * ok), and a sample ratio mismatch or a harmed guardrail rolls back. Returns whether anything
 * changed in Lift.
 */
export async function runAutoRollout(
  experiments: readonly RoutedExperiment[],
  client: LiftApiClient,
  clock: PromotionClock,
  options: AutoRolloutOptions,
): Promise<boolean> {
  const now = options.now ?? Date.now;
  let isChanged = false;
  for (const experiment of experiments) {
    const routing: Routing | null = experiment.routing;
    if (routing === null || experiment.status !== 'running') continue;
    let decision: GateDecision;
    try {
      decision = await readGateDecision(
        experiment,
        client,
        options.alpha === undefined ? {} : { alpha: options.alpha },
      );
    } catch (error) {
      options.log({
        experiment: experiment.key,
        decision: 'hold',
        reason: `could not read the scorecard: ${errorMessage(error)}`,
      });
      continue;
    }
    const change = changeFor(experiment, routing, decision);
    const last = clock.get(experiment.key);
    const isTooSoon = decision.action === 'promote' && last !== undefined && now() - last < options.stepIntervalMs;
    const isActing = !isTooSoon && (change.routing !== null || change.isPausing);
    options.log({
      experiment: experiment.key,
      version: experiment.version,
      mode: routing.mode,
      decision: decision.action,
      reason: decision.reason,
      action: isTooSoon
        ? `wait: last promotion less than ${Math.round(options.stepIntervalMs / 1000)}s ago`
        : change.summary,
      ...(options.isDryRun === true && isActing ? { dryRun: true } : {}),
      figures: decision.figures,
    });
    if (!isActing || options.isDryRun === true) continue;
    await writeRolloutChange(experiment, change, client);
    if (decision.action === 'promote') clock.set(experiment.key, now());
    isChanged = true;
  }
  return isChanged;
}
