/**
 * Compiles a targeting condition once into nested closures, so that evaluating it for a context
 * does no parsing and, for the common operators, allocates nothing: attribute paths are split,
 * regular expressions built, `$in` lists turned into sets and semver operands padded up front.
 * `evaluateCondition` (evaluate-condition.ts) keeps the compiled predicate by condition object.
 *
 * What it buys (`pnpm --filter @lift/sdk run bench`, "Targeting condition"): the bench's
 * two-clause condition takes about 16 ns compiled against 236 ns interpreted on every call by
 * GrowthBook's `evalCondition` (15x); in a decide of about 70 ns, the interpreted condition alone
 * would cost three decides.
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
import { hasOwn, isNullish, isRecord } from '../value-guards.js';
import { isJsonLike, isOperatorKey, isOperatorObject, MAX_CONDITION_DEPTH, TYPE_NAMES } from './condition-shape.js';
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

/** How strings compare: `$ini`, `$nini` and the items of `$alli` ignore case. */
interface CaseOptions {
  readonly isCaseInsensitive?: boolean;
}

/** From this many values on, `$in` looks values up in a Set instead of scanning the list. */
const SET_THRESHOLD = 8;

const matchEveryone: Test = () => true;
const matchNobody: Test = () => false;

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
    const predicate: CompiledCondition = (attributes) => {
      try {
        return test(attributes);
      } catch {
        // Only exotic attributes get here, e.g. an object whose getters or toString throw.
        return false;
      }
    };
    return { predicate, dependsOnSavedGroups: context.dependsOnSavedGroups };
  } catch {
    // MALFORMED, or an invalid regular expression: the whole condition matches nobody.
    return { predicate: matchNobody, dependsOnSavedGroups: false };
  }
}

// Combinators, constants folded, so that a compiled condition is a shallow tree of direct calls.
// Callers compile every part before combining, so that a malformed part is found even beside one
// that matches nobody.

function allOf(tests: readonly Test[]): Test {
  const live = tests.filter((test) => test !== matchEveryone);
  const [first, second] = live;
  if (live.includes(matchNobody)) return matchNobody;
  if (live.length > 2) return (subject) => live.every((test) => test(subject));
  return second === undefined ? (first ?? matchEveryone) : (subject) => (first as Test)(subject) && second(subject);
}

function not(test: Test): Test {
  return test === matchEveryone ? matchNobody : test === matchNobody ? matchEveryone : (subject) => !test(subject);
}

/** An operator that holds exactly when `compile`'s does not. */
const negate =
  (compile: OperatorCompiler): OperatorCompiler =>
  (...args) =>
    not(compile(...args));

const isScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

// Conditions: objects whose keys are `$and $or $nor $not` or attribute paths.

function compileConditionObject(condition: unknown, context: CompileContext, depth: number): Test {
  ensure(depth <= MAX_CONDITION_DEPTH && isRecord(condition));
  return allOf(
    Object.keys(condition).map((key) => {
      const operand = condition[key];
      if (key === '$not') return not(compileConditionObject(operand, context, depth + 1));
      if (key === '$and' || key === '$or' || key === '$nor') {
        ensure(Array.isArray(operand));
        const tests = operand.map((item: unknown) => compileConditionObject(item, context, depth + 1));
        if (key === '$and') return allOf(tests);
        // An empty $or matches everyone, as in GrowthBook, which reads $nor as "not $or".
        const isAnyMet = tests.length === 0 ? matchEveryone : not(allOf(tests.map(not)));
        return key === '$or' ? isAnyMet : not(isAnyMet);
      }
      // Value operators belong under an attribute, and GrowthBook's `$savedGroup` is not supported;
      // any other key, `$groups` included, is an attribute path.
      ensure(!hasOwn(OPERATORS, key) && key !== '$savedGroup');
      const test = compileValueCondition(operand, context, depth + 1);
      // A path without a dot is one segment, read without `readPath`'s loop when it cannot name
      // something every object inherits.
      if (!key.includes('.') && !(key in Object.prototype))
        return (attributes) => test(readOwnProperty(attributes, key) ?? null);
      const segments = splitPath(key);
      return (attributes) => test(readPath(attributes, segments) ?? null);
    }),
  );
}

/**
 * `readPath` for a one-segment path whose key `Object.prototype` lacks, without its
 * `hasOwnProperty` call for plain objects: that call costs more than the rest of a simple clause
 * (the bench's two-clause condition: 12 ns with this read, 21 ns with `readPath`'s, an eighth of a
 * decide; measured in one process, Node 20).
 * An object whose constructor is `Object` is taken to be plain, its prototype `Object.prototype`,
 * which lacks the key, so a value read from it is its own. Anything else (a class instance, a
 * null-prototype object) takes the `hasOwnProperty` path. Not covered: an
 * `Object.create(plainObject)` whose prototype holds the key, or `Object.prototype` polluted with
 * the key after compilation.
 */
