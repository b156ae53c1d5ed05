import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingError, type RoutedExperiment, type Routing } from '../src/experiment-input.js';
import type { IstioResource } from '../src/istio-types.js';
import { renderResources } from '../src/render.js';
import { toYamlDocuments } from '../src/yaml-documents.js';
import { sharedValidator } from './support/schemas.js';

const HEADERS = { platform: 'x-platform', region: 'x-region', tier: 'x-tier', userId: 'x-user-id' };
const value = fc.constantFrom('iOS', 'Android', 'NC', 'SC', 'gold', 'a.b', 'x|y', '(z)', 'on', 'ünï', '*');
const leaf = fc.oneof(
  value,
  fc.record({ $eq: value }),
  fc.record({ $in: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
  fc.record({ $regex: fc.constantFrom('^i', 'OS$', '[0-9]+', 'a|b', 'x{2,3}') }),
  fc.record({ $exists: fc.constant(true) }),
);
const attribute = fc.constantFrom('platform', 'region', 'tier');
const simple = fc.dictionary(attribute, leaf, { minKeys: 0, maxKeys: 2 });
const condition = fc.oneof(
  simple,
  fc.record({
    $or: fc.array(fc.dictionary(attribute, leaf, { minKeys: 1, maxKeys: 2 }), { minLength: 1, maxLength: 3 }),
  }),
);

const experimentArb = (index: number): fc.Arbitrary<RoutedExperiment> =>
  fc
    .record({
      mode: fc.constantFrom<Routing['mode']>('ab', 'canary', 'mirror', 'blue-green'),
      status: fc.constantFrom<RoutedExperiment['status']>('running', 'running', 'paused', 'stopped', 'draft'),
      host: fc.constantFrom('web', 'api', 'search.shop.svc.cluster.local'),
      variantCount: fc.integer({ min: 2, max: 3 }),
      split: fc.integer({ min: 0, max: 10_000 }),
      coverage: fc.integer({ min: 0, max: 10_000 }),
      targeting: condition,
      steps: fc.option(
        fc
          .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 })
          .map((steps) => steps.sort((a, b) => a - b)),
        { nil: undefined },
      ),
      mirrorPercent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      isEdge: fc.boolean(),
      gateways: fc.option(fc.constantFrom(['shop/public'], ['mesh', 'shop/public']), { nil: undefined }),
    })
    .map((shape) => {
      const keys = ['control', 'treatment', 'other'].slice(0, shape.variantCount);
      const first = Math.floor(shape.split / (shape.variantCount - 1));
      const weights = keys.map((_, position) => (position === 0 ? 10_000 - first * (shape.variantCount - 1) : first));
      const key = `exp-${index}`;
      const { userId: _userId, ...targetingHeaders } = HEADERS;
      const routing: Routing = {
        host: shape.host,
        namespace: 'shop',
        mode: shape.mode,
        subsets: Object.fromEntries(keys.map((variant) => [variant, { version: `${key}-${variant}` }])),
        headers: shape.isEdge ? HEADERS : targetingHeaders,
        ...(shape.steps === undefined ? {} : { steps: shape.steps }),
        ...(shape.mirrorPercent === undefined ? {} : { mirrorPercent: shape.mirrorPercent }),
        ...(shape.gateways === undefined ? {} : { gateways: shape.gateways }),
      };
      return {
        key,
        status: shape.status,
        version: index + 1,
        variants: keys.map((variant, position) => ({ key: variant, weight: weights[position] ?? 0 })),
        coverage: shape.coverage,
        unitAttribute: 'userId',
        salt: null,
        targeting: shape.targeting,
        layer: null,
        overrides: {},
        routing,
        metrics: { primary: 'purchase', guardrails: [] },
      };
    });

const experimentsArb = fc
  .integer({ min: 1, max: 4 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => experimentArb(index))));

function tryRender(experiments: readonly RoutedExperiment[]): IstioResource[] | RoutingError {
  try {
    return renderResources(experiments);
  } catch (error) {
    if (error instanceof RoutingError) return error;
    throw error;
  }
}

describe('render properties', () => {
  it('whatever renders validates: CRD schemas, webhook rules and CEL rules', () => {
    const outcomes = { rendered: 0, refused: 0, resources: 0 };
    fc.assert(
      fc.property(experimentsArb, (experiments) => {
        const rendered = tryRender(experiments);
        if (rendered instanceof RoutingError) {
          outcomes.refused += 1;
          // Refusals always name an experiment of the input.
          expect(
            rendered.issues.every((issue) => experiments.some((experiment) => experiment.key === issue.experiment)),
          ).toBe(true);
          return;
        }
        outcomes.rendered += 1;
        outcomes.resources += rendered.length;
        expect(
          sharedValidator()
            .validate(rendered)
            .filter((issue) => issue.severity === 'error'),
        ).toEqual([]);
      }),
      { numRuns: 150, seed: 20261127 },
    );
    // The generator must exercise rendering, not only refusals.
    expect(outcomes.rendered).toBeGreaterThan(50);
    expect(outcomes.resources).toBeGreaterThan(100);
  });

  it('is deterministic and independent of input order', () => {
    fc.assert(
      fc.property(experimentsArb, fc.integer(), (experiments, seed) => {
        const shuffled = [...experiments].sort(
          (a, b) => ((a.version * 7919 + seed) % 13) - ((b.version * 7919 + seed) % 13),
        );
        const first = tryRender(experiments);
        const second = tryRender(shuffled);
        if (first instanceof RoutingError || second instanceof RoutingError) {
          expect(first instanceof RoutingError && second instanceof RoutingError).toBe(true);
          return;
        }
        expect(toYamlDocuments(second)).toBe(toYamlDocuments(first));
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('every weighted route sums to 100 percent or 10000 basis points, and only running experiments split', () => {
    fc.assert(
      fc.property(experimentsArb, (experiments) => {
        const rendered = tryRender(experiments);
        if (rendered instanceof RoutingError) return;
        for (const resource of rendered) {
          if (resource.kind !== 'VirtualService') continue;
          for (const route of resource.spec.http) {
            if (route.route.length < 2) continue;
            const total = route.route.reduce((sum, destination) => sum + (destination.weight ?? 0), 0);
            expect([100, 10_000]).toContain(total);
          }
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
