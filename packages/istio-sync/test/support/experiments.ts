import type { RoutedExperiment, Routing } from '../../src/experiment-input.js';

/** A running two-variant experiment routed to `host`, with the fields a test overrides. */
export function experimentOf(
  overrides: Partial<Omit<RoutedExperiment, 'routing'>> & { readonly routing?: Partial<Routing> | null } = {},
): RoutedExperiment {
  const key = overrides.key ?? 'exp';
  const { routing, ...rest } = overrides;
  return {
    key,
    status: 'running',
    version: 1,
    variants: [
      { key: 'control', weight: 5000 },
      { key: 'treatment', weight: 5000 },
    ],
    coverage: 10_000,
    unitAttribute: 'userId',
    salt: null,
    targeting: {},
    layer: null,
    overrides: {},
    ...rest,
    routing:
      routing === null
        ? null
        : {
            host: 'web',
            namespace: 'shop',
            mode: 'ab',
            subsets: { control: { version: 'v1' }, treatment: { version: 'v2' } },
            headers: { platform: 'x-platform', region: 'x-region' },
            ...routing,
          },
  };
}
