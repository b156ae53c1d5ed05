// Heap growth while millions of distinct users are decided and exposed, each SDK in a child process
// of its own (node --expose-gc) so one's garbage never counts against the other.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LIFT_USERS = 10_000_000;
const GROWTHBOOK_USERS = 1_000_000;
const YIELD_EVERY = 1000;

function heapMb() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function measureLift(count) {
  const { createClient } = await import('../dist/index.js');
  const { liftExperiment } = await import('./bench-support.js');
  const { acceptingFetch } = await import('./client-bench.js');
  const lift = createClient({
    serverUrl: 'http://127.0.0.1:9',
    fetch: acceptingFetch,
    refresh: 'none',
    config: { version: 1, experiments: [{ ...liftExperiment, targeting: {} }] },
    openTelemetry: false,
    flushIntervalMs: 10,
  });
  lift.decide('checkout-button', { userId: 'warm-up' });
  await lift.flush();
  const before = heapMb();
  const context = { userId: '' };
  for (let i = 0; i < count; i++) {
    context.userId = `user-${i}`;
    lift.decide('checkout-button', context);
    if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve)); // as an app would: timers get to flush
  }
  await lift.flush();
  const after = heapMb();
  await lift.close();
  return after - before;
}

async function measureGrowthBook(count) {
  const { growthBookClient } = await import('./bench-support.js');
  const growthBook = growthBookClient();
  let tracked = 0;
  growthBook.setTrackingCallback(() => (tracked += 1));
  growthBook.evalFeature('checkout-button', { attributes: { userId: 'warm-up', platform: 'iOS', region: 'NC' } });
  const before = heapMb();
  for (let i = 0; i < count; i++) {
    growthBook.evalFeature('checkout-button', { attributes: { userId: `user-${i}`, platform: 'iOS', region: 'NC' } });
    if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const after = heapMb();
  if (tracked === 0) throw new Error('GrowthBook tracked nothing: the comparison would not be like for like');
  return after - before;
}

if (process.argv[2] === '--child') {
  const [sdk, count] = [process.argv[3], Number(process.argv[4])];
  const growth = sdk === 'lift' ? await measureLift(count) : await measureGrowthBook(count);
  console.log(JSON.stringify({ growth }));
}

export async function benchmarkMemory() {
  const self = fileURLToPath(import.meta.url);
  const run = (sdk, count) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--expose-gc', '--max-old-space-size=8192', self, '--child', sdk, String(count)],
        { encoding: 'utf8' },
      ),
    ).growth;
  const liftMb = run('lift', LIFT_USERS);
  const growthBookMb = run('growthbook', GROWTHBOOK_USERS);
  console.log('\nHeap growth while deciding distinct users, each of them exposed once');
  console.log(
    `  Lift client         ${LIFT_USERS.toLocaleString('en-US').padStart(11)} users  ${liftMb.toFixed(1).padStart(8)} MB`,
  );
  console.log(
    `  GrowthBookClient    ${GROWTHBOOK_USERS.toLocaleString('en-US').padStart(11)} users  ${growthBookMb.toFixed(1).padStart(8)} MB`,
  );
  return { liftUsers: LIFT_USERS, liftMb, growthBookUsers: GROWTHBOOK_USERS, growthBookMb };
}
