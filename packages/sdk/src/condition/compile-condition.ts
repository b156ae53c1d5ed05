/**
 * Compiles a targeting condition once into nested closures, so that evaluating it for a context
 * does no parsing and, for the common operators, allocates nothing: attribute paths are split,
 * regular expressions built, `$in` lists turned into sets and semver operands padded up front.
 *
 * Semantics follow GrowthBook's condition language (its `evalCondition` cases are the conformance
 * suite): a missing attribute reads as null; strings, numbers and booleans coerce into one another
 * as there (`{ id: '42' }` matches 42, `{ n: { $gt: 5 } }` matches '8'). Where GrowthBook's results
 * come from accidental JavaScript coercion, Lift is stricter: null (so a missing attribute),
 * arrays and objects never equal a string, number or boolean literal, a string never equals a
 * boolean, `$gt`-style operators and `$regex` never match arrays or objects, and literal objects
 * compare by deep equality regardless of key order. A malformed condition matches nobody.
 */
import { readPath, splitPath } from '../attribute-path.js';
import type { Attributes, Condition, SavedGroups } from '../types.js';
import { findConditionIssues, isOperatorObject, isRecord } from './condition-issues.js';
import { padVersion } from './semver.js';

/**
 * A compiled condition: whether a context's attributes match. Never throws.
 *
 * @example
 * const isTargeted: CompiledCondition = compileCondition({ platform: 'iOS' });
 * isTargeted({ platform: 'iOS' }); // true
 */
export type CompiledCondition = (attributes: Attributes) => boolean;

/**
 * A compiled condition and whether its result depends on the saved groups it was compiled with
 * (it uses `$inGroup` or `$notInGroup`).
 *
 * @example
 * const { dependsOnSavedGroups } = compileConditionDetailed({ id: { $inGroup: 'beta' } }, { beta: ['u1'] });
 * dependsOnSavedGroups; // true
 */
export interface DetailedCompiledCondition {
  readonly predicate: CompiledCondition;
  readonly dependsOnSavedGroups: boolean;
}

/** A test on whatever it is given: an attributes object, an array element, or one attribute value. */
type Test = (subject: unknown) => boolean;

interface CompileContext {
  readonly savedGroups: SavedGroups | undefined;
  dependsOnSavedGroups: boolean;
}

/** From this many values on, `$in` looks values up in a Set instead of scanning the list. */
const SET_THRESHOLD = 8;

const matchEveryone: Test = () => true;
const matchNobody: Test = () => false;
const EMPTY_GROUP: readonly unknown[] = [];

const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);

/**
 * Compiles a condition once into a predicate over attributes. `{}` matches everyone; a condition
 * with any problem {@link findConditionIssues} would report (unknown operator, invalid regular
 * expression, malformed operand...) matches nobody. `$inGroup`/`$notInGroup` read `savedGroups`
 * now, at compile time. Never throws, and neither does the predicate.
 *
 * @example
 * const isTargeted = compileCondition({ platform: 'iOS', region: { $in: ['NC', 'SC'] } });
 * isTargeted({ platform: 'iOS', region: 'NC' }); // true
 * isTargeted({ platform: 'Android', region: 'NC' }); // false
 *
 * const isBeta = compileCondition({ id: { $inGroup: 'beta' } }, { beta: ['u1', 'u2'] });
 * isBeta({ id: 'u2' }); // true
 */
export function compileCondition(condition: Condition, savedGroups?: SavedGroups): CompiledCondition {
  return compileConditionDetailed(condition, savedGroups).predicate;
}

/**
 * {@link compileCondition}, also telling whether the predicate depends on `savedGroups`, so that a
 * cache can reuse a predicate across saved groups when it does not.
 *
 * @example
 * compileConditionDetailed({ platform: 'iOS' }).dependsOnSavedGroups; // false
 */
export function compileConditionDetailed(condition: Condition, savedGroups?: SavedGroups): DetailedCompiledCondition {
  try {
    if (findConditionIssues(condition).length > 0) return { predicate: matchNobody, dependsOnSavedGroups: false };
    const context: CompileContext = { savedGroups, dependsOnSavedGroups: false };
    const test = compileConditionObject(condition, context);
    return { predicate: guard(test), dependsOnSavedGroups: context.dependsOnSavedGroups };
  } catch {
    return { predicate: matchNobody, dependsOnSavedGroups: false };
  }
}

