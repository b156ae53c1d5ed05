// istio-sync benchmark: `pnpm bench` (after `pnpm build`). Renders and validates 1,000 experiments
// over 100 hosts (10 experiments per host, merged into one VirtualService each; every tenth one edge
// bucketed through the Lua EnvoyFilter). Target: render + validate <= 1 s.
import { performance } from 'node:perf_hooks';
import { readExperiments, renderResources, ResourceValidator, toYamlDocuments } from '../dist/index.js';

const HOSTS = 100;
const PER_HOST = 10;
const ROUNDS = 5;
const TARGET_MS = 1000;

function experimentsDocument() {
  const experiments = [];
  for (let host = 0; host < HOSTS; host += 1) {
    for (let slot = 0; slot < PER_HOST; slot += 1) {
      const key = `svc-${host}-exp-${slot}`;
      const isEdge = slot === 0;
      experiments.push({
        key,
        status: 'running',
        version: 1 + slot,
        variants: [
          { key: 'control', weight: 5000 },
          { key: 'treatment', weight: 5000 },
        ],
        coverage: 10000,
        unitAttribute: 'userId',
        salt: null,
        // Disjoint segments, so the ten experiments of a host can share it.
        targeting: { segment: { $in: [`seg-${slot}-a`, `seg-${slot}-b`] }, platform: 'iOS' },
        layer: null,
        overrides: {},
        metrics: { primary: 'purchase', guardrails: [] },
        routing: {
          host: `svc-${host}.shop.svc.cluster.local`,
          namespace: `team-${host % 10}`,
          mode: 'ab',
          subsets: { control: { version: 'v1' }, treatment: { version: `v2-${slot}` } },
          headers: { segment: 'x-segment', platform: 'x-platform', ...(isEdge ? { userId: 'x-user-id' } : {}) },
        },
      });
    }
  }
  return { experiments };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const document = experimentsDocument();
const coldStart = performance.now();
const validator = ResourceValidator.shared();
const schemaMs = performance.now() - coldStart;

const renderTimes = [];
const validateTimes = [];
let resources = [];
let errors = 0;
for (let round = 0; round < ROUNDS; round += 1) {
  const t0 = performance.now();
  resources = renderResources(readExperiments(document));
  const t1 = performance.now();
  const issues = validator.validate(resources);
  const t2 = performance.now();
  errors = issues.filter((issue) => issue.severity === 'error').length;
  renderTimes.push(t1 - t0);
  validateTimes.push(t2 - t1);
}
const yamlStart = performance.now();
const yaml = toYamlDocuments(resources);
const yamlMs = performance.now() - yamlStart;

const render = median(renderTimes);
const validate = median(validateTimes);
const total = render + validate;
console.log(
  `istio-sync: ${document.experiments.length} experiments over ${HOSTS} hosts -> ${resources.length} resources (${errors} validation errors)`,
);
console.log(`  read CRD files (once per process): ${schemaMs.toFixed(0)} ms`);
console.log(
  `  first round, cold (parses and compiles the 3 CRD schemas): ${(renderTimes[0] + validateTimes[0]).toFixed(0)} ms`,
);
console.log(`  render (median of ${ROUNDS}):   ${render.toFixed(1)} ms`);
console.log(`  validate (median of ${ROUNDS}): ${validate.toFixed(1)} ms`);
console.log(
  `  render + validate:          ${total.toFixed(1)} ms (target <= ${TARGET_MS} ms: ${total <= TARGET_MS ? 'met' : 'MISSED'})`,
);
console.log(`  YAML output: ${(yaml.length / 1024).toFixed(0)} KiB in ${yamlMs.toFixed(0)} ms`);
if (errors > 0) process.exitCode = 1;
