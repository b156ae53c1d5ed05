// Lift SDK benchmarks against peers measured in the same run: `pnpm bench` (after `pnpm build`).
// Prints nanoseconds per operation (median of several rounds) and Lift's speed-up ratio.
import { GrowthBookClient } from '@growthbook/growthbook';
import murmurhash from 'murmurhash';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { decide, hash } from '../dist/index.js';

const ROUNDS = 7;
const USERS = 4096;
const TARGETING = { platform: 'iOS', region: { $in: ['NC', 'SC'] } };
const PLATFORMS = ['iOS', 'Android'];
const REGIONS = ['NC', 'SC', 'CA', 'NY'];

const users = Array.from({ length: USERS }, (_, i) => ({
  userId: `3f1c9a0e-${String(i).padStart(4, '0')}-4e2a-9c51-0d6f2b7e8a14`,
  platform: PLATFORMS[i % 2],
  region: REGIONS[(i >> 1) % 4],
}));

/**
 * Runs `operation(i)` `iterations` times per round and returns the median ns per operation. Each
 * benchmark gets a loop compiled on its own, so one call site never sees several operations
 * (which would make every benchmark pay for megamorphic calls).
 */
function measure(name, iterations, operation) {
  const loop = new Function('operation', 'iterations', 'let sink = 0; for (let i = 0; i < iterations; i++) sink ^= operation(i) ? 1 : 0; return sink;');
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

const liftExperiment = {
  key: 'checkout-button',
  status: 'running',
  coverage: 10000,
  variants: [
    { key: 'control', weight: 5000 },
    { key: 'moved', weight: 5000 },
  ],
  targeting: TARGETING,
};

function growthBookClient() {
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

async function unleashClient() {
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

function printTable(title, rows, baseline) {
  console.log(`\n${title}`);
  for (const row of rows) {
    const ratio = row.ns / baseline.ns;
    const note = row === baseline ? '' : `  Lift is ${ratio.toFixed(1)}x faster`;
    console.log(`  ${row.name.padEnd(44)} ${row.ns.toFixed(1).padStart(8)} ns/op${note}`);
  }
}

async function main() {
  const mask = USERS - 1;
  const asciiIds = users.map((u) => `checkout-button:${u.userId}`);
  const unicodeIds = users.map((u, i) => `checkout-button:用户-${i}-Zürich`);
  const liftHash = measure('Lift hash (ASCII id)', 2_000_000, (i) => hash(asciiIds[i & mask]) & 1);
  const npmHash = measure('murmurhash v3 (npm, ASCII id)', 1_000_000, (i) => murmurhash.v3(asciiIds[i & mask], 0) & 1);
  const liftHashUnicode = measure('Lift hash (non-ASCII id)', 2_000_000, (i) => hash(unicodeIds[i & mask]) & 1);
  const npmHashUnicode = measure('murmurhash v3 (npm, non-ASCII id)', 1_000_000, (i) => murmurhash.v3(unicodeIds[i & mask], 0) & 1);
  printTable('MurmurHash3_x86_32 over UTF-8', [liftHash, npmHash], liftHash);
  printTable('MurmurHash3_x86_32 over UTF-8, non-ASCII', [liftHashUnicode, npmHashUnicode], liftHashUnicode);

  const growthBook = growthBookClient();
  const growthBookContexts = users.map((attributes) => ({ attributes }));
  const unleash = await unleashClient();
  const unleashContexts = users.map((u) => ({ userId: u.userId, properties: { platform: u.platform, region: u.region } }));

  // The three must agree on who is eligible, or the comparison is not like for like.
  for (let i = 0; i < 16; i++) {
    const lift = decide(liftExperiment, users[i]).inExperiment;
    const gb = growthBook.evalFeature('checkout-button', growthBookContexts[i]).source === 'experiment';
    const un = unleash.getVariant('checkout-button', unleashContexts[i]).enabled;
    if (lift !== gb || lift !== un) throw new Error(`peers disagree on eligibility of user ${i}`);
  }

  const lift = measure('Lift decide', 2_000_000, (i) => decide(liftExperiment, users[i & mask]).inExperiment);
  const gb = measure('GrowthBook GrowthBookClient.evalFeature', 200_000, (i) => growthBook.evalFeature('checkout-button', growthBookContexts[i & mask]).on);
  const un = measure('Unleash getVariant (bootstrapped)', 200_000, (i) => unleash.getVariant('checkout-button', unleashContexts[i & mask]).enabled);
  printTable('Decision: 2 variants, 2-condition targeting, 4096 distinct users', [lift, gb, un], lift);
  unleash.destroy();

  console.log('\nsummary');
  console.log(`  Lift decide: ${lift.ns.toFixed(1)} ns/op (target <= 100 ns)`);
  console.log(`  vs GrowthBook: ${(gb.ns / lift.ns).toFixed(1)}x (target >= 8x)`);
  console.log(`  vs Unleash:    ${(un.ns / lift.ns).toFixed(1)}x`);
  console.log(`  hash vs npm murmurhash: ${(npmHash.ns / liftHash.ns).toFixed(1)}x (ASCII), ${(npmHashUnicode.ns / liftHashUnicode.ns).toFixed(1)}x (non-ASCII)`);
}

await main();
