// Runs one bounded autocannon load (options in the JSON file named by the first argument) in its own process (so the load generator does not share the
// server's event loop) and prints the result as JSON. Traffic goes to the given loopback URL only.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const { url, method, headers, bodies, rate, duration, connections } = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing a non-loopback target: ${url}`);

let next = 0;
const result = await autocannon({
  url,
  method,
  headers,
  connections,
  overallRate: rate,
  duration,
  requests: [
    {
      setupRequest(request) {
        if (bodies === undefined) return request;
        const body = bodies[next % bodies.length];
        next += 1;
        return { ...request, body };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }),
);
