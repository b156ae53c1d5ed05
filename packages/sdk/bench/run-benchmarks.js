// Lift SDK benchmarks against peers measured in the same run: `pnpm bench` (after `pnpm build`).
// Prints nanoseconds per operation (median of several rounds) and Lift's speed-up ratio.
import murmurhash from 'murmurhash';
import { decide, hash } from '../dist/index.js';
import { growthBookClient, measure, printTable, unleashClient, users, USERS, liftExperiment } from './bench-support.js';
import { benchmarkClient } from './client-bench.js';
import { benchmarkBundleSize } from './bundle-size.js';
import { benchmarkInternals } from './internals-bench.js';
import { benchmarkMemory } from './memory-bench.js';

async function main() {
  const mask = USERS - 1;
  const asciiIds = users.map((u) => `checkout-button:${u.userId}`);
  const unicodeIds = users.map((u, i) => `checkout-button:用户-${i}-Zürich`);
  const liftHash = measure('Lift hash (ASCII id)', 2_000_000, (i) => hash(asciiIds[i & mask]) & 1);
  const npmHash = measure('murmurhash v3 (npm, ASCII id)', 1_000_000, (i) => murmurhash.v3(asciiIds[i & mask], 0) & 1);
  const liftHashUnicode = measure('Lift hash (non-ASCII id)', 2_000_000, (i) => hash(unicodeIds[i & mask]) & 1);
  const npmHashUnicode = measure(
    'murmurhash v3 (npm, non-ASCII id)',
    1_000_000,
    (i) => murmurhash.v3(unicodeIds[i & mask], 0) & 1,
  );
  printTable('MurmurHash3_x86_32 over UTF-8', [liftHash, npmHash], liftHash);
  printTable('MurmurHash3_x86_32 over UTF-8, non-ASCII', [liftHashUnicode, npmHashUnicode], liftHashUnicode);

  const growthBook = growthBookClient();
  const growthBookContexts = users.map((attributes) => ({ attributes }));
  const unleash = await unleashClient();
  const unleashContexts = users.map((u) => ({
    userId: u.userId,
    properties: { platform: u.platform, region: u.region },
  }));

  // The three must agree on who is eligible, or the comparison is not like for like.
  for (let i = 0; i < 16; i++) {
    const lift = decide(liftExperiment, users[i]).inExperiment;
    const gb = growthBook.evalFeature('checkout-button', growthBookContexts[i]).source === 'experiment';
    const un = unleash.getVariant('checkout-button', unleashContexts[i]).enabled;
    if (lift !== gb || lift !== un) throw new Error(`peers disagree on eligibility of user ${i}`);
  }

  const lift = measure('Lift decide', 2_000_000, (i) => decide(liftExperiment, users[i & mask]).inExperiment);
  const gb = measure(
    'GrowthBook GrowthBookClient.evalFeature',
    200_000,
    (i) => growthBook.evalFeature('checkout-button', growthBookContexts[i & mask]).on,
  );
  const un = measure(
    'Unleash getVariant (bootstrapped)',
    200_000,
    (i) => unleash.getVariant('checkout-button', unleashContexts[i & mask]).enabled,
  );
  printTable('Decision: 2 variants, 2-condition targeting, 4096 distinct users', [lift, gb, un], lift);
  unleash.destroy();

  benchmarkInternals();
  const client = await benchmarkClient();
  const memory = await benchmarkMemory();
  const bundle = await benchmarkBundleSize();

  console.log('\nsummary');
  console.log(`  Lift decide: ${lift.ns.toFixed(1)} ns/op (target <= 100 ns)`);
  console.log(`  vs GrowthBook: ${(gb.ns / lift.ns).toFixed(1)}x (target >= 8x)`);
  console.log(`  vs Unleash:    ${(un.ns / lift.ns).toFixed(1)}x`);
  console.log(
    `  client decide with exposure logging: ${client.lift.ns.toFixed(1)} ns/op, ${(client.growthBook.ns / client.lift.ns).toFixed(1)}x GrowthBook with its tracking callback (target >= 8x)`,
  );
  console.log(
    `  heap growth after ${memory.liftUsers.toLocaleString('en-US')} distinct users: Lift ${memory.liftMb.toFixed(1)} MB (target <= 50 MB); GrowthBook after ${memory.growthBookUsers.toLocaleString('en-US')}: ${memory.growthBookMb.toFixed(1)} MB`,
  );
  console.log(
    `  browser bundle, esbuild --minify + gzip -9: Lift client ${(bundle.liftClient / 1024).toFixed(1)} KB (target <= 5 KB), Lift decide only ${(bundle.liftCore / 1024).toFixed(1)} KB, GrowthBook ${(bundle.growthBook / 1024).toFixed(1)} KB`,
  );
  console.log(
    `  hash vs npm murmurhash: ${(npmHash.ns / liftHash.ns).toFixed(1)}x (ASCII), ${(npmHashUnicode.ns / liftHashUnicode.ns).toFixed(1)}x (non-ASCII)`,
  );
}

await main();
