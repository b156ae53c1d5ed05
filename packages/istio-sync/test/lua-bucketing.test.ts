import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { bucket, decide, hash, type ExperimentDefinition } from '@lift/sdk';
import { describe, expect, it } from 'vitest';
import { toMatchBlocks } from '../src/header-matches.js';
import { renderLuaSource, type EdgeExperiment } from '../src/lua-source.js';
import { LUA_FROM_HEX, runLuajit, utf8Hex } from './support/luajit.js';

interface HashCase {
  readonly name: string;
  readonly input: string;
  readonly hash: number;
  readonly bucket: number;
}
interface DecideCase {
  readonly name: string;
  readonly experiment: ExperimentDefinition;
  readonly context: { readonly [attribute: string]: string | number };
  readonly expected: { readonly variant: string };
}
const vectors = JSON.parse(
  readFileSync(new URL('../../sdk/test/vectors/bucketing.v1.json', import.meta.url), 'utf8'),
) as {
  readonly hash: readonly HashCase[];
  readonly decide: readonly DecideCase[];
};

const HASH_DRIVER = `${LUA_FROM_HEX}
for line in io.lines() do
  local s = from_hex(line)
  print(string.format("%d %d", lift_hash(s), lift_bucket(s)))
end`;

/** Hashes every input in one luajit run (UTF-8 bytes, as Envoy hands them over). */
function luaHashes(inputs: readonly string[]): { hash: number; bucket: number }[] {
  const lines = runLuajit(
    `${renderLuaSource([])}\n${HASH_DRIVER}`,
    inputs.map((input) => `${utf8Hex(input)}\n`).join(''),
  );
  return lines.map((line) => {
    const [h, b] = line.split(' ').map(Number);
    return { hash: h ?? NaN, bucket: b ?? NaN };
  });
}

/** The header each attribute travels in, for the vectors: the attribute name, lower-cased, prefixed. */
const headerOf = (attribute: string): string => `x-${attribute.toLowerCase()}`;

function edgeExperimentOf(experiment: ExperimentDefinition): EdgeExperiment {
  const unitAttribute = experiment.unitAttribute ?? 'userId';
  const attributes = new Set([unitAttribute, ...Object.keys(experiment.targeting ?? {})]);
  const headers = Object.fromEntries([...attributes].map((attribute) => [attribute, headerOf(attribute)]));
  return {
    key: experiment.key,
    variantHeader: `x-lift-${experiment.key}`,
    unit: { header: headerOf(unitAttribute) },
    salt: experiment.salt ?? experiment.key,
    coverage: experiment.coverage,
    variants: experiment.variants.map((variant) => ({ key: variant.key, weight: variant.weight })),
    layer: experiment.layer ?? null,
    overrides: experiment.overrides ?? {},
    targeting: toMatchBlocks(experiment.targeting ?? {}, headers),
  };
}

/** Runs the generated envoy_on_request on fake request handles; prints the header it set. */
const DECIDE_DRIVER = `${LUA_FROM_HEX}
for line in io.lines() do
  local fields = {}
  for field in line:gmatch("[^ ]+") do fields[#fields + 1] = field end
  local index = tonumber(fields[1])
  local store = {}
  for i = 2, #fields, 2 do store[from_hex(fields[i])] = from_hex(fields[i + 1]) end
  local handle = { headers = function() return {
    get = function(_, name) return store[name] end,
    replace = function(_, name, value) store[name] = value end,
    remove = function(_, name) store[name] = nil end,
  } end }
  local only = LIFT_EXPERIMENTS
  LIFT_EXPERIMENTS = { only[index] }
  envoy_on_request(handle)
  LIFT_EXPERIMENTS = only
  print(store[only[index].variant_header] or "<none>")
end`;