function guard(test: Test): CompiledCondition {
  if (test === matchEveryone || test === matchNobody) return test;
  return (attributes) => {
    try {
      return test(attributes);
    } catch {
      // Only exotic attributes get here, e.g. an object whose getters or toString throw.
      return false;
    }
  };
}

// Combinators: specialised for short lists, constants folded, so that a compiled condition is a
// shallow tree of direct calls.

function allOf(tests: readonly Test[]): Test {
  if (tests.includes(matchNobody)) return matchNobody;
  const live = tests.filter((test) => test !== matchEveryone);
  const [first, second, third] = live;
  if (first === undefined) return matchEveryone;
  if (second === undefined) return first;
  if (third === undefined) return (subject) => first(subject) && second(subject);
  return (subject) => {
    for (let i = 0; i < live.length; i++) if (!(live[i] as Test)(subject)) return false;
    return true;
  };
}

function anyOf(tests: readonly Test[]): Test {
  if (tests.includes(matchEveryone)) return matchEveryone;
  const live = tests.filter((test) => test !== matchNobody);
  const [first, second] = live;
  if (first === undefined) return matchNobody;
  if (second === undefined) return first;
  return (subject) => {
    for (let i = 0; i < live.length; i++) if ((live[i] as Test)(subject)) return true;
    return false;
  };
}

function not(test: Test): Test {
  if (test === matchEveryone) return matchNobody;
  if (test === matchNobody) return matchEveryone;
  return (subject) => !test(subject);
}

// Conditions: objects whose keys are `$and $or $nor $not` or attribute paths.

function compileConditionObject(condition: unknown, context: CompileContext): Test {
  const record = condition as Readonly<Record<string, unknown>>;
  const clauses: Test[] = [];
  for (const key of Object.keys(record)) {
    const operand = record[key];
    switch (key) {
      case '$and':
        clauses.push(allOf(compileConditionList(operand, context)));
        break;
      case '$or':
        // An empty $or matches everyone, as in GrowthBook.
        clauses.push(isEmptyList(operand) ? matchEveryone : anyOf(compileConditionList(operand, context)));
        break;
      case '$nor':
        // GrowthBook reads an empty $nor as "not (empty $or)", which matches nobody.
        clauses.push(isEmptyList(operand) ? matchNobody : not(anyOf(compileConditionList(operand, context))));
        break;
      case '$not':
        clauses.push(not(compileConditionObject(operand, context)));
        break;
      default:
        clauses.push(compileAttributeClause(key, operand, context));
    }
  }
  return allOf(clauses);
}

function isEmptyList(operand: unknown): boolean {
  return Array.isArray(operand) && operand.length === 0;
}

function compileConditionList(operand: unknown, context: CompileContext): Test[] {
  return (operand as readonly unknown[]).map((condition) => compileConditionObject(condition, context));
}

function compileAttributeClause(path: string, operand: unknown, context: CompileContext): Test {
  const segments = splitPath(path);
  const test = compileValueCondition(operand, context, false);
  if (test === matchEveryone || test === matchNobody) return test;
  const [key] = segments;
  if (segments.length === 1 && key !== undefined && !(key in Object.prototype)) {
    return (attributes) => {
      const value = readOwnProperty(attributes, key);
      return test(value === undefined ? null : value);
    };
  }
  return (attributes) => {
    const value = readPath(attributes, segments);
    return test(value === undefined ? null : value);
  };
}

/**
 * `readPath` for a one-segment path whose key `Object.prototype` lacks, without its
 * `hasOwnProperty` call for plain objects: that call, or `Object.getPrototypeOf`, costs more than
 * the rest of a simple clause. An object whose constructor is `Object` is taken to be plain, its
 * prototype `Object.prototype`, which lacks the key, so a value read from it is its own. Anything
 * else (a class instance, a null-prototype object) takes the `hasOwnProperty` path. Not covered:
 * an `Object.create(plainObject)` whose prototype holds the key, or `Object.prototype` polluted
 * with the key after compilation.
 */
function readOwnProperty(target: unknown, key: string): unknown {
  if (typeof target !== 'object' || target === null) return undefined;
  const record = target as Readonly<Record<string, unknown>>;
  if (record.constructor === Object) return record[key];
  return hasOwn(target, key) ? record[key] : undefined;
}

// Value conditions: a literal (equality) or an operator object, tested against one value.

