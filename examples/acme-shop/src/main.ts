import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type LiftError } from '@lift/sdk';
import { createShop } from './shop-app.js';

const DEFAULT_PORT = 3000;
const READY_TIMEOUT_MS = 10_000;
const EXIT_FAILURE = 1;

function log(message: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'acme-shop', message, ...fields })}\n`,
  );
}

/**
 * The shop as a process: `LIFT_URL` and `LIFT_SDK_KEY` say where Lift is; `PORT`, `HOST` and
 * `SHOP_VERSION` (`v1`, `v2`) are its own; `LIFT_ROUTED_EXPERIMENTS` (comma-separated) names the
 * mesh-routed experiments whose exposures it logs. SIGTERM drains requests and delivers queued events.
 */
async function main(): Promise<void> {
  const serverUrl = process.env['LIFT_URL'];
  const sdkKey = process.env['LIFT_SDK_KEY'];
  if (serverUrl === undefined || sdkKey === undefined) {
    log('LIFT_URL and LIFT_SDK_KEY are required');
    process.exit(EXIT_FAILURE);
  }
  const reported = new Set<string>();
  const lift = createClient({
    serverUrl,
    sdkKey,
    onError(error: LiftError) {
      // One line per kind of problem: a shop with a broken Lift link should say so, not flood.
      const kind = `${error.code}:${error.status ?? ''}`;
      if (reported.has(kind)) return;
      reported.add(kind);
      log('lift client problem', { code: error.code, status: error.status, count: error.count, detail: error.message });
    },
  });
  const routedExperiments = (process.env['LIFT_ROUTED_EXPERIMENTS'] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  const shop = createShop({ lift, version: process.env['SHOP_VERSION'] ?? 'v1', routedExperiments });
  const server = createServer(shop.app);
  server.listen(Number(process.env['PORT'] ?? DEFAULT_PORT), process.env['HOST'] ?? '0.0.0.0');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log('listening', { port });
  const isReady = await lift.ready({ timeoutMs: READY_TIMEOUT_MS });
  log(isReady ? 'lift config loaded' : 'lift config not loaded yet; deciding control until it is', {
    configVersion: lift.configVersion,
  });

  const stop = (signal: string): void => {
    log('shutting down', { signal });
    shop.beginShutdown();
    server.close();
    server.closeIdleConnections();
    lift.close().then(() => {
      log('lift events delivered', { undelivered: lift.pendingEvents, misrouted: shop.misrouted() });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log('failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(EXIT_FAILURE);
});
