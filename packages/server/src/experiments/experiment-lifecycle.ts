import type { ExperimentStatusName } from './experiment-schemas.js';

/** The lifecycle actions, each exposed as `POST /v1/experiments/:key/<action>`. */
export const TRANSITIONS = {
  start: { from: ['draft'], to: 'running', past: 'started' },
  pause: { from: ['running'], to: 'paused', past: 'paused' },
  resume: { from: ['paused'], to: 'running', past: 'resumed' },
  stop: { from: ['running', 'paused'], to: 'stopped', past: 'stopped' },
  archive: { from: ['stopped'], to: 'archived', past: 'archived' },
} as const satisfies Record<string, { from: readonly ExperimentStatusName[]; to: ExperimentStatusName; past: string }>;

export type TransitionName = keyof typeof TRANSITIONS;
export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as TransitionName[];

/** The status `action` leads to from `status`, or null when the state machine forbids it. */
export function nextStatus(status: ExperimentStatusName, action: TransitionName): ExperimentStatusName | null {
  const transition = TRANSITIONS[action];
  return (transition.from as readonly ExperimentStatusName[]).includes(status) ? transition.to : null;
}

/** Statuses whose experiments the SDK config serves. */
export const SERVED_STATUSES: readonly ExperimentStatusName[] = ['running', 'paused'];

export function isServed(status: ExperimentStatusName): boolean {
  return SERVED_STATUSES.includes(status);
}
