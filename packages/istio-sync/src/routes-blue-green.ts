import type { RoutedExperiment, Routing } from './experiment-input.js';
import { controlOf, planAllTo, type RoutePlan } from './route-plan.js';

/** `blue-green`: everything to `active` (default the control); `promote` switches it. */
export function planBlueGreen(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  return planAllTo(experiment, routing, routing.active ?? controlOf(experiment));
}
