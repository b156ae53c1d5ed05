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
 * compare by deep equality regardless of key order.
 *
 * A malformed condition matches nobody, even under `$not` or `$nor`. Compiling checks each part
 * as it goes, refusing exactly what `findConditionIssues` reports (a property test holds the two
 * together) without importing it: the server needs its messages, browser bundles do not.
 */
import { readPath, splitPath } from '../attribute-path.js';
import type { Attributes, Condition, SavedGroups } from '../types.js';
import { hasOwn, isJsonLike, isOperatorKey, isOperatorObject, isRecord, MAX_CONDITION_DEPTH, TYPE_NAMES } from './condition-shape.js';
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

/** Compiles one operator's operand; `depth` is that of the value condition holding the operator. */
type OperatorCompiler = (operand: unknown, context: CompileContext, depth: number) => Test;

/** From this many values on, `$in` looks values up in a Set instead of scanning the list. */
const SET_THRESHOLD = 8;

const matchEveryone: Test = () => true;
const matchNobody: Test = () => false;
const EMPTY_GROUP: readonly unknown[] = [];

/** Thrown by {@link ensure} while compiling a malformed condition; caught once, at the top. */
const MALFORMED = new Error('malformed condition');

function ensure(isWellFormed: unknown): asserts isWellFormed {
  if (!isWellFormed) throw MALFORMED;
}

/**
 * Compiles a condition once into a predicate over attributes. `{}` matches everyone; a condition
 * with any problem `findConditionIssues` would report (unknown operator, invalid regular
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
  const context: CompileContext = { savedGroups, dependsOnSavedGroups: false };
  try {
    const test = compileConditionObject(condition, context, 0);
    return { predicate: guard(test), dependsOnSavedGroups: context.dependsOnSavedGroups };
  } catch {
    // MALFORMED, or an invalid regular expression: the whole condition matches nobody.
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
// shallow tree of direct calls. Callers compile every part before combining, so that a malformed
// part is found even beside one that matches nobody.

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

/** Whether `value` is an array with an element that passes `test`. Allocates nothing. */
function hasElement(value: unknown, test: Test): boolean {
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) if (test(value[i])) return true;
  return false;
}

// Conditions: objects whose keys are `$and $or $nor $not` or attribute paths.

function compileConditionObject(condition: unknown, context: CompileContext, depth: number): Test {
  ensure(depth <= MAX_CONDITION_DEPTH && isRecord(condition));
  return allOf(Object.keys(condition).map((key) => compileClause(key, condition[key], context, depth)));
}

function compileClause(key: string, operand: unknown, context: CompileContext, depth: number): Test {
  if (key === '$not') return not(compileConditionObject(operand, context, depth + 1));
  if (key === '$and' || key === '$or' || key === '$nor') {
    ensure(Array.isArray(operand));
    const tests = operand.map((item: unknown) => compileConditionObject(item, context, depth + 1));
    if (key === '$and') return allOf(tests);
    // An empty $or matches everyone, as in GrowthBook, which reads $nor as "not $or".
    const isAnyMet = tests.length === 0 ? matchEveryone : anyOf(tests);
    return key === '$or' ? isAnyMet : not(isAnyMet);
  }
  // Value operators belong under an attribute, and GrowthBook's `$savedGroup` is not supported;
  // any other key, `$groups` included, is an attribute path.
  ensure(!hasOwn(OPERATORS, key) && key !== '$savedGroup');
  return compileAttributeClause(key, operand, context, depth + 1);
}

