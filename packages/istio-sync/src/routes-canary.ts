import type { RoutedExperiment, Routing } from './experiment-input.js';
import {
  coverageSplit,
  PERCENT_IN_BASIS_POINTS,
  planAllTo,
  variantHeaderRoutes,
  type RoutePlan,
} from './route-plan.js';

/** The coverage a canary runs at: its current step (the first of `steps`), else the experiment's coverage. */
export function canaryCoverage(experiment: RoutedExperiment, routing: Routing): number {
  const step = routing.steps?.[0];
  return step === undefined ? experiment.coverage : step * PERCENT_IN_BASIS_POINTS;
}

/**
 * `canary`: weighted routes by variant weights and coverage; with `steps`, the current step is the
 * coverage, and `promote` drops it so the next one applies. Once promoted (`active` set), everything
 * goes to `active`.
 */
export function planCanary(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  if (routing.active !== undefined) return planAllTo(experiment, routing, routing.active);
  return {
    experiment,
    routing,
    variantRoutes: variantHeaderRoutes(experiment, routing),
    matchRoutes: [],
    defaultRoute: { targets: coverageSplit(experiment, canaryCoverage(experiment, routing)), mirrors: [] },
  };
}
