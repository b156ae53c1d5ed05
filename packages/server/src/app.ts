import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Logger } from 'pino';
import type { DatabaseHandle } from './db/database.js';
import { DomainError } from './errors/domain-error.js';
import { createProblemHandler } from './errors/problem-handler.js';
import { ExperimentsRepository } from './experiments/experiments-repository.js';
import { createExperimentsRouter } from './experiments/experiments-routes.js';
import { ExperimentsService } from './experiments/experiments-service.js';
import { createHealthRouter } from './health/health-routes.js';
import { createRoleGuard } from './http/auth.js';
import { createRequestLogging } from './http/request-logging.js';
import { rejectNulCharacters } from './http/forbidden-characters.js';
import { parseJsonBody, requireJsonContentType } from './http/request-body.js';
import { createTelemetry } from './http/telemetry.js';
import { KeysRepository } from './keys/keys-repository.js';
import { createKeysRouter } from './keys/keys-routes.js';
import { KeysService } from './keys/keys-service.js';
import { ResultsRepository } from './results/results-repository.js';
import { createResultsRouter } from './results/results-routes.js';
import { ResultsService } from './results/results-service.js';
import { ConfigStream } from './sdk-config/config-stream.js';
import { SdkConfigRepository } from './sdk-config/sdk-config-repository.js';
import { createSdkConfigRouter } from './sdk-config/sdk-config-routes.js';
import { SdkConfigService } from './sdk-config/sdk-config-service.js';
import { IngestGate } from './events/ingest-gate.js';
import { AssignmentsRepository } from './assignments/assignments-repository.js';
import { createAssignmentsRouter } from './assignments/assignments-routes.js';
import { AssignmentsService } from './assignments/assignments-service.js';
import { EventsRepository } from './events/events-repository.js';
import { createEventsRouter } from './events/events-routes.js';
import { EventsService } from './events/events-service.js';
import { FactFolder } from './events/fact-folder.js';
import { startPartitionMaintenance } from './events/partition-maintenance.js';
import { createOpenApiDocument } from './openapi-document.js';

export interface AppOptions {
  /** Largest accepted request body, e.g. `1mb`. */
  readonly bodyLimit: string;
  /** Origins allowed to call the SDK endpoints from browsers; `['*']` for any. */
  readonly corsOrigins: readonly string[];
  /** Interval between SSE heartbeats. */
  readonly heartbeatMs: number;
  /** Event batches one replica ingests at once; more get 503 + Retry-After (default 16). */
  readonly maxInFlightIngest?: number;
}

export const DEFAULT_APP_OPTIONS: AppOptions = { bodyLimit: '1mb', corsOrigins: ['*'], heartbeatMs: 15_000 };

export interface AppDependencies {
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly options?: Partial<AppOptions>;
}

/** The Express app and the handles its owner needs for shutdown. */
export interface LiftApp {
  readonly app: Express;
  readonly keys: KeysService;
  readonly stream: ConfigStream;
  /** Folds stored events into the per-unit facts; `foldNow()` before reading them directly. */
  readonly facts: FactFolder;
  /** Flips /readyz to 503 and ends the SSE streams, so load balancers and clients move on. */
  beginShutdown(): void;
  /** Releases timers and subscriptions (not the database: its owner closes it). */
  close(): void;
  /** Resolves once background work still running after `close` (a facts sweep) has ended. */
  settled(): Promise<void>;
}

/** The built web UI (`@lift/web`'s dist/ui), or null where that package is not installed. */
function webUiFolder(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@lift/web/package.json')), 'dist', 'ui');
  } catch {
    return null;
  }
}

/**
 * Builds the app from its dependencies; nothing global, so tests run several side by side.
 *
 * @example
 * const { app } = createApp({ database, logger });
 * app.listen(8080);
 */
export function createApp(dependencies: AppDependencies): LiftApp {
  const { database, logger } = dependencies;
  const options = { ...DEFAULT_APP_OPTIONS, ...dependencies.options };
  let isShuttingDown = false;

  // Keys and the served config are cached in memory, kept fresh by the change feed (LISTEN/NOTIFY).
  const keys = new KeysService(new KeysRepository(database.db), { feed: database.feed });
  const sdkConfig = new SdkConfigService(new SdkConfigRepository(database.db), { feed: database.feed });
  const experiments = new ExperimentsService(
    new ExperimentsRepository(database.db, { onConfigPublished: () => sdkConfig.noteChange() }),
  );
  const eventsRepository = new EventsRepository(database.db, {
    copyFrom: database.copyFrom,
    runPrepared: database.runPrepared,
  });
  const facts = new FactFolder(eventsRepository, logger);
  const results = new ResultsService(new ResultsRepository(database.db), { catchUp: () => facts.foldNow() });
  const stream = new ConfigStream({
    service: sdkConfig,
    feed: database.feed,
    logger,
    heartbeatMs: options.heartbeatMs,
  });
  const telemetry = createTelemetry(() => sdkConfig.lastKnownVersion);
  const requireRole = createRoleGuard((secret) => keys.authenticate(secret));
  const openApi = createOpenApiDocument();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(createRequestLogging(logger));
  app.use(telemetry.middleware);

  app.use(
    createHealthRouter({ isDatabaseReachable: () => database.isReachable(), isShuttingDown: () => isShuttingDown }),
  );
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // Swagger UI's assets are served from the package itself, so /docs works without internet access.
  app.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(undefined, { customSiteTitle: 'Lift API', swaggerOptions: { url: '/openapi.json' } }),
  );
  const uiFolder = webUiFolder();
  // The web UI (@lift/web) calls only the public API; unbuilt, /ui falls through to the 404 problem.
  if (uiFolder !== null) app.use('/ui', express.static(uiFolder, { fallthrough: true }));

  const ingestGate = new IngestGate(options.maxInFlightIngest);
  app.use('/v1/events', ingestGate.middleware);
  app.use(requireJsonContentType, parseJsonBody(options.bodyLimit), rejectNulCharacters);
  // The SDK's routes first: their requests are the many, and each router passed costs a little.
  app.use(createSdkConfigRouter(sdkConfig, stream, requireRole, { corsOrigins: options.corsOrigins }));
  const events = new EventsService(eventsRepository, { facts });
  const stopPartitionMaintenance = startPartitionMaintenance(events, logger);
  app.use(
    createAssignmentsRouter(
      new AssignmentsService(
        new AssignmentsRepository(database.db, { runPrepared: database.runPrepared }),
        sdkConfig,
        events,
        { catchUp: () => facts.foldNow() },
      ),
      requireRole,
      { corsOrigins: options.corsOrigins },
    ),
  );
  app.use(createEventsRouter(events, requireRole, { corsOrigins: options.corsOrigins }));
  app.use(createKeysRouter(keys, requireRole));
  app.use(createExperimentsRouter(experiments, requireRole));
  app.use(createResultsRouter(results, requireRole));

  app.use((req) => {
    throw new DomainError('route-not-found', `No route ${req.method} ${req.path}.`);
  });
  app.use(createProblemHandler(logger));

  return {
    app,
    keys,
    stream,
    facts,
    beginShutdown() {
      isShuttingDown = true;
      stream.close();
    },
    close() {
      stream.close();
      keys.close();
      sdkConfig.close();
      telemetry.close();
      stopPartitionMaintenance();
      void facts.stop();
    },
    settled() {
      return facts.stop();
    },
  };
}
