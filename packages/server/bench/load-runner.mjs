// Runs one bounded, open-loop load against a loopback URL (options in the JSON file named by the
// first argument) in its own process, so the load generator does not share the server's event
// loop, and prints the result as JSON.
//
// Why not one autocannon run with `overallRate`: autocannon rate-limits per connection with a quota
// per second (httpClient.js `reqsMadeThisSecond`), sent back to back as soon as each second starts,
// and every connection's second starts at the same moment. One run at 2,000 req/s over 32
// connections is therefore a burst of ~2,000 requests at the top of each second and silence after
// it: the server is measured at saturation, not at 2,000 req/s. Its coordinated-omission correction
// also takes `Math.ceil(1 / rate)` = 1 ms as the expected interval (a rate per second used as if it
// were per millisecond), so every response slower than 1 ms is back-filled with made-up samples.
//
// So the offered load is built from `connections` autocannon runs of one connection each, each
// sending one request every `connections / rate` seconds, their phases spread evenly: at 2,000
// req/s over 50 connections, each sends every 25 ms and the next connection 0.5 ms after it, a
// steady stream. (Few connections with many requests each is what an app behind a proxy or a mesh
// sidecar sees, and 50 autocannon runs cost the generator less than one per request a second.) The
// pace comes from autocannon's own rate limit: a stream's quota is 1 (`connectionRate`) and is
// reset by its `setInterval(..., 1000)` (httpClient.js `rateInterval`), which this process runs on
// the stream's schedule instead: ticks at origin + k * interval, the origin being the moment the
// stream was meant to start. Node's own intervals would also drift apart from the schedule: Node
// re-arms an interval from the moment its timer list was processed, so intervals that fire
// together while the loop is late stay together from then on, and a stream created late keeps its
// lateness; the sends would clump over a run (the "busiest 10 ms" count shows it).
//
// Latencies are the raw per-response durations autocannon reports ('response' events,
// hrtime-based, sub-millisecond), merged across runs; coordinated omission is corrected with each
// stream's real interval (a response slower than the interval adds the samples its stalled stream
// should have sent, as HdrHistogram's recordValueWithExpectedInterval does). The first second of
// sends (connection setup, JIT) is a warm-up and is not counted.
//
// Bounded: every stream stops after `rate / connections * duration` requests, and the whole run is
// stopped `duration + 5` s after its start whatever happens. Only http://127.0.0.1 targets run.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** The schedule of the stream being created (origin and interval, ms): its rate interval keeps to it. */
let pendingSchedule = null;

/**
 * `setInterval` on a schedule: ticks at origin + k * interval, each armed from the schedule rather
 * than from when the last one ran. The first interval armed while a stream is created is that
 * stream's rate interval and takes the stream's schedule; others keep their own period from now.
 */
function scheduledInterval(callback, periodMs, ...args) {
  const { origin, interval } = pendingSchedule ?? { origin: performance.now(), interval: periodMs };
  pendingSchedule = null;
  let due = origin + interval;
  let isRef = true;
  const handle = {
    timer: null,
    ref() {
      isRef = true;
      handle.timer?.ref();
      return handle;
    },
    unref() {
      isRef = false;
      handle.timer?.unref();
      return handle;
    },
    hasRef: () => isRef,
    clear: () => clearTimeout(handle.timer),
  };
  const arm = () => {
    handle.timer = setTimeout(tick, Math.max(1, due - performance.now()));
    if (!isRef) handle.timer.unref();
  };
  const tick = () => {
    due += interval;
    arm();
    callback(...args);
  };
  arm();
  return handle;
}
const nativeClearInterval = globalThis.clearInterval;
globalThis.setInterval = scheduledInterval;
globalThis.clearInterval = (handle) =>
  typeof handle?.clear === 'function' && 'timer' in handle ? handle.clear() : nativeClearInterval(handle);

/** Connections when the options name none (see above). */
const DEFAULT_CONNECTIONS = 50;
const WARM_UP_MS = 1_000;
const STOP_GRACE_MS = 5_000;
const BURST_WINDOW_MS = 10;
const MS_PER_SECOND = 1_000;

