import { describe, expect, it } from 'vitest';
import { fieldForPath, toCreateBody, type FormValues } from './experiment-form.js';

const values: FormValues = {
  key: ' checkout-green ',
  name: 'Green button',
  hypothesis: 'Green sells more',
  owner: '',
  description: '',
  primaryMetric: 'purchase',
  guardrails: 'refund, support-ticket\nchurn',
  conversionWindowHours: '',
  coverage: '25.5',
  unitAttribute: '',
  sticky: false,
  targeting: '',
  variants: [
    { key: 'control', weight: '33.33', description: '' },
    { key: 'green', weight: '66.67', description: 'Green button' },
  ],
};

describe('the new-hypothesis form', () => {
  it('turns percentages into basis points and leaves out what was left empty', () => {
    const { body, errors } = toCreateBody(values);
    expect(errors).toEqual([]);
    expect(body).toEqual({
      key: 'checkout-green',
      name: 'Green button',
      hypothesis: 'Green sells more',
      variants: [
        { key: 'control', weight: 3333 },
        { key: 'green', weight: 6667, description: 'Green button' },
      ],
      coverage: 2550,
      sticky: false,
      metrics: { primary: 'purchase', guardrails: ['refund', 'support-ticket', 'churn'] },
    });
  });

  it('reports what the browser can tell is wrong at the paths the API would use', () => {
    const { errors } = toCreateBody({
      ...values,
      targeting: '{"country": ',
      coverage: 'all',
      variants: [{ key: 'a', weight: 'half', description: '' }],
    });
    expect(errors.map((e) => e.path)).toEqual(['targeting', 'coverage', 'variants.0.weight']);
  });

  it('places an API error on the deepest field its path starts with', () => {
    const known = ['key', 'targeting', 'variants', 'variants.1.weight', 'metrics.primary'];
    expect(fieldForPath('variants.1.weight', known)).toBe('variants.1.weight');
    expect(fieldForPath('variants', known)).toBe('variants');
    expect(fieldForPath('variants.3.key', known)).toBe('variants');
    expect(fieldForPath('targeting.region.$in', known)).toBe('targeting');
    expect(fieldForPath('keys', known)).toBeNull();
    expect(fieldForPath('overrides.u1', known)).toBeNull();
  });
});
