// The load side of `pnpm bench:ingest`, in its own process so that it does not share the server's
// event loop: reads the batches (one JSON body per line) from the file named by the first
// argument and posts them with the given number of concurrent clients to the loopback URL, each
// client sending its next batch once the previous one was answered (503s are resent). Prints
// `start` when it begins sending, then a JSON line with the elapsed seconds, resends and its own CPU seconds.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, url, sdkKey, clients] = process.argv.slice(2);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url ?? '')) throw new Error(`refusing a non-loopback target: ${url}`);
const bodies = readFileSync(file ?? '', 'utf8')
  .split('\n')
  .filter((line) => line.length > 0);
const headers = { Authorization: `Bearer ${sdkKey}`, 'Content-Type': 'application/json' };

let next = 0;
let retries = 0;
process.stdout.write('start\n');
const startedAt = performance.now();
await Promise.all(
  Array.from({ length: Number(clients) }, async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      for (;;) {
        const response = await fetch(`${url}/v1/events`, { method: 'POST', headers, body: bodies[index] });
        const text = await response.text();
        if (response.status === 202) break;
        if (response.status !== 503) throw new Error(`batch ${index}: ${response.status} ${text}`);
        retries += 1;
      }
    }
  }),
);
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ seconds: (performance.now() - startedAt) / 1000, retries, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);
