import type { RoutedExperiment, Routing } from './experiment-input.js';
import { toMatchBlocks } from './header-matches.js';
import {
  allTo,
  BASIS_POINTS,
  controlOf,
  variantHeaderRoutes,
  type RoutePlan,
  type WeightedTarget,
} from './route-plan.js';

/** The treatments' share of the targeted requests: by their relative weights (per request, not sticky). */
function treatmentSplit(experiment: RoutedExperiment): WeightedTarget[] {
  const treatments = experiment.variants.slice(1);
  const total = treatments.reduce((sum, variant) => sum + variant.weight, 0);
  if (total === 0) return allTo(controlOf(experiment));
  // Largest-remainder rounding keeps the basis points summing to exactly 10000.
  const exact = treatments.map((variant) => (variant.weight * BASIS_POINTS) / total);
  const floors = exact.map(Math.floor);
  let left = BASIS_POINTS - floors.reduce((sum, value) => sum + value, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    left -= 1;
  }
  return treatments
    .map((variant, index) => ({ variant: variant.key, weight: floors[index] ?? 0 }))
    .filter((target) => target.weight > 0);
}

/**
 * `ab`: the variant header picks the subset; requests matching the targeting go to the treatment
 * (split by the treatments' weights when there are several); the rest go to the control.
 */
export function planAb(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  const blocks = toMatchBlocks(experiment.targeting, routing.headers ?? {});
  const isEveryone = blocks.length === 1 && blocks[0]?.size === 0;
  return {
    experiment,
    routing,
    variantRoutes: variantHeaderRoutes(experiment, routing),
    matchRoutes: isEveryone ? [] : [{ blocks, targets: treatmentSplit(experiment) }],
    defaultRoute: { targets: allTo(controlOf(experiment)), mirrors: [] },
  };
}
