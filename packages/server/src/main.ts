import { loadConfig } from './config.js';
import { DomainError } from './errors/domain-error.js';
import { createLogger, startServer } from './server.js';

const EXIT_FAILURE = 1;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    const errors = error instanceof DomainError ? error.extensions['errors'] : error;
    process.stderr.write(`Invalid configuration: ${JSON.stringify(errors)}\n`);
    process.exit(EXIT_FAILURE);
  }
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  const stop = (signal: string): void => {
    logger.info({ signal }, 'signal received');
    running.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Lift server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(EXIT_FAILURE);
});
