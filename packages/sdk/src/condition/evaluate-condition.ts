import type { Attributes, Condition, SavedGroups } from '../types.js';
import { compileConditionDetailed, type DetailedCompiledCondition } from './compile-condition.js';

/**
 * Compiled predicates by condition object. Conditions are treated as immutable. A predicate that
 * does not use saved groups serves any `savedGroups`; one that does is kept only when it was
 * compiled without saved groups, since a saved-groups object may change between calls.
 */
const compiledConditions = new WeakMap<object, DetailedCompiledCondition>();

/**
 * Whether `attributes` match `condition`, compiling it on first use and reusing the compiled
 * predicate for the same condition object afterwards. For one condition evaluated many times,
 * `compileCondition` once is faster still. Never throws: a malformed condition matches nobody.
 *
 * @example
 * evaluateCondition({ appVersion: { $vgte: '2.1.0' } }, { appVersion: '2.10.3' }); // true
 * evaluateCondition({ country: { $ini: ['us', 'ca'] } }, { country: 'US' }); // true
 * evaluateCondition({ id: { $notInGroup: 'staff' } }, { id: 'u1' }, { staff: ['u1'] }); // false
 */
export function evaluateCondition(condition: Condition, attributes: Attributes, savedGroups?: SavedGroups): boolean {
  try {
    if (typeof condition !== 'object' || condition === null) return false;
    const cached = compiledConditions.get(condition);
    if (cached !== undefined && (!cached.dependsOnSavedGroups || savedGroups === undefined)) {
      return cached.predicate(attributes);
    }
    const compiled = compileConditionDetailed(condition, savedGroups);
    if (!compiled.dependsOnSavedGroups || savedGroups === undefined) compiledConditions.set(condition, compiled);
    return compiled.predicate(attributes);
  } catch {
    return false;
  }
}