function compileValueCondition(operand: unknown, context: CompileContext, isCaseInsensitive: boolean): Test {
  if (typeof operand === 'string') return isCaseInsensitive ? equalsStringIgnoringCase(operand) : equalsString(operand);
  if (typeof operand === 'number') return equalsNumber(operand);
  if (typeof operand === 'boolean') return equalsBoolean(operand);
  if (operand === null) return isNullish;
  if (isOperatorObject(operand)) {
    return allOf(Object.keys(operand).map((operator) => compileOperator(operator, operand[operator], context)));
  }
  return equalsDeeply(operand);
}

function isNullish(value: unknown): boolean {
  return value === null || value === undefined;
}

/** A string literal also matches a number or boolean with that text (`'42'` matches 42). */
function equalsString(expected: string): Test {
  return (value) => value === expected || ((typeof value === 'number' || typeof value === 'boolean') && String(value) === expected);
}

function equalsStringIgnoringCase(expected: string): Test {
  const folded = expected.toLowerCase();
  return (value) =>
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
    String(value).toLowerCase() === folded;
}

/** A number literal also matches a numeric string (`8` matches `'8'`) and a boolean as 0 or 1. */
function equalsNumber(expected: number): Test {
  return (value) => {
    if (value === expected) return true;
    if (typeof value === 'string') return Number(value) === expected && value.trim() !== '';
    return typeof value === 'boolean' && Number(value) === expected;
  };
}

/** A boolean literal also matches a number by truthiness (1 matches true), never a string. */
function equalsBoolean(expected: boolean): Test {
  return (value) => value === expected || (typeof value === 'number' && Boolean(value) === expected);
}

function equalsDeeply(expected: unknown): Test {
  return (value) => isDeepEqual(expected, value);
}

function isDeepEqual(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (!isDeepEqual(expected[i], actual[i])) return false;
    return true;
  }
  if (Array.isArray(actual)) return false;
  const expectedRecord = expected as Readonly<Record<string, unknown>>;
  const actualRecord = actual as Readonly<Record<string, unknown>>;
  let unmatchedKeys = 0;
  for (const key in expectedRecord) {
    if (!hasOwn(expectedRecord, key)) continue;
    if (!hasOwn(actualRecord, key) || !isDeepEqual(expectedRecord[key], actualRecord[key])) return false;
    unmatchedKeys++;
  }
  for (const key in actualRecord) if (hasOwn(actualRecord, key)) unmatchedKeys--;
  return unmatchedKeys === 0;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function compileOperator(operator: string, operand: unknown, context: CompileContext): Test {
  switch (operator) {
    case '$eq':
      return isPrimitive(operand) ? (value) => value === operand : equalsDeeply(operand);
    case '$ne':
      return isPrimitive(operand) ? (value) => value !== operand : not(equalsDeeply(operand));
    case '$gt':
      return (value) => isOrderable(value) && (value as number) > (operand as number);
    case '$gte':
      return (value) => isOrderable(value) && (value as number) >= (operand as number);
    case '$lt':
      return (value) => isOrderable(value) && (value as number) < (operand as number);
    case '$lte':
      return (value) => isOrderable(value) && (value as number) <= (operand as number);
    case '$exists':
      return operand === true ? (value) => !isNullish(value) : isNullish;
    case '$in':
      return isInList(operand as readonly unknown[], false);
    case '$nin':
      return not(isInList(operand as readonly unknown[], false));
    case '$ini':
      return isInList(operand as readonly unknown[], true);
    case '$nini':
      return not(isInList(operand as readonly unknown[], true));
    case '$inGroup':
    case '$notInGroup': {
      context.dependsOnSavedGroups = true;
      const values = readSavedGroup(context.savedGroups, operand as string);
      // A malformed group matches nobody either way: $notInGroup must not pass everyone.
      if (values === null) return matchNobody;
      const isInGroup = isInList(values, false);
      return operator === '$inGroup' ? isInGroup : not(isInGroup);
    }
    case '$all':
    case '$alli':
      return containsAll(operand as readonly unknown[], context, operator === '$alli');
    case '$regex':
    case '$regexi':
      return matchesRegex(operand as string, operator === '$regexi');
    case '$type':
      return (value) => typeNameOf(value) === operand;
    case '$size': {
      const sizeTest = compileValueCondition(operand, context, false);
      return (value) => Array.isArray(value) && sizeTest(value.length);
    }
    case '$elemMatch':
      return hasMatchingElement(operand, context);
    case '$not':
      return not(compileValueCondition(operand, context, false));
    case '$veq':
    case '$vne':
    case '$vgt':
    case '$vgte':
    case '$vlt':
    case '$vlte':
      return compareVersion(operator, operand as string);
    default:
      // Unreachable after findConditionIssues; an unknown operator matches nobody.
      return matchNobody;
  }
}

