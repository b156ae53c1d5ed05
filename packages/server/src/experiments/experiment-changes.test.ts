import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffDefinitions, findLockedFields, rangesOverlap } from './experiment-changes.js';
import { definitionSchema, type ExperimentDefinitionInput } from './experiment-schemas.js';

const base: ExperimentDefinitionInput = definitionSchema.parse({
  name: 'n',
  hypothesis: 'h',
  variants: [
    { key: 'control', weight: 5000 },
    { key: 'treatment', weight: 5000 },
  ],
  coverage: 5000,
  metrics: { primary: 'buy', conversionWindowHours: 168 },
  routing: {
    host: 'h',
    namespace: 'n',
    mode: 'canary',
    subsets: { control: { v: '1' }, treatment: { v: '2' } },
    steps: [1, 5],
  },
});

describe('diffDefinitions', () => {
  it('reports nothing for equal definitions, whatever the key order', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        ...base,
        metrics: { conversionWindowHours: 168, guardrails: [], secondary: [], primary: 'buy' },
      }),
    ) as ExperimentDefinitionInput;
    expect(diffDefinitions(base, reordered)).toEqual([]);
  });

  it('reports each changed field, metrics field by field', () => {
    const after = { ...base, coverage: 6000, metrics: { ...base.metrics, guardrails: ['x'] } };
    expect(diffDefinitions(base, after)).toEqual([
      { field: 'coverage', from: 5000, to: 6000 },
      { field: 'metrics.guardrails', from: [], to: ['x'] },
    ]);
  });
});

describe('findLockedFields', () => {
  const change = (after: Partial<ExperimentDefinitionInput>) => diffDefinitions(base, { ...base, ...after });

  it('lets drafts change anything', () => {
    expect(findLockedFields('draft', change({ salt: 's', coverage: 1 }))).toEqual([]);
  });

  it('allows a coverage increase but not a decrease while running or paused', () => {
    for (const status of ['running', 'paused'] as const) {
      expect(findLockedFields(status, change({ coverage: 9000 }))).toEqual([]);
      expect(findLockedFields(status, change({ coverage: 100 }))[0]?.reason).toMatch(/switch variants/);
    }
  });

  it('allows rollout-only routing edits and variant descriptions while running', () => {
    const routing = base.routing ? { ...base.routing, steps: [1, 5, 25], active: 'treatment' } : undefined;
    expect(findLockedFields('running', change({ routing }))).toEqual([]);
    const subsets = base.routing ? { ...base.routing, subsets: { control: { v: '9' } } } : undefined;
    expect(findLockedFields('running', change({ routing: subsets }))).toHaveLength(1);
    const described = base.variants.map((variant) => ({ ...variant, description: 'words' }));
    expect(findLockedFields('running', change({ variants: described }))).toEqual([]);
  });

  it('allows secondary metrics and guardrails but not the primary or the window to change while running', () => {
    const metrics = (edit: Partial<ExperimentDefinitionInput['metrics']>) =>
      change({ metrics: { ...base.metrics, ...edit } });
    expect(findLockedFields('running', metrics({ secondary: ['revenue'], guardrails: ['refund'] }))).toEqual([]);
    expect(findLockedFields('running', metrics({ primary: 'signup' })).map((locked) => locked.field)).toEqual([
      'metrics.primary',
    ]);
    expect(
      findLockedFields('paused', metrics({ conversionWindowHours: undefined })).map((locked) => locked.field),
    ).toEqual(['metrics.conversionWindowHours']);
  });

  it('locks everything but descriptive text once stopped, and everything once archived', () => {
    expect(findLockedFields('stopped', change({ name: 'x' }))).toEqual([]);
    expect(findLockedFields('stopped', change({ overrides: { u: 'control' } }))).toHaveLength(1);
    expect(findLockedFields('archived', change({ name: 'x' }))).toHaveLength(1);
  });
});

describe('rangesOverlap', () => {
  it('treats ranges as half-open and is symmetric', () => {
    expect(rangesOverlap([0, 5000], [5000, 10000])).toBe(false);
    expect(rangesOverlap([0, 5001], [5000, 10000])).toBe(true);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 10000 }),
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 10000 }),
        (a, b, c, d) => {
          const left: [number, number] = [Math.min(a, b), Math.max(a, b) + 1];
          const right: [number, number] = [Math.min(c, d), Math.max(c, d) + 1];
          const sharesBucket = Array.from({ length: 10001 }, (_, bucket) => bucket).some(
            (bucket) => bucket >= left[0] && bucket < left[1] && bucket >= right[0] && bucket < right[1],
          );
          expect(rangesOverlap(left, right)).toBe(sharesBucket);
          expect(rangesOverlap(right, left)).toBe(sharesBucket);
        },
      ),
      { numRuns: 50 },
    );
  });
});
