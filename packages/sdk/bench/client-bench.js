// The client's decide with exposure logging against GrowthBookClient with its tracking callback.
import { createClient } from '../dist/index.js';
import { growthBookClient, liftExperiment, measure, printTable, USERS, users } from './bench-support.js';

/** A fetch that accepts everything at once: the benchmark measures the client, not a network. */
export const acceptingFetch = async () => ({
  ok: true,
  status: 202,
  headers: { get: () => null },
  text: async () => '{}',
});

export async function benchmarkClient() {
  const mask = USERS - 1;
  let exposures = 0;
  const lift = createClient({
    serverUrl: 'http://127.0.0.1:9',
    fetch: acceptingFetch,
    refresh: 'none',
    config: { version: 1, experiments: [liftExperiment] },
    onExposure: () => (exposures += 1),
    openTelemetry: false,
  });
  const growthBook = growthBookClient();
  let tracked = 0;
  growthBook.setTrackingCallback(() => (tracked += 1));
  const contexts = users.map((attributes) => ({ attributes }));

  const liftRow = measure(
    'Lift client.decide + exposure logging',
    2_000_000,
    (i) => lift.decide('checkout-button', users[i & mask]).inExperiment,
  );
  const growthBookRow = measure(
    'GrowthBookClient.evalFeature + trackingCallback',
    200_000,
    (i) => growthBook.evalFeature('checkout-button', contexts[i & mask]).on,
  );
  printTable('Client decision with exposure logging, 4096 distinct users', [liftRow, growthBookRow], liftRow);
  console.log(`  (exposures logged: Lift ${exposures}, GrowthBook ${tracked}: each logs a user once)`);
  await lift.close();
  return { lift: liftRow, growthBook: growthBookRow };
}
