import { describe, expect, it } from 'vitest';
import {
  applySticky,
  bucket,
  decide,
  DEFAULT_UNIT_ATTRIBUTE,
  isStickyOverridable,
  readUnit,
  type ExperimentDefinition,
} from '../src/index.js';

const checkout: ExperimentDefinition = {
  key: 'checkout-button',
  status: 'running',
  coverage: 10_000,
  variants: [
    { key: 'control', weight: 5000, payload: { position: 'bottom' } },
    { key: 'moved', weight: 5000, payload: { position: 'top' } },
  ],
};

describe('decide, step by step', () => {
  it('1. a context without the unit attribute is not in the experiment', () => {
    expect(decide(checkout, { platform: 'iOS' })).toEqual({
      experiment: 'checkout-button',
      variant: 'control',
      inExperiment: false,
      reason: 'missing-unit',
      bucket: null,
      payload: { position: 'bottom' },
    });
    expect(decide(checkout, { userId: '' }).reason).toBe('missing-unit');
    expect(decide(checkout, { userId: null }).reason).toBe('missing-unit');
    expect(decide(checkout, { userId: Number.NaN }).reason).toBe('missing-unit');
  });

  it('1. reads the unit from DEFAULT_UNIT_ATTRIBUTE (userId) when the experiment names no unitAttribute', () => {
    expect(DEFAULT_UNIT_ATTRIBUTE).toBe('userId');
    expect(readUnit(checkout, { [DEFAULT_UNIT_ATTRIBUTE]: 'u-1' })).toBe('u-1');
  });

  it('1. reads the unit through a dotted unitAttribute', () => {
    const byAccount = { ...checkout, unitAttribute: 'account.id' };
    expect(decide(byAccount, { account: { id: 'acme' } }).bucket).toBe(bucket('checkout-button:acme'));
  });

  it.each(['draft', 'paused', 'stopped', 'archived'] as const)('2. a %s experiment answers the control', (status) => {
    const decision = decide({ ...checkout, status }, { userId: 'u-1' });
    expect(decision).toMatchObject({ variant: 'control', inExperiment: false, reason: 'not-running', bucket: null });
  });

  it('3. an override forces its variant but keeps the unit out of the analysis', () => {
    const decision = decide({ ...checkout, overrides: { 'qa-1': 'moved' } }, { userId: 'qa-1' });
    expect(decision).toEqual({
      experiment: 'checkout-button',
      variant: 'moved',
      inExperiment: false,
      reason: 'override',
      bucket: null,
      payload: { position: 'top' },
    });
  });

  it('4. targeting decides who is eligible', () => {
    const targeted = { ...checkout, targeting: { platform: 'iOS', region: { $in: ['NC', 'SC'] } } };
    expect(decide(targeted, { userId: 'u-1', platform: 'Android', region: 'NC' }).reason).toBe('targeting');
    expect(decide(targeted, { userId: 'u-1', platform: 'iOS', region: 'CA' }).reason).toBe('targeting');
    expect(decide(targeted, { userId: 'u-1', platform: 'iOS', region: 'NC' }).reason).toBe('assigned');
  });

  it('5. a unit outside the layer range is not in the experiment', () => {
    const layered = { ...checkout, layer: { key: 'checkout-layer', range: [0, 5000] as const } };
    for (let i = 0; i < 200; i++) {
      const unit = `u-${i}`;
      const inLayer = bucket(`checkout-layer:${unit}`) < 5000;
      expect(decide(layered, { userId: unit }).reason).toBe(inLayer ? 'assigned' : 'layer');
    }
  });

  it('6. allocation uses the salt, defaulting to the key, and answers traffic outside coverage', () => {
    const salted = { ...checkout, salt: 'checkout-2026' };
    expect(decide(salted, { userId: 'u-1' }).bucket).toBe(bucket('checkout-2026:u-1'));
    const none = { ...checkout, coverage: 0 };
    const decision = decide(none, { userId: 'u-1' });
    expect(decision).toMatchObject({
      variant: 'control',
      inExperiment: false,
      reason: 'traffic',
      bucket: bucket('checkout-button:u-1'),
    });
  });

  it('6. a variant owns [W_i, W_i + floor(c * w_i / 10000))', () => {
    const experiment: ExperimentDefinition = {
      key: 'three',
      status: 'running',
      coverage: 5000,
      variants: [
        { key: 'a', weight: 2000 },
        { key: 'b', weight: 3000 },
        { key: 'c', weight: 5000 },
      ],
    };
    for (let i = 0; i < 2000; i++) {
      const b = bucket(`three:${i}`);
      const expected = b < 1000 ? 'a' : b >= 2000 && b < 3500 ? 'b' : b >= 5000 && b < 7500 ? 'c' : null;
      const decision = decide(experiment, { userId: i });
      expect(decision.reason).toBe(expected === null ? 'traffic' : 'assigned');
      expect(decision.variant).toBe(expected ?? 'a');
    }
  });

  it('never mutates its inputs', () => {
    const experiment = structuredClone({ ...checkout, targeting: { platform: 'iOS' } });
    const context = { userId: 'u-1', platform: 'iOS' };
    const before = JSON.stringify([experiment, context]);
    decide(experiment, context);
    decide(experiment, { userId: 'u-1', platform: 'Android' });
    expect(JSON.stringify([experiment, context])).toBe(before);
  });

  it('shares only frozen decisions between callers', () => {
    const shared = decide(checkout, { platform: 'iOS' });
    expect(shared).toBe(decide(checkout, { platform: 'Android' }));
    expect(Object.isFrozen(shared)).toBe(true);
    const assigned = decide(checkout, { userId: 'u-1' });
    expect(assigned).not.toBe(decide(checkout, { userId: 'u-1' }));
  });
});