function compileAttributeClause(path: string, operand: unknown, context: CompileContext, depth: number): Test {
  const test = compileValueCondition(operand, context, depth, false);
  if (test === matchEveryone || test === matchNobody) return test;
  // A path without a dot is one segment, read without `readPath`'s loop when it cannot name
  // something every object inherits.
  // `?? null` here measures slower than the explicit test.
  if (!path.includes('.') && !(path in Object.prototype)) {
    return (attributes) => {
      const value = readOwnProperty(attributes, path);
      return test(value === undefined ? null : value);
    };
  }
  const segments = splitPath(path);
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

function compileValueCondition(operand: unknown, context: CompileContext, depth: number, isCaseInsensitive: boolean): Test {
  ensure(depth <= MAX_CONDITION_DEPTH && isJsonLike(operand));
  if (typeof operand === 'string') return isCaseInsensitive ? equalsStringIgnoringCase(operand) : equalsString(operand);
  if (typeof operand === 'number') return equalsNumber(operand);
  if (typeof operand === 'boolean') return equalsBoolean(operand);
  if (operand === null) return isNullish;
  if (isOperatorObject(operand)) {
    return allOf(Object.keys(operand).map((operator) => compileOperator(operator, operand[operator], context, depth)));
  }
  // A literal object must not mix in operators.
  ensure(!isRecord(operand) || !Object.keys(operand).some(isOperatorKey));
  return equalsDeeply(operand);
}

function compileOperator(operator: string, operand: unknown, context: CompileContext, depth: number): Test {
  const compile = hasOwn(OPERATORS, operator) ? OPERATORS[operator] : undefined;
  ensure(compile);
  return compile(operand, context, depth);
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
  return (value) => isScalar(value) && String(value).toLowerCase() === folded;
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
  const keys = Object.keys(expectedRecord);
  return (
    keys.every((key) => hasOwn(actualRecord, key) && isDeepEqual(expectedRecord[key], actualRecord[key])) &&
    keys.length === Object.keys(actualRecord).length
  );
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

// Operators, each checking its operand before compiling it. The flags of the version operators
// say which orders of the attribute's version to the operand's they accept.

const LESS = 1;
const EQUAL = 2;
const GREATER = 4;

/** How each value operator compiles; any other `$` key under an attribute is malformed. */
const OPERATORS: Readonly<Record<string, OperatorCompiler>> = {
  $eq: (operand) => isEqualTo(operand),
  $ne: (operand) => not(isEqualTo(operand)),
  $gt: (operand) => {
    const bound = readBound(operand);
    return (value) => isOrderable(value) && (value as number) > bound;
  },
  $gte: (operand) => {
    const bound = readBound(operand);
    return (value) => isOrderable(value) && (value as number) >= bound;
  },
  $lt: (operand) => {
    const bound = readBound(operand);
    return (value) => isOrderable(value) && (value as number) < bound;
  },
  $lte: (operand) => {
    const bound = readBound(operand);
    return (value) => isOrderable(value) && (value as number) <= bound;
  },
  $exists: (operand) => {
    ensure(typeof operand === 'boolean');
    return operand ? not(isNullish) : isNullish;
  },
  $in: (operand) => isInList(operand, false),
  $nin: (operand) => not(isInList(operand, false)),
  $ini: (operand) => isInList(operand, true),
  $nini: (operand) => not(isInList(operand, true)),
  $all: (operand, context, depth) => containsAll(operand, context, depth, false),
  $alli: (operand, context, depth) => containsAll(operand, context, depth, true),
  $inGroup: (operand, context) => isInGroup(operand, context, false),
  $notInGroup: (operand, context) => isInGroup(operand, context, true),
  $regex: (operand) => matchesRegex(operand, ''),
  $regexi: (operand) => matchesRegex(operand, 'i'),
  $type: (operand) => {
    ensure(TYPE_NAMES.includes(operand as string));
    return (value) => typeNameOf(value) === operand;
  },
  $size: (operand, context, depth) => hasSize(operand, context, depth),
  $elemMatch: (operand, context, depth) => hasMatchingElement(operand, context, depth),
  $not: (operand, context, depth) => not(compileValueCondition(operand, context, depth + 1, false)),
  $veq: (operand) => comparesVersion(operand, EQUAL),
  $vne: (operand) => comparesVersion(operand, LESS | GREATER),
  $vgt: (operand) => comparesVersion(operand, GREATER),
  $vgte: (operand) => comparesVersion(operand, GREATER | EQUAL),
  $vlt: (operand) => comparesVersion(operand, LESS),
  $vlte: (operand) => comparesVersion(operand, LESS | EQUAL),
};

/** `$eq` and `$ne` compare primitives strictly, without a literal's coercions, and the rest deeply. */
function isEqualTo(operand: unknown): Test {
  ensure(isJsonLike(operand));
  if (operand === null || (typeof operand !== 'object' && typeof operand !== 'function')) return (value) => value === operand;
  return equalsDeeply(operand);
}

/** A `$gt`-style bound: a number or a string, compared with JavaScript's coercions. */
function readBound(operand: unknown): number {
  ensure(typeof operand === 'number' || typeof operand === 'string');
  return operand as number;
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
function isInList(list: unknown, isCaseInsensitive: boolean): Test {
  ensure(Array.isArray(list));
  if (list.length === 0) return matchNobody;
  const members: unknown[] = isCaseInsensitive ? list.map(foldCase) : list.slice();
  const has: Test = members.length < SET_THRESHOLD ? (value) => members.includes(value) : isInSet(new Set(members));
  const test: Test = isCaseInsensitive ? (value) => has(foldCase(value)) : has;
  return (value) => (Array.isArray(value) ? hasElement(value, test) : test(value));
}

function isInSet(set: ReadonlySet<unknown>): Test {
  return (value) => set.has(value);
}

function isInGroup(id: unknown, context: CompileContext, isNegated: boolean): Test {
  ensure(typeof id === 'string');
  context.dependsOnSavedGroups = true;
  const values = readSavedGroup(context.savedGroups, id);
  // A malformed group matches nobody either way: $notInGroup must not pass everyone.
  if (values === null) return matchNobody;
  const test = isInList(values, false);
  return isNegated ? not(test) : test;
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
function containsAll(items: unknown, context: CompileContext, depth: number, isCaseInsensitive: boolean): Test {
  ensure(Array.isArray(items));
  const hasAll = allOf(
    items.map((item: unknown) => {
      const itemTest = compileValueCondition(item, context, depth + 1, isCaseInsensitive);
      return (value: unknown) => hasElement(value, itemTest);
    }),
  );
  return (value) => Array.isArray(value) && hasAll(value);
}

function matchesRegex(pattern: unknown, flags: string): Test {
  ensure(typeof pattern === 'string');
  // An invalid pattern throws here, and so makes the whole condition match nobody.
  const regex = new RegExp(pattern, flags);
  return (value) => isScalar(value) && regex.test(String(value));
}

/** `$size`: a non-negative integer, or an operator condition on the length such as `{ $gt: 2 }`. */
function hasSize(operand: unknown, context: CompileContext, depth: number): Test {
  const isLength = Number.isInteger(operand) && (operand as number) >= 0;
  ensure(isLength || isOperatorObject(operand));
  const sizeTest = isLength ? equalsNumber(operand as number) : compileValueCondition(operand, context, depth + 1, false);
  return (value) => Array.isArray(value) && sizeTest(value.length);
}

/**
 * `$elemMatch` with an operator object tests each element as a value (`{ $gt: 10 }`); with any
 * other object it tests each element as a nested condition (`{ name: { $regex: '^ping' } }`).
 * Null elements never match.
 */
function hasMatchingElement(operand: unknown, context: CompileContext, depth: number): Test {
  // Anything but an object is refused as a condition.
  const elementTest = isOperatorObject(operand)
    ? compileValueCondition(operand, context, depth + 1, false)
    : compileConditionObject(operand, context, depth + 1);
  const test: Test = (element) => !isNullish(element) && elementTest(element);
  return (value) => hasElement(value, test);
}

/** The name `$type` compares with; a missing attribute reads as null, so its type is `null`. */
function typeNameOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** A version operator: whether the attribute's version is in one of the `accepted` orders. */
function comparesVersion(operand: unknown, accepted: number): Test {
  ensure(typeof operand === 'string');
  const expected = padVersion(operand);
  const orderOf = (value: unknown): number => {
    const padded = padVersion(value);
    return padded < expected ? LESS : padded > expected ? GREATER : EQUAL;
  };
  // Contexts repeat the same version, so the order last computed is kept for the next value.
  let lastValue: unknown = null;
  let lastOrder = orderOf(lastValue);
  return (value) => {
    if (value !== lastValue) {
      lastOrder = orderOf(value);
      lastValue = value;
    }
    return (lastOrder & accepted) !== 0;
  };
}
