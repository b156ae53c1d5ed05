import { RE2JS } from 're2js';
import type { Condition } from '@lift/sdk';
import type { InputIssue } from './experiment-input.js';
import type { StringMatch } from './istio-types.js';
import { isRecord } from './json-value.js';

/** One header test, kept abstract so it renders both to a VirtualService match and to Lua. */
export type HeaderTest =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'in'; readonly values: readonly string[] }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'present' };

/** Header name -> test; every test of a block must hold (one Istio match block). */
export type MatchBlock = ReadonlyMap<string, HeaderTest>;

/** A condition in disjunctive normal form: any block may match. An empty block matches everything. */
export type MatchBlocks = readonly MatchBlock[];

/** Thrown when a targeting condition has no header-match form; `path` names the part at fault. */
export class UnroutableConditionError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnroutableConditionError';
  }

  /** The input issue of `experiment`, with the path inside its targeting. */
  toIssue(experiment: string): InputIssue {
    return { experiment, path: this.path === '' ? 'targeting' : `targeting.${this.path}`, message: this.message };
  }
}

/** More blocks than this means a condition exploded in DNF; no VirtualService should carry it. */
const MAX_BLOCKS = 64;

/** Whether `pattern` compiles under RE2 (Go `regexp` syntax: no look-around, no back-references). */
export function isRe2(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}

const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** RE2 quoting of a literal, so `$in` values match only themselves. */
export function quoteRe2(literal: string): string {
  return literal.replace(RE2_META, (char) => `\\${char}`);
}

function withinBlockLimit(blocks: MatchBlocks, path: string): MatchBlocks {
  if (blocks.length > MAX_BLOCKS)
    throw new UnroutableConditionError(path, `expands to more than ${MAX_BLOCKS} match blocks`);
  return blocks;
}

function conjoin(left: MatchBlocks, right: MatchBlocks, path: string): MatchBlocks {
  const blocks: MatchBlock[] = [];
  for (const a of left) {
    for (const b of right) {
      const merged = new Map(a);
      for (const [header, test] of b) {
        const existing = merged.get(header);
        if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(test)) {
          throw new UnroutableConditionError(
            path,
            `two different tests on header "${header}" cannot share one match block`,
          );
        }
        merged.set(header, test);
      }
      blocks.push(merged);
    }
  }
  return withinBlockLimit(blocks, path);
}

function attributeTest(attribute: string, value: unknown, path: string): HeaderTest {
  if (typeof value === 'string') return { kind: 'exact', value };
  if (!isRecord(value)) {
    throw new UnroutableConditionError(path, `only string values can be header matches (got ${JSON.stringify(value)})`);
  }
  const operators = Object.keys(value);
  if (operators.length !== 1) {
    throw new UnroutableConditionError(
      path,
      `use exactly one of $eq, $in, $regex, $exists on "${attribute}" (got ${operators.join(', ') || 'none'})`,
    );
  }
  const operator = operators[0] as string;
  const operand = value[operator];
  const at = `${path}.${operator}`;
  switch (operator) {
    case '$eq':
      if (typeof operand !== 'string')
        throw new UnroutableConditionError(at, 'only string values can be header matches');
      return { kind: 'exact', value: operand };
    case '$in':
      if (!Array.isArray(operand) || operand.length === 0 || !operand.every((entry) => typeof entry === 'string')) {
        throw new UnroutableConditionError(at, 'needs a non-empty list of strings to be a header match');
      }
      return operand.length === 1
        ? { kind: 'exact', value: operand[0] as string }
        : { kind: 'in', values: [...new Set(operand as string[])] };
    case '$regex':
      if (typeof operand !== 'string') throw new UnroutableConditionError(at, 'needs a string pattern');
      if (!isRe2(operand))
        throw new UnroutableConditionError(
          at,
          `${JSON.stringify(operand)} is not an RE2 regex (no look-around or back-references)`,
        );
      return { kind: 'regex', pattern: operand };
    case '$exists':
      if (operand !== true)
        throw new UnroutableConditionError(at, 'only $exists: true can be a header match (presence)');
      return { kind: 'present' };
    default:
      throw new UnroutableConditionError(
        at,
        `${operator} cannot be a header match (use $eq, $in, $regex, $exists, $and, $or)`,
      );
  }
}

