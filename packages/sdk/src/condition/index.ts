/**
 * The targeting condition language: the MongoDB-style conditions GrowthBook made common, compiled
 * once into fast predicates, and the static checks the server runs before accepting one.
 */
export { compileCondition, type CompiledCondition } from './compile-condition.js';
export { evaluateCondition } from './evaluate-condition.js';
export { findConditionIssues, type ConditionIssue } from './condition-issues.js';
export { compareVersions, padVersion } from './semver.js';
