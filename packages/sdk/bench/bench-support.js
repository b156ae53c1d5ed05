// Shared pieces of Lift's SDK benchmarks: the measuring loop, the users, the peers' set-ups.
import { GrowthBookClient } from '@growthbook/growthbook';
import { InMemStorageProvider, Unleash } from 'unleash-client';

export const ROUNDS = 7;
export const USERS = 4096;
export const TARGETING = { platform: 'iOS', region: { $in: ['NC', 'SC'] } };
const PLATFORMS = ['iOS', 'Android'];
const REGIONS = ['NC', 'SC', 'CA', 'NY'];

export const users = Array.from({ length: USERS }, (_, i) => ({
  userId: `3f1c9a0e-${String(i).padStart(4, '0')}-4e2a-9c51-0d6f2b7e8a14`,
  platform: PLATFORMS[i % 2],
  region: REGIONS[(i >> 1) % 4],
}));

/**
 * Runs `operation(i)` `iterations` times per round and returns the median ns per operation. Each
 * benchmark gets a loop compiled on its own, so one call site never sees several operations
 * (which would make every benchmark pay for megamorphic calls).
 */
export function measure(name, iterations, operation) {
  const loop = new Function(
    'operation',
    'iterations',
    'let sink = 0; for (let i = 0; i < iterations; i++) sink ^= operation(i) ? 1 : 0; return sink;',
  );
  let sink = loop(operation, iterations / 4); // warm-up, lets the JIT settle
  const perRound = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    sink ^= loop(operation, iterations);
    perRound.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  perRound.sort((a, b) => a - b);
  if (sink === 2) console.log('unreachable');
  return { name, ns: perRound[Math.floor(ROUNDS / 2)] };
}

export const liftExperiment = {
  key: 'checkout-button',
  status: 'running',
  coverage: 10000,
  variants: [
    { key: 'control', weight: 5000 },
    { key: 'moved', weight: 5000 },
  ],
  targeting: TARGETING,
};

export function growthBookClient() {
  const client = new GrowthBookClient({});
  client.initSync({
    payload: {
      features: {
        'checkout-button': {
          defaultValue: 'control',
          rules: [
            {
              key: 'checkout-button',
              condition: TARGETING,
              variations: ['control', 'moved'],
              weights: [0.5, 0.5],
              coverage: 1,
              hashAttribute: 'userId',
            },
          ],
        },
      },
    },
  });
  return client;
}

export async function unleashClient() {
  const unleash = new Unleash({
    appName: 'lift-bench',
    url: 'http://127.0.0.1:9/api/',
    disableMetrics: true,
    refreshInterval: 0,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: {
      data: [
        {
          name: 'checkout-button',
          enabled: true,
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: '100', stickiness: 'userId', groupId: 'checkout-button' },
              constraints: [
                { contextName: 'platform', operator: 'IN', values: ['iOS'] },
                { contextName: 'region', operator: 'IN', values: ['NC', 'SC'] },
              ],
            },
          ],
          variants: [
            { name: 'control', weight: 500, weightType: 'variable', stickiness: 'userId' },
            { name: 'moved', weight: 500, weightType: 'variable', stickiness: 'userId' },
          ],
        },
      ],
    },
  });
  unleash.on('error', () => {}); // the bench server does not exist; bootstrap data is all it uses
  await new Promise((resolve) => unleash.once('ready', resolve));
  return unleash;
}

export function printTable(title, rows, baseline) {
  console.log(`\n${title}`);
  for (const row of rows) {
    const ratio = row.ns / baseline.ns;
    const note = row === baseline ? '' : `  Lift is ${ratio.toFixed(1)}x faster`;
    console.log(`  ${row.name.padEnd(44)} ${row.ns.toFixed(1).padStart(8)} ns/op${note}`);
  }
}
