import {
  compileExperiment,
  decideCompiled,
  isStickyOverridable,
  stickyDecision,
  unitOf,
  type CompiledExperiment,
} from './compile-experiment.js';

export { isStickyOverridable };
import type { Attributes, Decision, ExperimentDefinition } from './types.js';

// Definitions are treated as immutable snapshots: each is checked and compiled once.
const compiledByDefinition = new WeakMap<object, CompiledExperiment>();

function compiledFor(experiment: ExperimentDefinition): CompiledExperiment {
  let compiled = compiledByDefinition.get(experiment);
  if (compiled === undefined) {
    compiled = compileExperiment(experiment);
    compiledByDefinition.set(experiment, compiled);
  }
  return compiled;
}

function errorDecision(experiment: unknown): Decision {
  return compileExperiment(experiment as ExperimentDefinition).fixed.error;
}

/**
 * Decides which variant of `experiment` the unit in `context` sees, following the bucketing spec
 * (DESIGN.md steps 1-6): missing unit, not running, override, targeting, layer, allocation.
 * Pure and deterministic; never throws: any fault answers the control with reason `error`.
 * The definition is compiled on first use and cached, so treat definitions as immutable.
 *
 * @example
 * const experiment = {
 *   key: 'checkout-button', status: 'running', coverage: 10000,
 *   variants: [{ key: 'control', weight: 5000 }, { key: 'moved', weight: 5000 }],
 *   targeting: { platform: 'iOS', region: { $in: ['NC', 'SC'] } },
 * } as const;
 * decide(experiment, { userId: 'u-42', platform: 'iOS', region: 'NC' });
 * // { experiment: 'checkout-button', variant: 'moved', inExperiment: true, reason: 'assigned', bucket: 7215, payload: null }
 */
export function decide(experiment: ExperimentDefinition, context: Attributes): Decision {
  try {
    if (experiment === null || typeof experiment !== 'object') return errorDecision(experiment);
    return decideCompiled(compiledFor(experiment), context);
  } catch {
    try {
      return errorDecision(experiment);
    } catch {
      return { experiment: '', variant: null, inExperiment: false, reason: 'error', bucket: null, payload: null };
    }
  }
}

/**
 * The unit `context` identifies for `experiment` (DESIGN.md step 1: the value at its
 * `unitAttribute`, a non-empty string or a finite number written in decimal), or null. The key
 * to record sticky variants and exposures under, read exactly as `decide` reads it.
 *
 * @example
 * readUnit(experiment, { userId: 1001 }); // '1001'
 */
export function readUnit(experiment: ExperimentDefinition, context: Attributes): string | null {
  try {
    if (experiment === null || typeof experiment !== 'object' || context === null || typeof context !== 'object')
      return null;
    const compiled = compiledFor(experiment);
    return compiled.problem === null ? unitOf(compiled, context) : null;
  } catch {
    return null;
  }
}

/**
 * DESIGN.md step 7: a variant recorded earlier for this unit wins over the layer and allocation
 * steps (reasons `assigned`, `layer`, `traffic`), with reason `sticky`. Any other decision, or a
 * recorded variant the experiment no longer has, leaves `decision` as it is. Never throws.
 *
 * @example
 * const decision = decide(experiment, context);
 * const final = applySticky(experiment, decision, recordedVariant); // reason 'sticky' when it applies
 */
export function applySticky(
  experiment: ExperimentDefinition,
  decision: Decision,
  recordedVariant: string | null | undefined,
): Decision {
  if (recordedVariant === null || recordedVariant === undefined) return decision;
  if (!isStickyOverridable(decision)) return decision;
  try {
    return stickyDecision(compiledFor(experiment), recordedVariant, decision.bucket) ?? decision;
  } catch {
    return decision;
  }
}