describe('decide on bad input', () => {
  const cases: [string, unknown][] = [
    [
      'weights not summing to 10000',
      {
        ...checkout,
        variants: [
          { key: 'control', weight: 5000 },
          { key: 'b', weight: 4000 },
        ],
      },
    ],
    [
      'fractional weight',
      {
        ...checkout,
        variants: [
          { key: 'control', weight: 5000.5 },
          { key: 'b', weight: 4999.5 },
        ],
      },
    ],
    ['coverage above 10000', { ...checkout, coverage: 10_001 }],
    [
      'duplicate variant keys',
      {
        ...checkout,
        variants: [
          { key: 'control', weight: 5000 },
          { key: 'control', weight: 5000 },
        ],
      },
    ],
    ['unknown status', { ...checkout, status: 'live' }],
    ['override naming no variant', { ...checkout, overrides: { u: 'nope' } }],
    ['inverted layer range', { ...checkout, layer: { key: 'l', range: [5000, 1000] } }],
    ['targeting that is not an object', { ...checkout, targeting: 'platform == iOS' }],
  ];

  it.each(cases)('%s answers the control with reason error', (_name, experiment) => {
    expect(decide(experiment as ExperimentDefinition, { userId: 'u-1' })).toMatchObject({
      experiment: 'checkout-button',
      variant: 'control',
      inExperiment: false,
      reason: 'error',
      bucket: null,
    });
  });

  it('answers error for garbage that has no control at all', () => {
    for (const garbage of [null, undefined, 42, 'x', [], {}, { key: 'k', variants: 'no' }]) {
      const decision = decide(garbage as unknown as ExperimentDefinition, { userId: 'u' });
      expect(decision.reason).toBe('error');
      expect(decision.variant).toBeNull();
    }
  });

  it('answers error when reading the context throws', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        has: () => {
          throw new Error('boom');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('boom');
        },
      },
    );
    expect(decide(checkout, hostile)).toMatchObject({ reason: 'error', variant: 'control' });
  });
});

describe('readUnit and applySticky (DESIGN.md steps 1 and 7)', () => {
  it('reads the unit exactly as decide does', () => {
    expect(readUnit(checkout, { userId: 1001 })).toBe('1001');
    expect(readUnit({ ...checkout, unitAttribute: 'account.id' }, { account: { id: 'acme' } })).toBe('acme');
    expect(readUnit(checkout, { userId: '' })).toBeNull();
    expect(readUnit(checkout, { platform: 'iOS' })).toBeNull();
    expect(readUnit(null as unknown as ExperimentDefinition, { userId: 'u' })).toBeNull();
  });

  it('lets a recorded variant win over layer and allocation only', () => {
    const assigned = decide(checkout, { userId: 'u-1' });
    const other = assigned.variant === 'control' ? 'moved' : 'control';
    expect(applySticky(checkout, assigned, other)).toEqual({
      ...assigned,
      variant: other,
      reason: 'sticky',
      inExperiment: true,
      payload: other === 'moved' ? { position: 'top' } : { position: 'bottom' },
    });
    const outOfTraffic = decide({ ...checkout, coverage: 0 }, { userId: 'u-1' });
    expect(applySticky(checkout, outOfTraffic, 'moved').reason).toBe('sticky');
    const overridden = decide({ ...checkout, overrides: { 'qa-1': 'control' } }, { userId: 'qa-1' });
    expect(applySticky(checkout, overridden, 'moved')).toBe(overridden);
    expect(applySticky(checkout, decide(checkout, { platform: 'iOS' }), 'moved').reason).toBe('missing-unit');
    expect(applySticky(checkout, assigned, 'gone')).toBe(assigned);
    expect(applySticky(checkout, assigned, undefined)).toBe(assigned);
    expect(isStickyOverridable(assigned)).toBe(true);
  });
});
