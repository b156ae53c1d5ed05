import type { ExperimentStatus } from './api-types.js';

/** Every status an experiment can have, in lifecycle order. */
export const EXPERIMENT_STATUSES = [
  'draft',
  'running',
  'paused',
  'stopped',
  'archived',
] as const satisfies readonly ExperimentStatus[];

export function isExperimentStatus(value: string): value is ExperimentStatus {
  return (EXPERIMENT_STATUSES as readonly string[]).includes(value);
}