function compile(condition: unknown, headers: { readonly [attribute: string]: string }, path: string): MatchBlocks {
  if (!isRecord(condition)) throw new UnroutableConditionError(path, 'must be a condition object');
  let blocks: MatchBlocks = [new Map()];
  for (const [key, value] of Object.entries(condition)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0)
        throw new UnroutableConditionError(at, `${key} needs a non-empty list of conditions`);
      const parts = value.map((part: unknown, index) => compile(part, headers, `${at}[${index}]`));
      const combined =
        key === '$and' ? parts.reduce((acc, part) => conjoin(acc, part, at), [new Map()] as MatchBlocks) : parts.flat();
      blocks = conjoin(blocks, combined, at);
      continue;
    }
    if (key.startsWith('$'))
      throw new UnroutableConditionError(
        at,
        `${key} cannot be a header match (use $eq, $in, $regex, $exists, $and, $or)`,
      );
    const header = headers[key];
    if (header === undefined)
      throw new UnroutableConditionError(at, `attribute "${key}" has no header in routing.headers`);
    if (header.startsWith('cookie:'))
      throw new UnroutableConditionError(
        at,
        `attribute "${key}" is read from a cookie, which a VirtualService cannot match`,
      );
    blocks = conjoin(blocks, [new Map([[header.toLowerCase(), attributeTest(key, value, at)]])], at);
  }
  return withinBlockLimit(blocks, path);
}

/**
 * Turns a targeting condition into header match blocks: `$eq` -> exact, `$in` -> an anchored,
 * escaped RE2 alternation, `$regex` -> regex (proven RE2 first), `$exists: true` -> presence,
 * `$and` -> one block, `$or` -> several. Anything else throws {@link UnroutableConditionError}.
 *
 * @example
 * toMatchBlocks({ platform: 'iOS', region: { $in: ['NC', 'SC'] } }, { platform: 'x-platform', region: 'x-region' });
 */
export function toMatchBlocks(condition: Condition, headers: { readonly [attribute: string]: string }): MatchBlocks {
  return compile(condition, headers, '');
}

/** The Istio StringMatch of a header test. Envoy matches regexes against the whole value. */
export function toStringMatch(test: HeaderTest): StringMatch {
  switch (test.kind) {
    case 'exact':
      return { exact: test.value };
    case 'in':
      return { regex: `^(?:${test.values.map(quoteRe2).join('|')})$` };
    case 'regex':
      // Targeting regexes search (as in JavaScript); Envoy's safe_regex must match the whole value.
      return { regex: `.*(?:${test.pattern}).*` };
    case 'present':
      return {};
  }
}

function literalSet(test: HeaderTest): ReadonlySet<string> | null {
  if (test.kind === 'exact') return new Set([test.value]);
  if (test.kind === 'in') return new Set(test.values);
  return null;
}

/** Whether the regex test (searching, as rendered for Envoy) matches any of the literal values. */
function regexMatchesAny(pattern: string, values: ReadonlySet<string>): boolean {
  const compiled = RE2JS.compile(pattern);
  return [...values].some((value) => compiled.matcher(value).find());
}

/** Whether two tests on one header can both hold; only literals and literal-vs-regex are decided, the rest may overlap. */
function testsOverlap(left: HeaderTest, right: HeaderTest): boolean {
  const a = literalSet(left);
  const b = literalSet(right);
  if (a !== null && b !== null) return [...a].some((value) => b.has(value));
  if (a !== null && right.kind === 'regex') return regexMatchesAny(right.pattern, a);
  if (b !== null && left.kind === 'regex') return regexMatchesAny(left.pattern, b);
  return true;
}

/** Whether one request could satisfy both blocks (conservative where undecidable: regex against regex, presence). */
export function blocksOverlap(left: MatchBlock, right: MatchBlock): boolean {
  for (const [header, test] of left) {
    const other = right.get(header);
    if (other !== undefined && !testsOverlap(test, other)) return false;
  }
  return true;
}
