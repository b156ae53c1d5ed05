import { describe, expect, it } from 'vitest';
import { findConditionIssues } from './condition-issues.js';
import { MAX_CONDITION_DEPTH, TYPE_NAMES } from './condition-shape.js';

const paths = (condition: unknown): string[] => findConditionIssues(condition).map((issue) => issue.path);

describe('findConditionIssues', () => {
  it('finds nothing wrong with well-formed conditions', () => {
    const wellFormed: unknown[] = [
      {},
      { platform: 'iOS', region: { $in: ['NC', 'SC'] }, appVersion: { $vgte: '2.1.0' } },
      { $and: [{ 'father.age': { $gt: 65 } }, { $or: [{ bday: { $regex: '-12-25$' } }, { name: 'santa' }] }] },
      { $nor: [{ name: 'john' }], $not: { age: { $lt: 30 } } },
      { $groups: { $elemMatch: { $eq: 'a' } } },
      { tags: { $size: { $gt: 2 } }, hobbies: { $elemMatch: { name: { $regexi: '^ping' } } } },
      { tags: { $all: ['a', { $regex: '^b' }], $alli: ['C'] }, n: { $nin: [], $exists: true } },
      { id: { $inGroup: 'beta' }, other: { $notInGroup: 'staff' } },
      { a: { $type: 'null' }, b: { $not: { $eq: 1 } }, c: null, d: [1, 2], e: { nested: 'literal' } },
      { v: { $veq: '1.0.0', $vne: '1', $vgt: '0', $vlt: '9', $vlte: '9', $vgte: '0' } },
      { x: { $eq: { a: 1 }, $ne: [1] }, y: { $gte: 1, $lte: 'z' } },
    ];
    for (const condition of wellFormed) expect(findConditionIssues(condition), JSON.stringify(condition)).toEqual([]);
  });

  it('names the path of an unknown operator', () => {
    expect(findConditionIssues({ region: { $foo: 1 } })).toEqual([
      { path: 'region.$foo', message: 'unknown operator "$foo"' },
    ]);
    expect(paths({ $and: [{ a: 1 }, { platform: { $bar: 1 } }] })).toEqual(['$and.1.platform.$bar']);
    expect(paths({ name: { $regx: 'hello' } })).toEqual(['name.$regx']);
    expect(paths({ a: { $not: { $nope: 1 } } })).toEqual(['a.$not.$nope']);
    expect(paths({ a: { $elemMatch: { b: { $nope: 1 } } } })).toEqual(['a.$elemMatch.b.$nope']);
    expect(paths({ 'father.age': { $options: 'i' } })).toEqual(['father.age.$options']);
  });

  it('reports a condition that is not an object', () => {
    for (const garbage of [null, undefined, 'iOS', 3, true, []]) {
      const issues = findConditionIssues(garbage);
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe('');
      expect(issues[0]?.message).toMatch(/must be an object/);
    }
  });

  it('reports $and, $or and $nor that are not arrays of objects', () => {
    expect(paths({ $and: { a: 1 } })).toEqual(['$and']);
    expect(paths({ $or: 'a' })).toEqual(['$or']);
    expect(paths({ $nor: [{ a: 1 }, 2, null] })).toEqual(['$nor.1', '$nor.2']);
    expect(paths({ $not: [{ a: 1 }] })).toEqual(['$not']);
  });

  it('reports operands of the wrong shape', () => {
    expect(paths({ a: { $in: 1 }, b: { $nin: 'x' }, c: { $ini: {} }, d: { $nini: null } })).toEqual([
      'a.$in',
      'b.$nin',
      'c.$ini',
      'd.$nini',
    ]);
    expect(paths({ a: { $all: 'x' }, b: { $alli: 1 }, c: { $all: [{ $bad: 1 }] } })).toEqual([
      'a.$all',
      'b.$alli',
      'c.$all.0.$bad',
    ]);
    expect(paths({ a: { $exists: 'yes' }, b: { $exists: 1 } })).toEqual(['a.$exists', 'b.$exists']);
    expect(paths({ a: { $gt: [1] }, b: { $lte: null }, c: { $lt: true } })).toEqual(['a.$gt', 'b.$lte', 'c.$lt']);
    expect(paths({ a: { $inGroup: 1 }, b: { $notInGroup: ['g'] } })).toEqual(['a.$inGroup', 'b.$notInGroup']);
    expect(paths({ a: { $veq: 1 }, b: { $vgt: null }, c: { $vlte: ['1'] } })).toEqual(['a.$veq', 'b.$vgt', 'c.$vlte']);
    expect(findConditionIssues({ a: { $in: 1 } })[0]?.message).toBe('"$in" needs an array, not a number');
  });

  it('reports regular expressions that are not strings or do not compile', () => {
    expect(paths({ a: { $regex: 1 }, b: { $regexi: null } })).toEqual(['a.$regex', 'b.$regexi']);
    const [issue] = findConditionIssues({ name: { $regex: '/???***[)' } });
    expect(issue?.path).toBe('name.$regex');
    expect(issue?.message).toMatch(/^"\$regex" is not a valid regular expression: /);
  });

  it('reports unknown $type names', () => {
    for (const name of TYPE_NAMES) expect(findConditionIssues({ a: { $type: name } })).toEqual([]);
    expect(paths({ a: { $type: 'integer' }, b: { $type: 2 }, c: { $type: 'undefined' } })).toEqual([
      'a.$type',
      'b.$type',
      'c.$type',
    ]);
  });

  it('reports malformed $size and $elemMatch', () => {
    expect(paths({ a: { $size: -1 }, b: { $size: 1.5 }, c: { $size: '3' }, d: { $size: { $nope: 1 } } })).toEqual([
      'a.$size',
      'b.$size',
      'c.$size',
      'd.$size.$nope',
    ]);
    expect(paths({ a: { $elemMatch: 1 }, b: { $elemMatch: [] }, c: { $elemMatch: null } })).toEqual([
      'a.$elemMatch',
      'b.$elemMatch',
      'c.$elemMatch',
    ]);
  });

  it('reports value operators at the condition level, but reads other $ keys as attributes', () => {
    expect(paths({ $in: ['a'] })).toEqual(['$in']);
    expect(paths({ $and: [{ $gt: 1 }] })).toEqual(['$and.0.$gt']);
    expect(paths({ a: { $elemMatch: { $gt: 1, b: 2 } } })).toEqual(['a.$elemMatch.$gt']);
    expect(paths({ $savedGroup: { id: 'g' } })).toEqual(['$savedGroup']);
    expect(findConditionIssues({ $groups: 'admins', $custom: { $in: ['x'] } })).toEqual([]);
  });

  it('reports objects that mix operators with plain keys', () => {
    const [issue] = findConditionIssues({ a: { $in: [1], b: 2 } });
    expect(issue).toEqual({ path: 'a', message: 'mixes operators ($in) with plain keys (b); use one or the other' });
  });

  it('reports values that JSON cannot hold', () => {
    expect(paths({ a: undefined, b: () => 1, c: { $eq: undefined } })).toEqual(['a', 'b', 'c.$eq']);
  });

  it('reports every issue, not only the first', () => {
    expect(paths({ a: { $in: 1, $foo: 2 }, $or: [{ b: { $exists: 0 } }] })).toEqual([
      'a.$in',
      'a.$foo',
      '$or.0.b.$exists',
    ]);
  });

  it('refuses nesting deeper than the limit, and cycles', () => {
    let deep: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < MAX_CONDITION_DEPTH + 1; i++) deep = { $not: deep };
    expect(findConditionIssues(deep)).toHaveLength(1);
    expect(findConditionIssues(deep)[0]?.message).toMatch(/nested deeper/);
    let shallow: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < MAX_CONDITION_DEPTH - 2; i++) shallow = { $not: shallow };
    expect(findConditionIssues(shallow)).toEqual([]);
    const cyclic: Record<string, unknown> = {};
    cyclic.$and = [cyclic];
    expect(findConditionIssues(cyclic)[0]?.message).toMatch(/nested deeper/);
  });
});
