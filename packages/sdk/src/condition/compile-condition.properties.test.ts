import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readPath, splitPath } from '../attribute-path.js';
import type { Attributes, Condition, SavedGroups } from '../types.js';
import { compileCondition } from './compile-condition.js';
import { findConditionIssues } from './condition-issues.js';
import { MAX_CONDITION_DEPTH } from './condition-shape.js';
import { evaluateCondition } from './evaluate-condition.js';

const OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$exists',
  '$in',
  '$nin',
  '$ini',
  '$nini',
  '$all',
  '$alli',
  '$inGroup',
  '$notInGroup',
  '$regex',
  '$regexi',
  '$type',
  '$size',
  '$elemMatch',
  '$not',
  '$veq',
  '$vne',
  '$vgt',
  '$vgte',
  '$vlt',
  '$vlte',
  '$nope',
] as const;

const key = fc.constantFrom('a', 'b', 'a.b', 'b.0', '$groups', 'constructor');
const scalar = fc.oneof(
  fc.constantFrom('a', 'A', '1', '8', '', '1.2.3', 'v2.0.0-rc.1', 'string', 'null', 'array', '(', '^a', 'g'),
  fc.integer({ min: -3, max: 10 }),
  fc.boolean(),
  fc.constant(null),
);

/** Conditions shaped like real ones, operands sometimes well formed and sometimes arbitrary JSON. */
const { condition: conditionShaped } = fc.letrec((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
    fc.record({ $and: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ $nor: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ $not: tie('condition') }),
  ),
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 3 }), tie('operators')),
  operators: fc.dictionary(fc.constantFrom(...OPERATORS), tie('operand'), { minKeys: 1, maxKeys: 2 }),
  operand: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    tie('operators'),
    tie('condition'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
}));

/** Keys and values that only some checks catch: not JSON, not integers, not type names, invalid patterns. */
const odd = fc.constantFrom(
  undefined,
  1n,
  1.5,
  -1,
  'integer',
  'undefined',
  'bigint',
  '(',
  '[',
  '$savedGroup',
  () => 1,
  {},
  [],
);
const anyOperand = fc.oneof(
  scalar,
  odd,
  fc.array(fc.oneof(scalar, odd), { maxLength: 3 }),
  fc.constantFrom(
    { $gt: 1 },
    { b: 1 },
    { $gt: 1, b: 1 },
    { $nope: 1 },
    { $size: 2 },
    { b: { $regex: '(' } },
    { $not: { $eq: 1 } },
  ),
);
/** One key with an operand of any shape: when that is malformed, it is the only thing that is. */
const oneKey = fc
  .tuple(fc.constantFrom(...OPERATORS, '$and', '$or', '$nor', '$savedGroup', 'b'), anyOperand)
  .map(([operator, operand]) => ({ [operator]: operand }));
/** `oneKey` as a condition, as a value condition, and nested in each construct that nests. */
const oneKeyInContext = fc.tuple(oneKey, fc.nat(10)).map(([inner, where]): Condition => {
  const contexts: ((inner: unknown) => Condition)[] = [
    (condition) => condition as Condition,
    (condition) => ({ $not: condition }),
    (condition) => ({ $and: [{ b: 1 }, condition] }),
    (condition) => ({ $nor: [condition] }),
    (condition) => ({ a: { $elemMatch: condition } }),
    (value) => ({ a: value }),
    (value) => ({ a: { $not: value } }),
    (value) => ({ a: { $all: [value] } }),
    (value) => ({ a: { $alli: [1, value] } }),
    (value) => ({ a: { $size: value } }),
    (value) => ({ 'a.b': { $elemMatch: value } }),
  ];
  return (contexts[where % contexts.length] as (inner: unknown) => Condition)(inner);
});

