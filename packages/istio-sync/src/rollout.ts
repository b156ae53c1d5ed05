import type { RoutedExperiment, Routing } from './experiment-input.js';
import type { GateDecision } from './gate.js';
import { controlOf } from './route-plan.js';

/** What a gate decision changes in Lift: a new routing (rollout fields only) and whether to pause. */
export interface RolloutChange {
  readonly routing: Routing | null;
  readonly isPausing: boolean;
  readonly summary: string;
}

/**
 * Promote: a canary moves to its next step, or past the last one to everything on the winner; a
 * blue-green switches `active` to the winner. `ab` and `mirror` have nothing to promote (they
 * conclude by stopping the experiment in Lift).
 */
export function promotion(experiment: RoutedExperiment, routing: Routing, variant: string): RolloutChange {
  const none = (summary: string): RolloutChange => ({ routing: null, isPausing: false, summary });
  switch (routing.mode) {
    case 'canary': {
      if (routing.active !== undefined) return none(`canary already promoted to ${routing.active}`);
      const steps = routing.steps ?? [];
      if (steps.length > 1) {
        return {
          routing: { ...routing, steps: steps.slice(1) },
          isPausing: false,
          summary: `canary step ${steps[0] ?? ''}% -> ${steps[1] ?? ''}%`,
        };
      }
      return {
        routing: { ...routing, active: variant },
        isPausing: false,
        summary: `canary complete: all traffic to ${variant}`,
      };
    }
    case 'blue-green': {
      const active = routing.active ?? controlOf(experiment);
      if (active === variant) return none(`blue-green already on ${variant}`);
      return {
        routing: { ...routing, active: variant },
        isPausing: false,
        summary: `blue-green switch ${active} -> ${variant}`,
      };
    }
    case 'ab':
    case 'mirror':
      return none(`${routing.mode} has no rollout step: stop the experiment in Lift to conclude`);
  }
}

/** Rollback: all traffic to the control (a blue-green switches back) and the experiment paused. */
export function rollback(experiment: RoutedExperiment, routing: Routing): RolloutChange {
  const control = controlOf(experiment);
  const isSwitching = routing.mode === 'blue-green' && (routing.active ?? control) !== control;
  return {
    routing: isSwitching ? { ...routing, active: control } : null,
    isPausing: experiment.status === 'running',
    summary: `rollback: all traffic to ${control}${experiment.status === 'running' ? ', experiment paused' : ''}`,
  };
}

/** The change a gate decision asks for. */
export function changeFor(experiment: RoutedExperiment, routing: Routing, decision: GateDecision): RolloutChange {
  if (decision.action === 'promote') return promotion(experiment, routing, decision.variant);
  if (decision.action === 'rollback') return rollback(experiment, routing);
  return { routing: null, isPausing: false, summary: 'hold' };
}