const {
  url,
  method,
  headers,
  bodies,
  rate,
  duration,
  connections = DEFAULT_CONNECTIONS,
} = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing a non-loopback target: ${url}`);

const streams = connections;
const perStream = rate / streams;
if (!Number.isInteger(perStream * duration))
  throw new Error(`rate ${rate} x duration ${duration} must be a multiple of ${streams} connections`);
/** How often each connection sends. */
const intervalMs = MS_PER_SECOND / perStream;

let nextBody = 0;
const requests = [
  {
    setupRequest(request) {
      if (bodies === undefined) return request;
      const body = bodies[nextBody % bodies.length];
      nextBody += 1;
      return { ...request, body };
    },
  },
];

// Latencies are collected from 'response' events instead; autocannon's own histograms (three
// WebAssembly HdrHistograms per run) are swapped for no-op ones it accepts (`__custom`), since
// thousands of runs would exhaust their shared WebAssembly memory.
const noHistogram = { __custom: true, recordValue() {}, recordValueWithExpectedInterval() {}, destroy() {} };
const histograms = { latencies: noHistogram, requests: noHistogram, throughput: noHistogram };

/** Completed responses: when each was sent (ms since the run started) and how long it took. */
const samples = [];
const totals = { errors: 0, timeouts: 0, non2xx: 0 };
const startedAt = performance.now();
const runs = [];

function startStream(index) {
  // autocannon creates the stream's connection, and arms its rate interval, within this call.
  pendingSchedule = { origin: startedAt + (index * intervalMs) / streams, interval: intervalMs };
  const instance = autocannon({
    url,
    method,
    headers,
    requests,
    connections: 1,
    // One request per interval (the quota autocannon resets on each tick of its rate interval).
    connectionRate: 1,
    amount: perStream * duration,
    // Corrected below with the stream's real interval (autocannon would use 1 ms).
    ignoreCoordinatedOmission: true,
    skipAggregateResult: true,
    histograms,
  });
  pendingSchedule = null;
  instance.on('response', (_client, statusCode, _bytes, latencyMs) => {
    if (statusCode >= 200 && statusCode < 300)
      samples.push({ sentAt: performance.now() - startedAt - latencyMs, latencyMs });
  });
  runs.push(
    new Promise((resolve, reject) => {
      instance.on('done', (result) => {
        totals.errors += result.errors;
        totals.timeouts += result.timeouts;
        totals.non2xx += result.non2xx;
        resolve();
      });
      instance.on('error', reject);
    }),
  );
  return instance;
}

const instances = [];
const starters = Array.from({ length: streams }, (_, index) =>
  setTimeout(() => instances.push(startStream(index)), (index * intervalMs) / streams),
);
const deadline = setTimeout(
  () => {
    for (const timer of starters) clearTimeout(timer);
    for (const instance of instances) instance.stop();
  },
  duration * MS_PER_SECOND + STOP_GRACE_MS,
);
await new Promise((resolve) => setTimeout(resolve, MS_PER_SECOND + BURST_WINDOW_MS));
await Promise.all(runs);
clearTimeout(deadline);

const counted = samples.filter((sample) => sample.sentAt >= WARM_UP_MS);
const latencies = [];
for (const { latencyMs } of counted) {
  latencies.push(latencyMs);
  for (let missing = latencyMs - intervalMs; missing >= intervalMs; missing -= intervalMs) latencies.push(missing);
}
latencies.sort((a, b) => a - b);
const percentile = (p) =>
  latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
const round = (value) => Math.round(value * 100) / 100;

const sendTimes = counted.map((sample) => sample.sentAt);
const firstSend = Math.min(...sendTimes);
const lastSend = Math.max(...sendTimes);
const windows = new Map();
for (const sentAt of sendTimes) {
  const window = Math.floor(sentAt / BURST_WINDOW_MS);
  windows.set(window, (windows.get(window) ?? 0) + 1);
}

process.stdout.write(
  JSON.stringify({
    offered: rate * duration,
    answered: samples.length + totals.non2xx,
    requests: counted.length,
    rps: counted.length / Math.max((lastSend - firstSend) / MS_PER_SECOND, 1e-3),
    p50: round(percentile(50)),
    p90: round(percentile(90)),
    p99: round(percentile(99)),
    p999: round(percentile(99.9)),
    max: round(latencies.at(-1) ?? NaN),
    streams,
    busiestWindow: Math.max(...windows.values()),
    steadyWindow: (rate * BURST_WINDOW_MS) / MS_PER_SECOND,
    /** Share of one core the load generator used: close to 1 and its own delays count as latency. */
    generatorCpu:
      Math.round(
        ((process.cpuUsage().user + process.cpuUsage().system) / 1e3 / (performance.now() - startedAt)) * 100,
      ) / 100,
    errors: totals.errors,
    timeouts: totals.timeouts,
    non2xx: totals.non2xx,
  }),
);