function readOwnProperty(target: unknown, key: string): unknown {
  if (typeof target !== 'object' || target === null) return undefined;
  const record = target as Readonly<Record<string, unknown>>;
  return record.constructor === Object || hasOwn(record, key) ? record[key] : undefined;
}

// Value conditions: a literal (equality) or an operator object, tested against one value.

function compileValueCondition(
  operand: unknown,
  context: CompileContext,
  depth: number,
  { isCaseInsensitive = false }: CaseOptions = {},
): Test {
  ensure(depth <= MAX_CONDITION_DEPTH && isJsonLike(operand));
  if (isOperatorObject(operand)) {
    return allOf(
      Object.keys(operand).map((operator) => {
        const compile = hasOwn(OPERATORS, operator) && OPERATORS[operator];
        ensure(compile);
        return compile(operand[operator], context, depth);
      }),
    );
  }
  // A literal object must not mix in operators.
  ensure(!isRecord(operand) || !Object.keys(operand).some(isOperatorKey));
  if (isCaseInsensitive && typeof operand === 'string') {
    const folded = operand.toLowerCase();
    return (value) => isScalar(value) && String(value).toLowerCase() === folded;
  }
  return equalsLiteral(operand);
}

/**
 * A string literal also matches a number or boolean with that text (`'42'` matches 42); a number
 * also matches a numeric string (`8` matches `'8'`) and a boolean as 0 or 1; a boolean also
 * matches a number by truthiness (1 matches true), never a string; null matches a missing
 * attribute; arrays and objects compare deeply.
 */
function equalsLiteral(expected: unknown): Test {
  switch (typeof expected) {
    case 'string':
      return (value) =>
        value === expected || ((typeof value === 'number' || typeof value === 'boolean') && String(value) === expected);
    case 'number':
      return (value) =>
        value === expected ||
        (typeof value === 'string'
          ? value.trim() !== '' && Number(value) === expected
          : typeof value === 'boolean' && Number(value) === expected);
    case 'boolean':
      return (value) => value === expected || (typeof value === 'number' && Boolean(value) === expected);
  }
  return expected === null ? isNullish : (value) => isDeepEqual(expected, value);
}

/** Deep equality of JSON-like values; object keys in any order, own properties only. */
function isDeepEqual(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected) !== Array.isArray(actual)) return false;
  const expectedRecord = expected as Readonly<Record<string, unknown>>;
  const actualRecord = actual as Readonly<Record<string, unknown>>;
  const keys = Object.keys(expectedRecord);
  return (
    keys.length === Object.keys(actualRecord).length &&
    keys.every((key) => hasOwn(actualRecord, key) && isDeepEqual(expectedRecord[key], actualRecord[key]))
  );
}

// Operators, each checking its operand before compiling it.

/** `$eq` and `$ne` compare primitives strictly, without a literal's coercions, and the rest deeply. */
const isEqualTo: OperatorCompiler = (operand) => {
  ensure(isJsonLike(operand));
  return typeof operand === 'object' && operand !== null
    ? (value) => isDeepEqual(operand, value)
    : (value) => value === operand;
};

/**
 * A `$gt`-style operator: the bound is a number or a string, compared with JavaScript's coercions
 * between strings, numbers and booleans (`'8' > 5`); null (a missing attribute) compares as 0, as
 * in GrowthBook. Arrays and objects never match.
 */
const compareWith =
  (holds: (value: number, bound: number) => boolean): OperatorCompiler =>
  (bound) => {
    ensure(typeof bound === 'number' || typeof bound === 'string');
    return (value) =>
      (value === null || isScalar(value) || typeof value === 'bigint') && holds(value as number, bound as number);
  };

/**
 * Membership as in GrowthBook: an array value matches when any of its elements is in the list.
 * Short lists are scanned, which beats hashing; long ones (saved groups) are looked up in a Set.
 */
function isInList(list: unknown, { isCaseInsensitive = false }: CaseOptions = {}): Test {
  ensure(Array.isArray(list));
  const fold = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);
  const members = isCaseInsensitive ? list.map(fold) : list;
  const set = new Set(members);
  const has: Test = members.length < SET_THRESHOLD ? (value) => members.includes(value) : (value) => set.has(value);
  const test: Test = isCaseInsensitive ? (value) => has(fold(value)) : has;
  return (value) => (Array.isArray(value) ? value.some(test) : test(value));
}

const isIn: OperatorCompiler = (list) => isInList(list);
const isInIgnoringCase: OperatorCompiler = (list) => isInList(list, { isCaseInsensitive: true });

/**
 * A saved group's values: an unknown id is an empty list (so `$notInGroup` passes), a bare array
 * or a `{ type: 'list', values }` entry its values; any other entry matches nobody, negated or not.
 */