/**
 * What `<` and `>` may compare, with JavaScript's coercions between strings, numbers and booleans
 * (`'8' > 5`); null (a missing attribute) compares as 0, as in GrowthBook. Arrays and objects do not.
 */
function isOrderable(value: unknown): boolean {
  const type = typeof value;
  return type === 'number' || type === 'string' || value === null || type === 'boolean' || type === 'bigint';
}

function foldCase(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Membership as in GrowthBook: an array value matches when any of its elements is in the list. */
function isInList(list: readonly unknown[], isCaseInsensitive: boolean): Test {
  if (list.length === 0) return matchNobody;
  const members = isCaseInsensitive ? list.map(foldCase) : list.slice();
  const has: Test =
    members.length < SET_THRESHOLD ? (value) => members.includes(value) : hasIn(new Set(members));
  if (isCaseInsensitive) {
    return (value) => {
      if (!Array.isArray(value)) return has(foldCase(value));
      for (let i = 0; i < value.length; i++) if (has(foldCase(value[i]))) return true;
      return false;
    };
  }
  return (value) => {
    if (!Array.isArray(value)) return has(value);
    for (let i = 0; i < value.length; i++) if (has(value[i])) return true;
    return false;
  };
}

function hasIn(set: ReadonlySet<unknown>): Test {
  return (value) => set.has(value);
}

/**
 * A saved group's values: an unknown id is an empty list (so `$notInGroup` passes), a bare array
 * or a `{ type: 'list', values }` entry its values, anything else null (matches nobody).
 */
function readSavedGroup(savedGroups: SavedGroups | undefined, id: string): readonly unknown[] | null {
  if (typeof savedGroups !== 'object' || savedGroups === null || !hasOwn(savedGroups, id)) return EMPTY_GROUP;
  const entry: unknown = savedGroups[id];
  if (Array.isArray(entry)) return entry;
  if (isRecord(entry) && entry.type === 'list' && Array.isArray(entry.values)) return entry.values as readonly unknown[];
  return null;
}

/** Each item of `$all` is itself a value condition that some element of the array must meet. */
function containsAll(items: readonly unknown[], context: CompileContext, isCaseInsensitive: boolean): Test {
  const itemTests = items.map((item) => compileValueCondition(item, context, isCaseInsensitive));
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < itemTests.length; i++) {
      const itemTest = itemTests[i] as Test;
      let isFound = false;
      for (let j = 0; j < value.length && !isFound; j++) isFound = itemTest(value[j]);
      if (!isFound) return false;
    }
    return true;
  };
}

function matchesRegex(pattern: string, isCaseInsensitive: boolean): Test {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, isCaseInsensitive ? 'i' : '');
  } catch {
    return matchNobody;
  }
  return (value) => {
    if (typeof value === 'string') return regex.test(value);
    return (typeof value === 'number' || typeof value === 'boolean') && regex.test(String(value));
  };
}

/**
 * `$elemMatch` with an operator object tests each element as a value (`{ $gt: 10 }`); with anything
 * else it tests each element as a nested condition (`{ name: { $regex: '^ping' } }`). Null elements
 * never match.
 */
function hasMatchingElement(operand: unknown, context: CompileContext): Test {
  const elementTest = isOperatorObject(operand)
    ? compileValueCondition(operand, context, false)
    : compileConditionObject(operand, context);
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (!isNullish(element) && elementTest(element)) return true;
    }
    return false;
  };
}

/** The name `$type` compares with; a missing attribute reads as null, so its type is `null`. */
function typeNameOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'object' || type === 'undefined'
    ? type
    : 'unknown';
}

function compareVersion(operator: string, operand: string): Test {
  const expected = padVersion(operand);
  // Contexts repeat the same version, so the last one padded is kept instead of padded again.
  let lastValue: unknown = null;
  let lastPadded = padVersion(null);
  const pad = (value: unknown): string => {
    if (value !== lastValue) {
      lastPadded = padVersion(value);
      lastValue = value;
    }
    return lastPadded;
  };
  switch (operator) {
    case '$veq':
      return (value) => pad(value) === expected;
    case '$vne':
      return (value) => pad(value) !== expected;
    case '$vgt':
      return (value) => pad(value) > expected;
    case '$vgte':
      return (value) => pad(value) >= expected;
    case '$vlt':
      return (value) => pad(value) < expected;
    default:
      return (value) => pad(value) <= expected;
  }
}