type Nest = (inner: unknown) => unknown;
type Kind = 'condition' | 'value';
/** Ways to nest a condition or a value condition one or two levels deeper, each well formed. */
const NESTINGS: Record<Kind, [Nest, Kind][]> = {
  condition: [
    [(condition) => ({ $not: condition }), 'condition'],
    [(condition) => ({ $and: [condition] }), 'condition'],
    [(condition) => ({ $or: [{ a: 1 }, condition] }), 'condition'],
    [(condition) => ({ $nor: [condition] }), 'condition'],
    // With only $ keys, an $elemMatch operand would read as operators, not as a condition.
    [(condition) => ({ $elemMatch: { b: null, $and: [condition] } }), 'value'],
  ],
  value: [
    [(value) => ({ a: value }), 'condition'],
    [(value) => ({ $not: value }), 'value'],
    [(value) => ({ $all: [value] }), 'value'],
    [(value) => ({ $alli: [value, 1] }), 'value'],
    [(value) => ({ $elemMatch: { $not: value } }), 'value'],
    [(value) => ({ $size: { $not: value } }), 'value'],
    [(value) => ({ $elemMatch: { b: value } }), 'value'],
  ],
};
const LEAVES: [unknown, Kind][] = [
  [{ a: 1 }, 'condition'],
  [{}, 'condition'],
  [1, 'value'],
  ['x', 'value'],
  [null, 'value'],
  [{ $size: 3 }, 'value'],
  [{ $gt: 0 }, 'value'],
  [{ $exists: true }, 'value'],
];
/**
 * Conditions nested through every nesting construct, from half of MAX_CONDITION_DEPTH to past it:
 * one leaf wrapped ever deeper, each step one condition.
 */
const nestedAcrossTheLimit = fc
  .tuple(
    fc.constantFrom(...LEAVES),
    fc.array(fc.nat(), { minLength: MAX_CONDITION_DEPTH + 2, maxLength: MAX_CONDITION_DEPTH + 2 }),
  )
  .map(([[leaf, leafKind], choices]) => {
    const conditions: Condition[] = [];
    let inner = leaf;
    let kind = leafKind;
    for (const choice of choices) {
      const nestings = NESTINGS[kind];
      const [nest, outerKind] = nestings[choice % nestings.length] as [Nest, Kind];
      inner = nest(inner);
      kind = outerKind;
      conditions.push((kind === 'condition' ? inner : { a: inner }) as Condition);
    }
    return conditions.slice(MAX_CONDITION_DEPTH / 2);
  });

const attributeValue = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('b', '0'), scalar),
);
const attributesShaped = fc.dictionary(
  fc.constantFrom('a', 'b', '$groups'),
  fc.oneof(attributeValue, fc.array(attributeValue, { maxLength: 2 })),
);
const savedGroups = fc.option(fc.dictionary(fc.constantFrom('g', 'h', 'a'), fc.array(scalar, { maxLength: 3 })), {
  nil: undefined,
});

const hostileAttributes = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

