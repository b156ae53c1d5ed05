import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Attributes, Condition, SavedGroups } from '../types.js';
import { compileCondition } from './compile-condition.js';
import { evaluateCondition } from './evaluate-condition.js';

/** The shared folder sits beside the repository checkout, wherever that is cloned. */
const CASES_FILE = new URL('../../../../../shared/conformance/growthbook-cases.json', import.meta.url);
const EXPECTED_CASE_COUNT = 248;

type RawCase = [
  name: string,
  condition: Condition,
  attributes: Attributes,
  expected: boolean,
  savedGroups?: SavedGroups,
];

interface ConditionCase {
  readonly name: string;
  readonly condition: Condition;
  readonly attributes: Attributes;
  readonly expected: boolean;
  readonly savedGroups: SavedGroups | undefined;
}

const cases: ConditionCase[] = (
  JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { evalCondition: RawCase[] }
).evalCondition.map(([name, condition, attributes, expected, savedGroups]) => ({
  name,
  condition,
  attributes,
  expected,
  savedGroups,
}));

describe('GrowthBook evalCondition conformance cases', () => {
  it(`has all ${EXPECTED_CASE_COUNT} cases`, () => {
    expect(cases).toHaveLength(EXPECTED_CASE_COUNT);
  });

  it.each(cases)('evaluateCondition: $name', ({ condition, attributes, expected, savedGroups }) => {
    expect(evaluateCondition(condition, attributes, savedGroups)).toBe(expected);
    // A second call takes the cached predicate.
    expect(evaluateCondition(condition, attributes, savedGroups)).toBe(expected);
  });

  it.each(cases)('compileCondition: $name', ({ condition, attributes, expected, savedGroups }) => {
    expect(compileCondition(condition, savedGroups)(attributes)).toBe(expected);
  });
});

