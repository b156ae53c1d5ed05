/**
 * Static checks of a targeting condition, so that the server can refuse bad targeting with a
 * 400 naming the path at fault. The compiler refuses the same conditions while compiling (one with
 * any issue compiles to a predicate that matches nobody) without importing this file, which is
 * too big for a browser bundle; a property test keeps the two in agreement.
 */
import { isRecord } from '../value-guards.js';
import { isJsonLike, isOperatorKey, isOperatorObject, MAX_CONDITION_DEPTH, TYPE_NAMES } from './condition-shape.js';

/**
 * One problem found in a condition: where it is (dotted, `''` for the root) and what is wrong.
 *
 * @example
 * const issue: ConditionIssue = { path: 'region.$in', message: '"$in" needs an array, not a string' };
 */
export interface ConditionIssue {
  /** Dotted path to the offending key, e.g. `region.$foo` or `$and.1.platform.$in`; `''` is the condition itself. */
  readonly path: string;
  readonly message: string;
}

/** Operators that apply to one attribute value, grouped by the operand they take. */
const ANY_VALUE_OPERATORS = new Set(['$eq', '$ne']);
const ORDER_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);
const LIST_OPERATORS = new Set(['$in', '$nin', '$ini', '$nini']);
const ALL_OPERATORS = new Set(['$all', '$alli']);
const GROUP_OPERATORS = new Set(['$inGroup', '$notInGroup']);
const REGEX_OPERATORS = new Set(['$regex', '$regexi']);
const VERSION_OPERATORS = new Set(['$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte']);
const OTHER_VALUE_OPERATORS = new Set(['$exists', '$type', '$size', '$elemMatch', '$not']);

const VALUE_OPERATORS: ReadonlySet<string> = new Set([
  ...ANY_VALUE_OPERATORS,
  ...ORDER_OPERATORS,
  ...LIST_OPERATORS,
  ...ALL_OPERATORS,
  ...GROUP_OPERATORS,
  ...REGEX_OPERATORS,
  ...VERSION_OPERATORS,
  ...OTHER_VALUE_OPERATORS,
]);

/** GrowthBook's condition-level saved-group reference; Lift's saved groups are plain lists. */
const UNSUPPORTED_CONDITION_OPERATORS = new Set(['$savedGroup']);

/**
 * Lists what is wrong with a targeting condition, each with the dotted path where it is: unknown
 * operators, operands of the wrong shape, invalid regular expressions, unknown `$type` names,
 * nesting deeper than {@link MAX_CONDITION_DEPTH}. An empty list means the condition is well formed.
 * Never throws on JSON input.
 *
 * @example
 * findConditionIssues({ platform: 'iOS', region: { $in: ['NC', 'SC'] } }); // []
 * findConditionIssues({ $and: [{ a: 1 }, { platform: { $bar: 1 } }] });
 * // [{ path: '$and.1.platform.$bar', message: 'unknown operator "$bar"' }]
 * findConditionIssues({ name: { $regex: '(' } });
 * // [{ path: 'name.$regex', message: '"$regex" is not a valid regular expression: ...' }]
 */
export function findConditionIssues(condition: unknown): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  checkCondition(condition, { path: '', depth: 0 }, issues);
  return issues;
}

/** Where a part of a condition sits: its dotted path and how deeply it is nested. */
interface Place {
  readonly path: string;
  readonly depth: number;
}

function joinPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** The place of what sits under `key`, one level deeper. */
const nestedPlace = (at: Place, key: string | number): Place => ({ path: joinPath(at.path, key), depth: at.depth + 1 });

/** The same path one level deeper: an operator's operand that is itself a condition. */
const deeperPlace = (at: Place): Place => ({ path: at.path, depth: at.depth + 1 });

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  if (type === 'undefined') return 'undefined';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isTooDeep(at: Place, issues: ConditionIssue[]): boolean {
  if (at.depth <= MAX_CONDITION_DEPTH) return false;
  issues.push({ path: at.path, message: `is nested deeper than ${MAX_CONDITION_DEPTH} levels` });
  return true;
}

function checkCondition(condition: unknown, at: Place, issues: ConditionIssue[]): void {
  if (isTooDeep(at, issues)) return;
  if (!isRecord(condition)) {
    issues.push({ path: at.path, message: `a condition must be an object, not ${describe(condition)}` });
    return;
  }
  for (const key of Object.keys(condition)) {
    const operand = condition[key];
    const path = joinPath(at.path, key);
    if (key === '$and' || key === '$or' || key === '$nor') {
      checkConditionList(key, operand, { path, depth: at.depth }, issues);
    } else if (key === '$not') {
      checkCondition(operand, nestedPlace(at, key), issues);
    } else if (VALUE_OPERATORS.has(key)) {
      issues.push({ path, message: `"${key}" must sit under an attribute, as in {"attribute": {"${key}": ...}}` });
    } else if (UNSUPPORTED_CONDITION_OPERATORS.has(key)) {
      issues.push({ path, message: `"${key}" is not supported; use {"attribute": {"$inGroup": "group id"}}` });
    } else {
      // Any other key, `$groups` included, names an attribute (a dotted path).
      checkValueCondition(operand, nestedPlace(at, key), issues);
    }
  }
}

