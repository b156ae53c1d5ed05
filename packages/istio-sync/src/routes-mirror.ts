import type { RoutedExperiment, Routing } from './experiment-input.js';
import { controlOf, planAllTo, type RoutePlan } from './route-plan.js';

const DEFAULT_MIRROR_PERCENT = 100;

/** `mirror` (dark launch): everything to the control, mirrored to every treatment at `mirrorPercent` (default 100). */
export function planMirror(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  const percent = routing.mirrorPercent ?? DEFAULT_MIRROR_PERCENT;
  const mirrors =
    percent === 0 ? [] : experiment.variants.slice(1).map((variant) => ({ variant: variant.key, percent }));
  return planAllTo(experiment, routing, controlOf(experiment), mirrors);
}
