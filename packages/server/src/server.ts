import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createApp, type LiftApp } from './app.js';
import { createExpressServer } from './http/express-server.js';
import type { ServerConfig } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrations.js';

const IDLE_SWEEP_MS = 50;

/** A listening Lift server. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  readonly lift: LiftApp;
  readonly database: DatabaseHandle;
  /** Drains in-flight requests (up to the configured timeout), ends streams, closes the pool. */
  shutdown(): Promise<void>;
}

/** Structured JSON logs; `destination` defaults to stdout. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lift-server' },
      // API keys never reach the logs, whether sent as a header or (SSE) in the query.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query.apiKey'], censor: '[redacted]' },
    },
    destination,
  );
}

/**
 * Opens the database, migrates it (under an advisory lock), makes sure an admin key exists,
 * and listens.
 *
 * @example
 * const running = await startServer(loadConfig(process.env), logger);
 * process.once('SIGTERM', () => void running.shutdown());
 */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const database = await openDatabase(config.database, logger);
  try {
    const applied = await migrateToLatest(database.db);
    for (const migration of applied)
      logger.info({ migration: migration.migrationName, status: migration.status }, 'migration');
    const lift = createApp({ database, logger, options: config.app });
    const bootstrap = await lift.keys.bootstrapAdmin(config.adminKey);
    if (bootstrap.generatedKey !== undefined) {
      // Printed once, on the first start only: the database keeps nothing but its hash.
      process.stdout.write(
        `\nLift generated the bootstrap admin key (shown only this once; store it now):\n\n  ${bootstrap.generatedKey}\n\n` +
          `Use it as "Authorization: Bearer <key>". Set LIFT_ADMIN_KEY to choose your own instead.\n\n`,
      );
    }
    const server = createExpressServer(lift.app);
    server.listen(config.port, config.host);
    await once(server, 'listening');
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    logger.info({ url, database: database.kind }, 'lift server listening');

    let shutdown: Promise<void> | null = null;
    return {
      url,
      server,
      lift,
      database,
      shutdown() {
        shutdown ??= drainAndClose(server, lift, database, config.shutdownTimeoutMs, logger);
        return shutdown;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function drainAndClose(
  server: Server,
  lift: LiftApp,
  database: DatabaseHandle,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  logger.info('shutting down: draining requests');
  lift.beginShutdown();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections go idle as their last response completes; close each as soon as it does.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  if ((await Promise.race([closed, timedOut])) === 'timeout') {
    logger.warn({ timeoutMs }, 'shutdown timeout: closing the remaining connections');
    server.closeAllConnections();
    await closed;
  }
  clearTimeout(timer);
  clearInterval(sweeper);
  lift.close();
  await lift.settled();
  await database.close();
  logger.info('shut down');
}