describe('evaluateCondition', () => {
  it('matches everyone with an empty condition', () => {
    expect(evaluateCondition({}, {})).toBe(true);
    expect(compileCondition({})({ anything: 1 })).toBe(true);
  });

  it('targets platform and region, as in the design document', () => {
    const isTargeted = compileCondition({
      platform: 'iOS',
      region: { $in: ['NC', 'SC'] },
      appVersion: { $vgte: '2.1.0' },
    });
    expect(isTargeted({ platform: 'iOS', region: 'SC', appVersion: '2.10.0' })).toBe(true);
    expect(isTargeted({ platform: 'iOS', region: 'SC', appVersion: '2.0.9' })).toBe(false);
    expect(isTargeted({ platform: 'iOS', region: 'VA', appVersion: '2.1.0' })).toBe(false);
    expect(isTargeted({ platform: 'Android', region: 'NC', appVersion: '3.0.0' })).toBe(false);
  });

  it('matches nobody when the condition is malformed, even under $not or $nor', () => {
    const malformed: Condition[] = [
      { name: { $regx: 'x' } },
      { $not: { name: { $regx: 'x' } } },
      { $nor: [{ n: { $in: 1 } }] },
      { $not: { name: { $regex: '(' } } },
      { $and: {} },
      { $or: [1] },
      { $not: 'x' },
      { n: { $in: [1], plain: 1 } },
      { $in: [1] },
      { n: { $type: 'integer' } },
      { v: { $vgt: 2 } },
    ];
    for (const condition of malformed) {
      expect(evaluateCondition(condition, { name: 'y', n: 5, v: '3.0.0' }), JSON.stringify(condition)).toBe(false);
      expect(compileCondition(condition)({}), JSON.stringify(condition)).toBe(false);
    }
  });

  it('matches nobody for a condition that is not an object', () => {
    for (const garbage of [null, undefined, 'iOS', 7, true, [{ a: 1 }]]) {
      expect(evaluateCondition(garbage as unknown as Condition, { a: 1 })).toBe(false);
      expect(compileCondition(garbage as unknown as Condition)({ a: 1 })).toBe(false);
    }
  });

  it('reads $-prefixed keys at the condition level as attributes', () => {
    expect(evaluateCondition({ $groups: { $elemMatch: { $eq: 'a' } } }, { $groups: ['b', 'a'] })).toBe(true);
  });

  it('reads dotted paths through own properties only', () => {
    expect(evaluateCondition({ 'father.age': { $gte: 70 } }, { father: { age: 70 } })).toBe(true);
    expect(evaluateCondition({ constructor: { $exists: true } }, {})).toBe(false);
    expect(evaluateCondition({ 'tags.length': 2 }, { tags: ['a', 'b'] })).toBe(true);
    expect(evaluateCondition({ 'tags.1': 'b' }, { tags: ['a', 'b'] })).toBe(true);
  });

  it('ignores what an attributes object inherits', () => {
    class Context {
      readonly userId = 'u1';
      get platform(): string {
        return 'iOS';
      }
    }
    const context = new Context() as unknown as Attributes;
    expect(evaluateCondition({ userId: 'u1' }, context)).toBe(true);
    expect(evaluateCondition({ platform: { $exists: true } }, context)).toBe(false);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { platform: 'iOS' }) as Attributes;
    expect(evaluateCondition({ platform: 'iOS', toString: { $exists: false } }, bare)).toBe(true);
    expect(evaluateCondition({ toString: { $exists: true } }, { platform: 'iOS' })).toBe(false);
    expect(evaluateCondition({ valueOf: { $exists: true } }, { valueOf: 1 } as unknown as Attributes)).toBe(true);
  });

  it('reads a missing attribute as null', () => {
    expect(evaluateCondition({ a: { $type: 'null' } }, {})).toBe(true);
    expect(evaluateCondition({ a: { $eq: null } }, {})).toBe(true);
    expect(evaluateCondition({ a: { $exists: false } }, { a: undefined })).toBe(true);
    expect(evaluateCondition({ v: { $vlt: '1.0.0' } }, {})).toBe(true);
  });

  describe('literal equality', () => {
    it('coerces between strings, numbers and booleans', () => {
      expect(evaluateCondition({ id: '42' }, { id: 42 })).toBe(true);
      expect(evaluateCondition({ id: 42 }, { id: '42' })).toBe(true);
      expect(evaluateCondition({ beta: 'true' }, { beta: true })).toBe(true);
      expect(evaluateCondition({ n: 1 }, { n: true })).toBe(true);
      expect(evaluateCondition({ beta: true }, { beta: 1 })).toBe(true);
      expect(evaluateCondition({ beta: false }, { beta: 0 })).toBe(true);
    });

    it('never equates null, arrays or objects with a string, number or boolean', () => {
      expect(evaluateCondition({ a: 'null' }, {})).toBe(false);
      expect(evaluateCondition({ a: 0 }, {})).toBe(false);
      expect(evaluateCondition({ a: 0 }, { a: '' })).toBe(false);
      expect(evaluateCondition({ a: 0 }, { a: '  ' })).toBe(false);
      expect(evaluateCondition({ tags: 'a' }, { tags: ['a'] })).toBe(false);
      expect(evaluateCondition({ n: 5 }, { n: [5] })).toBe(false);
      expect(evaluateCondition({ o: '[object Object]' }, { o: {} })).toBe(false);
      expect(evaluateCondition({ beta: true }, { beta: 'false' })).toBe(false);
      expect(evaluateCondition({ beta: true }, { beta: [] })).toBe(false);
    });

    it('compares arrays in order and objects regardless of key order', () => {
      expect(evaluateCondition({ o: { a: 1, b: [1, { c: 2 }] } }, { o: { b: [1, { c: 2 }], a: 1 } })).toBe(true);
      expect(evaluateCondition({ o: { a: 1, b: [1, { c: 2 }] } }, { o: { b: [{ c: 2 }, 1], a: 1 } })).toBe(false);
      expect(evaluateCondition({ o: {} }, { o: {} })).toBe(true);
      expect(evaluateCondition({ o: {} }, { o: [] })).toBe(false);
      expect(evaluateCondition({ o: [] }, { o: {} })).toBe(false);
      expect(evaluateCondition({ o: {} }, {})).toBe(false);
      expect(evaluateCondition({ o: { $eq: { a: [1] } } }, { o: { a: [1] } })).toBe(true);
      expect(evaluateCondition({ o: { $ne: { a: [1] } } }, { o: { a: [1] } })).toBe(false);
    });
  });

  describe('operators', () => {
    it('uses a Set for long $in lists with the same answers as a short one', () => {
      const long = Array.from({ length: 20 }, (_, i) => `r${i}`);
      expect(evaluateCondition({ r: { $in: long } }, { r: 'r17' })).toBe(true);
      expect(evaluateCondition({ r: { $in: long } }, { r: ['x', 'r3'] })).toBe(true);
      expect(evaluateCondition({ r: { $in: long } }, { r: 'r20' })).toBe(false);
      expect(evaluateCondition({ r: { $nin: long } }, { r: 'r20' })).toBe(true);
      expect(evaluateCondition({ r: { $ini: long } }, { r: 'R17' })).toBe(true);
      expect(evaluateCondition({ r: { $nini: long } }, { r: 'R17' })).toBe(false);
    });

    it('treats an empty $in as matching nobody and an empty $nin as matching everyone', () => {
      expect(evaluateCondition({ r: { $in: [] } }, { r: 'a' })).toBe(false);
      expect(evaluateCondition({ r: { $nin: [] } }, {})).toBe(true);
    });

    it('does not match $in membership by deep equality', () => {
      expect(evaluateCondition({ r: { $in: [[1]] } }, { r: [1] })).toBe(false);
    });

    it('applies each $all item as a value condition', () => {
      expect(evaluateCondition({ n: { $all: [{ $gt: 10 }, 3] } }, { n: [1, 3, 12] })).toBe(true);
      expect(evaluateCondition({ n: { $all: [{ $gt: 10 }, 3] } }, { n: [1, 3, 9] })).toBe(false);
      expect(evaluateCondition({ n: { $all: [] } }, { n: [] })).toBe(true);
    });

    it('skips null elements in $elemMatch but tests 0, false and the empty string', () => {
      expect(evaluateCondition({ a: { $elemMatch: { $exists: false } } }, { a: [null] })).toBe(false);
      expect(evaluateCondition({ a: { $elemMatch: { $eq: 0 } } }, { a: [null, 0] })).toBe(true);
      expect(evaluateCondition({ a: { $elemMatch: { $eq: false } } }, { a: [false] })).toBe(true);
      expect(evaluateCondition({ a: { $elemMatch: { $eq: '' } } }, { a: [''] })).toBe(true);
      expect(evaluateCondition({ a: { $elemMatch: {} } }, { a: [null, 1] })).toBe(true);
      expect(evaluateCondition({ a: { $elemMatch: {} } }, { a: [] })).toBe(false);
    });

    it('combines $size with a nested operator condition', () => {
      expect(evaluateCondition({ a: { $size: { $gte: 2, $lt: 4 } } }, { a: [1, 2, 3] })).toBe(true);
      expect(evaluateCondition({ a: { $size: { $gte: 2, $lt: 4 } } }, { a: [1, 2, 3, 4] })).toBe(false);
    });

    it('tests $regex against strings, numbers and booleans only', () => {
      expect(evaluateCondition({ id: { $regex: '^4' } }, { id: 42 })).toBe(true);
      expect(evaluateCondition({ a: { $regex: 'null' } }, {})).toBe(false);
      expect(evaluateCondition({ a: { $regex: 'x' } }, { a: ['x'] })).toBe(false);
      expect(evaluateCondition({ path: { $regex: '^/checkout/' } }, { path: '/checkout/pay' })).toBe(true);
    });

    it('orders strings and numbers as JavaScript does but never arrays or objects', () => {
      expect(evaluateCondition({ n: { $gt: 5 } }, { n: '8' })).toBe(true);
      expect(evaluateCondition({ n: { $gt: 5 } }, { n: [8] })).toBe(false);
      expect(evaluateCondition({ n: { $lt: 5 } }, { n: { a: 1 } })).toBe(false);
    });

    it('compares versions with numeric identifiers wider than five digits', () => {
      expect(evaluateCondition({ v: { $vgt: '99999.0.0' } }, { v: '100000.0.0' })).toBe(true);
      expect(evaluateCondition({ v: { $vgt: '1.0.0' } }, { v: 2 })).toBe(true);
    });

    it('gives the same version answers when the predicate is reused with other values', () => {
      const isRecent = compileCondition({ v: { $vgte: '2.1.0' } });
      const versions = ['2.1.0', '2.1.0', '2.0.9', '2.0.9', '10.0.0', null, 3, '2.1.0-rc.1'];
      expect(versions.map((v) => isRecent({ v }))).toEqual([true, true, false, false, true, false, true, false]);
    });
  });

  describe('saved groups', () => {
    const groups: SavedGroups = { beta: ['u1', 'u2'], staff: ['u9'] };

    it('reads groups at compile time', () => {
      const isBeta = compileCondition({ id: { $inGroup: 'beta' } }, groups);
      expect(isBeta({ id: 'u2' })).toBe(true);
      expect(isBeta({ id: 'u9' })).toBe(false);
      expect(isBeta({ id: ['u9', 'u1'] })).toBe(true);
    });

    it('does not reuse a predicate compiled with other saved groups', () => {
      const condition: Condition = { id: { $inGroup: 'beta' } };
      expect(evaluateCondition(condition, { id: 'u1' })).toBe(false);
      expect(evaluateCondition(condition, { id: 'u1' }, groups)).toBe(true);
      expect(evaluateCondition(condition, { id: 'u1' }, { beta: [] })).toBe(false);
      expect(evaluateCondition(condition, { id: 'u1' })).toBe(false);
    });

    it('reuses a predicate that does not use saved groups whatever groups are passed', () => {
      const condition: Condition = { id: 'u1' };
      expect(evaluateCondition(condition, { id: 'u1' }, groups)).toBe(true);
      expect(evaluateCondition(condition, { id: 'u1' })).toBe(true);
      expect(evaluateCondition(condition, { id: 'u2' }, { other: [] })).toBe(false);
    });

    it('accepts list entries and matches nobody for a malformed entry', () => {
      const mixed = { list: { type: 'list', values: ['u1'] }, broken: { type: 'condition' } } as unknown as SavedGroups;
      expect(evaluateCondition({ id: { $inGroup: 'list' } }, { id: 'u1' }, mixed)).toBe(true);
      expect(evaluateCondition({ id: { $inGroup: 'broken' } }, { id: 'u1' }, mixed)).toBe(false);
      expect(evaluateCondition({ id: { $notInGroup: 'broken' } }, { id: 'u1' }, mixed)).toBe(false);
      expect(evaluateCondition({ id: { $notInGroup: 'missing' } }, { id: 'u1' }, mixed)).toBe(true);
      expect(evaluateCondition({ id: { $inGroup: 'constructor' } }, { id: 'u1' }, mixed)).toBe(false);
    });
  });

  it('returns false instead of throwing on exotic attributes', () => {
    const throwing = {
      get region(): string {
        throw new Error('boom');
      },
    };
    const hostile = {
      toString: () => {
        throw new Error('boom');
      },
    };
    expect(evaluateCondition({ region: 'NC' }, throwing)).toBe(false);
    expect(evaluateCondition({ n: { $gt: 1 } }, { n: Symbol('s') } as unknown as Attributes)).toBe(false);
    expect(evaluateCondition({ n: { $eq: { a: 1 } } }, { n: hostile } as unknown as Attributes)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(evaluateCondition({ c: { self: { self: {} } } }, { c: cyclic } as unknown as Attributes)).toBe(false);
    expect(compileCondition({ a: 1 })(null as unknown as Attributes)).toBe(false);
  });

  it('matches nobody for a cyclic condition', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.$not = cyclic;
    expect(evaluateCondition(cyclic, {})).toBe(false);
  });

  it('does not mutate the condition, the attributes or the saved groups', () => {
    const condition = { $and: [{ tags: { $all: ['a'] } }, { id: { $inGroup: 'g' } }, { v: { $vgt: '1.0.0' } }] };
    const attributes = { tags: ['a', 'b'], id: 'x', v: '1.2.0' };
    const savedGroups = { g: ['x'] };
    const before = JSON.stringify([condition, attributes, savedGroups]);
    expect(evaluateCondition(condition, attributes, savedGroups)).toBe(true);
    expect(JSON.stringify([condition, attributes, savedGroups])).toBe(before);
  });
});
