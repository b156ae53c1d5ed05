import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes.js';

describe('routes in the URL fragment', () => {
  it('reads the list, its status filter, an experiment and the form', () => {
    expect(parseRoute('')).toEqual({ page: 'list', status: undefined });
    expect(parseRoute('#/?status=running')).toEqual({ page: 'list', status: 'running' });
    expect(parseRoute('#/?status=bogus')).toEqual({ page: 'list', status: undefined });
    expect(parseRoute('#/experiments/checkout%20green')).toEqual({ page: 'experiment', key: 'checkout green' });
    expect(parseRoute('#/new')).toEqual({ page: 'new' });
    expect(parseRoute('#/experiments/%E0%A4%A')).toEqual({ page: 'list', status: undefined });
  });
});