function checkConditionList(operator: string, operand: unknown, at: Place, issues: ConditionIssue[]): void {
  if (!Array.isArray(operand)) {
    issues.push({ path: at.path, message: `"${operator}" needs an array of conditions, not ${describe(operand)}` });
    return;
  }
  operand.forEach((condition: unknown, index) => checkCondition(condition, nestedPlace(at, index), issues));
}

/** The condition on one attribute value: a literal (compared for equality) or an operator object. */
function checkValueCondition(condition: unknown, at: Place, issues: ConditionIssue[]): void {
  if (isTooDeep(at, issues)) return;
  if (!isJsonLike(condition)) {
    issues.push({ path: at.path, message: `must be a JSON value, not ${describe(condition)}` });
    return;
  }
  if (!isRecord(condition)) return;
  const keys = Object.keys(condition);
  const operators = keys.filter(isOperatorKey);
  if (operators.length === 0) return;
  if (operators.length < keys.length) {
    const plainKeys = keys.filter((key) => !isOperatorKey(key));
    issues.push({
      path: at.path,
      message: `mixes operators (${operators.join(', ')}) with plain keys (${plainKeys.join(', ')}); use one or the other`,
    });
    return;
  }
  // An operator sits at its value condition's depth.
  for (const operator of operators)
    checkOperator(operator, condition[operator], { path: joinPath(at.path, operator), depth: at.depth }, issues);
}

function checkOperator(operator: string, operand: unknown, at: Place, issues: ConditionIssue[]): void {
  const fail = (needs: string): void => {
    issues.push({ path: at.path, message: `"${operator}" needs ${needs}, not ${describe(operand)}` });
  };
  if (ANY_VALUE_OPERATORS.has(operator)) {
    if (!isJsonLike(operand)) fail('a JSON value');
  } else if (ORDER_OPERATORS.has(operator)) {
    if (typeof operand !== 'number' && typeof operand !== 'string') fail('a number or a string');
  } else if (LIST_OPERATORS.has(operator)) {
    if (!Array.isArray(operand)) fail('an array');
  } else if (ALL_OPERATORS.has(operator)) {
    if (!Array.isArray(operand)) fail('an array');
    else operand.forEach((item: unknown, index) => checkValueCondition(item, nestedPlace(at, index), issues));
  } else if (GROUP_OPERATORS.has(operator)) {
    if (typeof operand !== 'string') fail('a saved group id (a string)');
  } else if (REGEX_OPERATORS.has(operator)) {
    checkRegex(operator, operand, at, issues);
  } else if (VERSION_OPERATORS.has(operator)) {
    if (typeof operand !== 'string') fail('a version string');
  } else if (operator === '$exists') {
    if (typeof operand !== 'boolean') fail('true or false');
  } else if (operator === '$type') {
    if (typeof operand !== 'string' || !TYPE_NAMES.includes(operand)) {
      issues.push({ path: at.path, message: `"$type" must be one of ${TYPE_NAMES.join(', ')}` });
    }
  } else if (operator === '$size') {
    checkSize(operand, at, issues);
  } else if (operator === '$elemMatch') {
    if (!isRecord(operand)) fail('an object: an operator condition or a condition on the fields of each element');
    else if (isOperatorObject(operand)) checkValueCondition(operand, deeperPlace(at), issues);
    else checkCondition(operand, deeperPlace(at), issues);
  } else if (operator === '$not') {
    checkValueCondition(operand, deeperPlace(at), issues);
  } else {
    issues.push({ path: at.path, message: `unknown operator "${operator}"` });
  }
}

function checkRegex(operator: string, operand: unknown, at: Place, issues: ConditionIssue[]): void {
  if (typeof operand !== 'string') {
    issues.push({
      path: at.path,
      message: `"${operator}" needs a regular expression (a string), not ${describe(operand)}`,
    });
    return;
  }
  try {
    new RegExp(operand);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    issues.push({ path: at.path, message: `"${operator}" is not a valid regular expression: ${reason}` });
  }
}

function checkSize(operand: unknown, at: Place, issues: ConditionIssue[]): void {
  if (typeof operand === 'number' && Number.isInteger(operand) && operand >= 0) return;
  if (isOperatorObject(operand)) {
    checkValueCondition(operand, deeperPlace(at), issues);
    return;
  }
  issues.push({
    path: at.path,
    message: `"$size" needs a non-negative integer or an operator condition such as {"$gt": 2}, not ${describe(operand)}`,
  });
}
