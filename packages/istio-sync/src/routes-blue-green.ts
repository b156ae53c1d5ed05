import type { RoutedExperiment, Routing } from './experiment-input.js';
import { allTo, controlOf, type RoutePlan } from './route-plan.js';

/** `blue-green`: everything to `active` (default the control); `promote` switches it. */
export function planBlueGreen(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  const active = routing.active ?? controlOf(experiment);
  return {
    experiment,
    routing,
    variantRoutes: [],
    matchRoutes: [],
    defaultRoute: { targets: allTo(active), mirrors: [] },
  };
}