function isInGroup(
  id: unknown,
  context: CompileContext,
  { isNegated = false }: { readonly isNegated?: boolean } = {},
): Test {
  ensure(typeof id === 'string');
  context.dependsOnSavedGroups = true;
  const groups = context.savedGroups;
  const entry: unknown = typeof groups === 'object' && groups !== null && hasOwn(groups, id) ? groups[id] : [];
  const values = Array.isArray(entry) ? entry : isRecord(entry) && entry.type === 'list' ? entry.values : null;
  if (!Array.isArray(values)) return matchNobody;
  const test = isInList(values);
  return isNegated ? not(test) : test;
}

/** Each item of `$all` is itself a value condition that some element of the array must meet. */
const containsAll =
  (options: CaseOptions = {}): OperatorCompiler =>
  (items, context, depth) => {
    ensure(Array.isArray(items));
    const hasAll = allOf(
      items.map((item: unknown) => {
        const itemTest = compileValueCondition(item, context, depth + 1, options);
        return (value: unknown) => (value as unknown[]).some(itemTest);
      }),
    );
    return (value) => Array.isArray(value) && hasAll(value);
  };

const matchesRegex =
  (flags: string): OperatorCompiler =>
  (pattern) => {
    ensure(typeof pattern === 'string');
    // An invalid pattern throws here, and so makes the whole condition match nobody.
    const regex = new RegExp(pattern, flags);
    return (value) => isScalar(value) && regex.test(String(value));
  };

// The flags of the version operators say which orders of the attribute's version to the
// operand's they accept.
const LESS = 1;
const EQUAL = 2;
const GREATER = 4;

function comparesVersion(accepted: number): OperatorCompiler {
  return (operand) => {
    ensure(typeof operand === 'string');
    const expected = padVersion(operand);
    // Contexts repeat the same version, so the order last computed is kept for the next value.
    let lastValue: unknown = {};
    let lastOrder = 0;
    return (value) => {
      if (value !== lastValue) {
        const padded = padVersion(value);
        lastOrder = padded < expected ? LESS : padded > expected ? GREATER : EQUAL;
        lastValue = value;
      }
      return (lastOrder & accepted) !== 0;
    };
  };
}

/** How each value operator compiles; any other `$` key under an attribute is malformed. */
const OPERATORS: Readonly<Record<string, OperatorCompiler>> = {
  $eq: isEqualTo,
  $ne: negate(isEqualTo),
  $gt: compareWith((value, bound) => value > bound),
  $gte: compareWith((value, bound) => value >= bound),
  $lt: compareWith((value, bound) => value < bound),
  $lte: compareWith((value, bound) => value <= bound),
  $exists: (operand) => {
    ensure(typeof operand === 'boolean');
    return operand ? not(isNullish) : isNullish;
  },
  $in: isIn,
  $nin: negate(isIn),
  $ini: isInIgnoringCase,
  $nini: negate(isInIgnoringCase),
  $all: containsAll(),
  $alli: containsAll({ isCaseInsensitive: true }),
  $inGroup: (id, context) => isInGroup(id, context),
  $notInGroup: (id, context) => isInGroup(id, context, { isNegated: true }),
  $regex: matchesRegex(''),
  $regexi: matchesRegex('i'),
  $type: (operand) => {
    ensure(TYPE_NAMES.includes(operand as string));
    // A missing attribute reads as null, so its type is `null`.
    return (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value) === operand;
  },
  // A non-negative integer, or an operator condition on the length such as `{ $gt: 2 }`.
  $size: (operand, context, depth) => {
    const isLength = Number.isInteger(operand) && (operand as number) >= 0;
    ensure(isLength || isOperatorObject(operand));
    const sizeTest = isLength ? equalsLiteral(operand) : compileValueCondition(operand, context, depth + 1);
    return (value) => Array.isArray(value) && sizeTest(value.length);
  },
  // With an operator object each element is tested as a value (`{ $gt: 10 }`); with any other
  // object as a nested condition (`{ name: { $regex: '^ping' } }`). Null elements never match.
  $elemMatch: (operand, context, depth) => {
    const elementTest = isOperatorObject(operand)
      ? compileValueCondition(operand, context, depth + 1)
      : compileConditionObject(operand, context, depth + 1);
    const test: Test = (element) => !isNullish(element) && elementTest(element);
    return (value) => Array.isArray(value) && value.some(test);
  },
  $not: (operand, context, depth) => not(compileValueCondition(operand, context, depth + 1)),
  $veq: comparesVersion(EQUAL),
  $vne: comparesVersion(LESS | GREATER),
  $vgt: comparesVersion(GREATER),
  $vgte: comparesVersion(GREATER | EQUAL),
  $vlt: comparesVersion(LESS),
  $vlte: comparesVersion(LESS | EQUAL),
};