describe('generated Lua bucketing under luajit', () => {
  it('reproduces every hash and bucket of the golden vectors on their UTF-8 bytes', () => {
    const results = luaHashes(vectors.hash.map((vector) => vector.input));
    vectors.hash.forEach((vector, index) => {
      expect({ name: vector.name, ...results[index] }).toEqual({
        name: vector.name,
        hash: vector.hash,
        bucket: vector.bucket,
      });
    });
  });

  it('reproduces the decision of every running golden case through envoy_on_request', () => {
    const cases = vectors.decide.filter((vector) => vector.experiment.status === 'running');
    const edge = cases.map((vector) => edgeExperimentOf(vector.experiment));
    const input = cases
      .map((vector, index) => {
        const pairs = Object.entries(vector.context).flatMap(([attribute, value]) => [
          utf8Hex(headerOf(attribute)),
          utf8Hex(String(value)),
        ]);
        return `${[index + 1, ...pairs].join(' ')}\n`;
      })
      .join('');
    const variants = runLuajit(`${renderLuaSource(edge)}\n${DECIDE_DRIVER}`, input);
    expect(cases.map((vector, index) => ({ name: vector.name, variant: variants[index] }))).toEqual(
      cases.map((vector) => ({ name: vector.name, variant: vector.expected.variant })),
    );
  });

  it('reads the unit id from a cookie, overwrites a spoofed variant header, and answers the control without a unit', () => {
    const experiment: ExperimentDefinition = {
      key: 'banner',
      status: 'running',
      coverage: 10_000,
      variants: [
        { key: 'off', weight: 5000 },
        { key: 'on', weight: 5000 },
      ],
    };
    const edge: EdgeExperiment = { ...edgeExperimentOf(experiment), unit: { cookie: 'lift_vid' } };
    const units = ['user-1', 'user-2', 'user-42', 'u-ñandú', '1001'];
    const lines = [
      ...units.map(
        (unit) =>
          `1 ${utf8Hex('cookie')} ${utf8Hex(`theme=dark; lift_vid=${unit}; other=1`)} ${utf8Hex('x-lift-banner')} ${utf8Hex('spoofed')}\n`,
      ),
      `1 ${utf8Hex('cookie')} ${utf8Hex('theme=dark')} ${utf8Hex('x-lift-banner')} ${utf8Hex('on')}\n`,
    ];
    const variants = runLuajit(`${renderLuaSource([edge])}\n${DECIDE_DRIVER}`, lines.join(''));
    expect(variants).toEqual([...units.map((unit) => decide(experiment, { userId: unit }).variant), 'off']);
  });

  it('equals the SDK hash on arbitrary strings (lone surrogates included), in one batch', () => {
    const inputs = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.string({ maxLength: 64 }),
      ),
      { numRuns: 3000, seed: 42 },
    );
    const results = luaHashes(inputs);
    const mismatches = inputs.filter(
      (input, index) => results[index]?.hash !== hash(input) || results[index]?.bucket !== bucket(input),
    );
    expect(mismatches).toEqual([]);
  });

  it('agrees with decide on arbitrary units, weights, coverage and salts', () => {
    const experimentArb = fc.record({
      key: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
      salt: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
      coverage: fc.integer({ min: 0, max: 10_000 }),
      split: fc.integer({ min: 0, max: 10_000 }),
    });
    const samples = fc.sample(
      fc.tuple(experimentArb, fc.array(fc.string({ minLength: 1, maxLength: 24 }), { minLength: 1, maxLength: 20 })),
      { numRuns: 60, seed: 7 },
    );
    const cases = samples.flatMap(([shape, units]) => {
      const experiment: ExperimentDefinition = {
        key: shape.key,
        status: 'running',
        coverage: shape.coverage,
        ...(shape.salt === undefined ? {} : { salt: shape.salt }),
        variants: [
          { key: 'control', weight: shape.split },
          { key: 'treatment', weight: 10_000 - shape.split },
        ],
      };
      return units.map((unit) => ({ experiment, unit }));
    });
    const edge = cases.map(({ experiment }) => edgeExperimentOf(experiment));
    const input = cases.map(({ unit }, index) => `${index + 1} ${utf8Hex('x-userid')} ${utf8Hex(unit)}\n`).join('');
    const variants = runLuajit(`${renderLuaSource(edge)}\n${DECIDE_DRIVER}`, input);
    const expected = cases.map(({ experiment, unit }) => decide(experiment, { userId: unit }).variant);
    // A unit the SDK reads from a string attribute is the header's bytes: identical strings, identical answers.
    expect(variants).toEqual(expected);
  });

  it('agrees with decide with targeting, layers and overrides on arbitrary contexts', () => {
    const platforms = ['iOS', 'Android', 'web'];
    const regions = ['NC', 'SC', 'CA'];
    const shapeArb = fc.record({
      targeting: fc.constantFrom<ExperimentDefinition['targeting']>(
        {},
        { platform: 'iOS' },
        { platform: 'iOS', region: { $in: ['NC', 'SC'] } },
        { $or: [{ platform: 'Android' }, { region: { $eq: 'CA' } }] },
        { region: { $exists: true } },
      ),
      layer: fc.option(
        fc
          .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 10_000 }))
          .map(([a, b]) => ({ key: 'layer-1', range: [Math.min(a, b - 1), Math.max(a + 1, b)] as const })),
        { nil: undefined },
      ),
      coverage: fc.integer({ min: 0, max: 10_000 }),
      overridden: fc.option(fc.constantFrom('u1', 'u2', 'ü3'), { nil: undefined }),
    });
    const contextArb = fc.record({
      userId: fc.oneof(fc.constantFrom('u1', 'u2', 'ü3', ''), fc.string({ minLength: 1, maxLength: 10 })),
      platform: fc.option(fc.constantFrom(...platforms), { nil: undefined }),
      region: fc.option(fc.constantFrom(...regions), { nil: undefined }),
    });
    const samples = fc.sample(fc.tuple(shapeArb, fc.array(contextArb, { minLength: 1, maxLength: 15 })), {
      numRuns: 80,
      seed: 99,
    });
    const cases = samples.flatMap(([shape, contexts]) => {
      const experiment: ExperimentDefinition = {
        key: 'checkout',
        status: 'running',
        coverage: shape.coverage,
        variants: [
          { key: 'control', weight: 3000 },
          { key: 'a', weight: 3000 },
          { key: 'b', weight: 4000 },
        ],
        ...(shape.targeting === undefined ? {} : { targeting: shape.targeting }),
        ...(shape.layer === undefined ? {} : { layer: shape.layer }),
        ...(shape.overridden === undefined ? {} : { overrides: { [shape.overridden]: 'b' } }),
      };
      return contexts.map((context) => ({ experiment, context }));
    });
    const edge = cases.map(({ experiment }) => {
      const base = edgeExperimentOf({ ...experiment, targeting: {} });
      return {
        ...base,
        targeting: toMatchBlocks(experiment.targeting ?? {}, {
          platform: headerOf('platform'),
          region: headerOf('region'),
        }),
      };
    });
    const input = cases
      .map(({ context }, index) => {
        const pairs = Object.entries(context)
          .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
          .flatMap(([attribute, value]) => [utf8Hex(headerOf(attribute)), utf8Hex(value)]);
        return `${[index + 1, ...pairs].join(' ')}\n`;
      })
      .join('');
    const variants = runLuajit(`${renderLuaSource(edge)}\n${DECIDE_DRIVER}`, input);
    const expected = cases.map(({ experiment, context }) => {
      const attributes = Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
      return decide(experiment, attributes).variant;
    });
    expect(new Set(expected)).toEqual(new Set(['control', 'a', 'b']));
    expect(variants).toEqual(expected);
  });
});