describe('compileCondition and evaluateCondition properties', () => {
  it('never throw on arbitrary JSON conditions and attributes, and agree', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.object(), (condition, attributes) => {
        const compiled = compileCondition(condition as Condition);
        const result = compiled(attributes as Attributes);
        expect(typeof result).toBe('boolean');
        expect(evaluateCondition(condition as Condition, attributes as Attributes)).toBe(result);
      }),
    );
  });

  it('never throw on condition-shaped input, and agree, with or without saved groups', () => {
    fc.assert(
      fc.property(conditionShaped, attributesShaped, savedGroups, (condition, attributes, groups) => {
        const compiled = compileCondition(condition as Condition, groups as SavedGroups | undefined);
        const result = compiled(attributes as Attributes);
        expect(typeof result).toBe('boolean');
        expect(
          evaluateCondition(condition as Condition, attributes as Attributes, groups as SavedGroups | undefined),
        ).toBe(result);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throw on hostile attributes', () => {
    fc.assert(
      fc.property(conditionShaped, hostileAttributes, (condition, attributes) => {
        expect(typeof compileCondition(condition as Condition)(attributes as Attributes)).toBe('boolean');
        expect(typeof evaluateCondition(condition as Condition, { a: attributes } as Attributes)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('match nobody when findConditionIssues reports anything', () => {
    fc.assert(
      fc.property(conditionShaped, attributesShaped, (condition, attributes) => {
        fc.pre(findConditionIssues(condition).length > 0);
        expect(compileCondition(condition as Condition)(attributes as Attributes)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  // `{ $or: [condition, {}] }` matches everyone unless compiling refused it: then it matches nobody.
  const isRefused = (condition: unknown, groups?: SavedGroups): boolean =>
    !compileCondition({ $or: [condition, {}] }, groups)({});
  const hasIssues = (condition: unknown): boolean => findConditionIssues({ $or: [condition, {}] }).length > 0;

  it('refuse exactly what findConditionIssues reports', () => {
    fc.assert(
      fc.property(conditionShaped, savedGroups, (condition, groups) => {
        expect(isRefused(condition, groups as SavedGroups | undefined)).toBe(hasIssues(condition));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuse exactly what findConditionIssues reports, one key of any shape anywhere, values JSON cannot hold included', () => {
    fc.assert(
      fc.property(oneKeyInContext, (condition) => {
        expect(isRefused(condition)).toBe(hasIssues(condition));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuse exactly what findConditionIssues reports across the nesting limit', () => {
    fc.assert(
      fc.property(nestedAcrossTheLimit, (conditions) => {
        for (const condition of conditions) expect(isRefused(condition)).toBe(hasIssues(condition));
      }),
      { numRuns: 300 },
    );
  });

  it('negate with $not, and combine with $and and $or, for well-formed conditions', () => {
    const wellFormed = conditionShaped.filter((condition) => findConditionIssues(condition).length === 0);
    fc.assert(
      fc.property(wellFormed, wellFormed, attributesShaped, (first, second, attributes) => {
        const a = compileCondition(first as Condition)(attributes as Attributes);
        const b = compileCondition(second as Condition)(attributes as Attributes);
        expect(evaluateCondition({ $not: first }, attributes as Attributes)).toBe(!a);
        expect(evaluateCondition({ $and: [first, second] }, attributes as Attributes)).toBe(a && b);
        expect(evaluateCondition({ $or: [first, second] }, attributes as Attributes)).toBe(a || b);
        expect(evaluateCondition({ $nor: [first, second] }, attributes as Attributes)).toBe(!(a || b));
      }),
      { numRuns: 500 },
    );
  });

  it('treat $nin as the negation of $in', () => {
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 12 }), attributeValue, (list, value) => {
        const attributes = { a: value } as Attributes;
        expect(evaluateCondition({ a: { $nin: list } }, attributes)).toBe(
          !evaluateCondition({ a: { $in: list } }, attributes),
        );
        expect(evaluateCondition({ a: { $nini: list } }, attributes)).toBe(
          !evaluateCondition({ a: { $ini: list } }, attributes),
        );
      }),
    );
  });

  it('do not mutate the condition, the attributes or the saved groups', () => {
    fc.assert(
      fc.property(conditionShaped, attributesShaped, savedGroups, (condition, attributes, groups) => {
        const before = JSON.stringify([condition, attributes, groups]);
        evaluateCondition(condition as Condition, attributes as Attributes, groups as SavedGroups | undefined);
        compileCondition(condition as Condition, groups as SavedGroups | undefined)(attributes as Attributes);
        expect(JSON.stringify([condition, attributes, groups])).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('read attributes as readPath does: own properties only, a missing one as null', () => {
    const path = fc.oneof(
      fc.constantFrom('a', 'constructor', '__proto__', 'toString', 'length', '0', 'a.b', 'a.0', 'a.constructor'),
      // Keys starting with $ may be operators at the condition level.
      fc.string({ maxLength: 3 }).filter((candidate) => !candidate.startsWith('$')),
    );
    const target = fc.oneof(
      hostileAttributes,
      fc.dictionary(
        fc.constantFrom('a', 'b', '0', 'length'),
        fc.oneof(hostileAttributes, fc.dictionary(fc.constantFrom('b', '0'), scalar)),
      ),
    );
    fc.assert(
      fc.property(path, target, (attributePath, attributes) => {
        const value = readPath(attributes, splitPath(attributePath));
        const exists = compileCondition({ [attributePath]: { $exists: true } });
        expect(exists(attributes as Attributes)).toBe(value !== undefined && value !== null);
        if (typeof value === 'string' || typeof value === 'number') {
          expect(compileCondition({ [attributePath]: { $eq: value } })(attributes as Attributes)).toBe(value === value);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
