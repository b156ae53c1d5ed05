// What each of the SDK's internal speed-ups buys over the plain code it replaces, measured in the
// same run: the figures their modules' headers quote.
import { evalCondition } from '@growthbook/growthbook';
import { bucket, bucketFrom } from '../dist/bucket.js';
import { createExposureCache } from '../dist/client/exposure-cache.js';
import { compileCondition } from '../dist/condition/compile-condition.js';
import { hashState } from '../dist/hash.js';
import { decide } from '../dist/index.js';
import { liftExperiment, measure, TARGETING, users, USERS } from './bench-support.js';

const EXPOSURE_CACHE_CAPACITY = 50_000;
const DISTINCT_UNITS = 1_000_000;

/** The plain alternative to the two-generation cache: one Map per experiment, evicting its oldest entry. */
function createOneMapCache(capacity) {
  const byExperiment = new Map();
  return {
    add(experiment, unit, variant) {
      let units = byExperiment.get(experiment);
      if (units === undefined) byExperiment.set(experiment, (units = new Map()));
      if (units.get(unit) === variant) return false;
      units.delete(unit);
      units.set(unit, variant);
      if (units.size > capacity) units.delete(units.keys().next().value);
      return true;
    },
  };
}

/** ns per exposure of a unit not seen before, once the cache is full. */
function measureExposureCache(name, cache) {
  const units = Array.from({ length: DISTINCT_UNITS }, (_, i) => `3f1c9a0e-${i}-4e2a-9c51-0d6f2b7e8a14`);
  for (let i = 0; i < EXPOSURE_CACHE_CAPACITY; i++) cache.add('checkout-button', `warm-${i}`, 'moved');
  const start = process.hrtime.bigint();
  for (const unit of units) cache.add('checkout-button', unit, 'moved');
  return { name, ns: Number(process.hrtime.bigint() - start) / DISTINCT_UNITS };
}

function printComparison(title, fast, plain) {
  console.log(`\n${title}`);
  console.log(`  ${fast.name.padEnd(52)} ${fast.ns.toFixed(1).padStart(8)} ns/op`);
  console.log(
    `  ${plain.name.padEnd(52)} ${plain.ns.toFixed(1).padStart(8)} ns/op  ${(plain.ns / fast.ns).toFixed(1)}x the cost`,
  );
}

export function benchmarkInternals() {
  const mask = USERS - 1;
  const isTargeted = compileCondition(TARGETING);
  printComparison(
    'Targeting condition (compile-condition.ts)',
    measure('compiled once into a predicate', 2_000_000, (i) => isTargeted(users[i & mask])),
    measure('interpreted per call (GrowthBook evalCondition)', 500_000, (i) =>
      evalCondition(users[i & mask], TARGETING),
    ),
  );

  printComparison(
    'Experiment definition (compile-experiment.ts)',
    measure('decide, definition checked and compiled once', 2_000_000, (i) => decide(liftExperiment, users[i & mask])),
    // A definition object decide has not seen is checked and compiled before deciding.
    measure('decide, definition checked and compiled every call', 200_000, (i) =>
      decide({ ...liftExperiment }, users[i & mask]),
    ),
  );

  const ids = users.map((user) => user.userId);
  const prefix = hashState('checkout-button:');
  printComparison(
    'Allocation bucket (hash.ts prefix state)',
    measure('bucketFrom(hashState(salt + ":"), unit)', 2_000_000, (i) => bucketFrom(prefix, ids[i & mask]) & 1),
    measure('bucket(salt + ":" + unit)', 2_000_000, (i) => bucket(`checkout-button:${ids[i & mask]}`) & 1),
  );

  const exposureRows = [
    measureExposureCache('two generations (exposure-cache.ts)', createExposureCache(EXPOSURE_CACHE_CAPACITY)),
    measureExposureCache('one Map evicting its oldest entry', createOneMapCache(EXPOSURE_CACHE_CAPACITY)),
  ];
  printComparison(
    `Exposure dedupe, ${DISTINCT_UNITS.toLocaleString('en-US')} new units past a full cache of ${EXPOSURE_CACHE_CAPACITY.toLocaleString('en-US')}`,
    ...exposureRows,
  );
}
