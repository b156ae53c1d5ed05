import type { RoutedExperiment, Routing } from './experiment-input.js';
import type { MatchBlocks } from './header-matches.js';

/** A share of traffic for one variant, in basis points. */
export interface WeightedTarget {
  readonly variant: string;
  readonly weight: number;
}

/** Requests carrying `header: value` go to `variant` (set by an SDK-aware edge or the Lua filter). */
export interface VariantHeaderRoute {
  readonly variant: string;
  readonly header: string;
}

/** Requests matching any block are split between `targets`. */
export interface MatchRoute {
  readonly blocks: MatchBlocks;
  readonly targets: readonly WeightedTarget[];
}

export interface MirrorTarget {
  readonly variant: string;
  readonly percent: number;
}

/** Where everything else goes, and what is mirrored. */
export interface DefaultRoute {
  readonly targets: readonly WeightedTarget[];
  readonly mirrors: readonly MirrorTarget[];
}

/** One experiment's routes before they are merged with the other experiments on its host. */
export interface RoutePlan {
  readonly experiment: RoutedExperiment;
  readonly routing: Routing;
  readonly variantRoutes: readonly VariantHeaderRoute[];
  readonly matchRoutes: readonly MatchRoute[];
  readonly defaultRoute: DefaultRoute;
}

export const BASIS_POINTS = 10_000;
export const PERCENT_IN_BASIS_POINTS = 100;

/** The variant header of an experiment: `routing.variantHeader` or `x-lift-<key>`, lower-case. */
export function variantHeaderOf(experiment: RoutedExperiment, routing: Routing): string {
  return (routing.variantHeader ?? `x-lift-${experiment.key}`).toLowerCase();
}

export function controlOf(experiment: RoutedExperiment): string {
  const control = experiment.variants[0];
  if (control === undefined) throw new Error(`experiment ${experiment.key} has no variants`);
  return control.key;
}

/**
 * Splits traffic as the SDK's allocation does for `coverage`: treatment i gets
 * floor(coverage * w_i / 10000); the control gets the rest (its own range plus everyone not covered).
 */
export function coverageSplit(experiment: RoutedExperiment, coverage: number): WeightedTarget[] {
  const [control, ...treatments] = experiment.variants;
  if (control === undefined) return [];
  const treated = treatments.map((variant) => ({
    variant: variant.key,
    weight: Math.floor((coverage * variant.weight) / BASIS_POINTS),
  }));
  const rest = BASIS_POINTS - treated.reduce((sum, target) => sum + target.weight, 0);
  return [{ variant: control.key, weight: rest }, ...treated];
}

/** Everything to one variant. */
export function allTo(variant: string): WeightedTarget[] {
  return [{ variant, weight: BASIS_POINTS }];
}

/** A plan without header routes: everything to `variant`, mirrored to `mirrors`. */
export function planAllTo(
  experiment: RoutedExperiment,
  routing: Routing,
  variant: string,
  mirrors: readonly MirrorTarget[] = [],
): RoutePlan {
  return {
    experiment,
    routing,
    variantRoutes: [],
    matchRoutes: [],
    defaultRoute: { targets: allTo(variant), mirrors },
  };
}

/** The plan of a paused experiment: the SDK answers the control for everyone, so the mesh does too. */
export function pausedPlan(experiment: RoutedExperiment, routing: Routing): RoutePlan {
  return planAllTo(experiment, routing, controlOf(experiment));
}

export function variantHeaderRoutes(experiment: RoutedExperiment, routing: Routing): VariantHeaderRoute[] {
  const header = variantHeaderOf(experiment, routing);
  return experiment.variants.map((variant) => ({ variant: variant.key, header }));
}
