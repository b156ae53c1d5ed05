import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { webUiDirectory } from '@lift/web';
import type { Logger } from 'pino';
import { AssignmentsRepository } from './assignments/assignments-repository.js';
import { createAssignmentsRouter } from './assignments/assignments-routes.js';
import { AssignmentsService } from './assignments/assignments-service.js';
import type { DatabaseHandle } from './db/database.js';
import { DomainError } from './errors/domain-error.js';
import { createProblemHandler } from './errors/problem-handler.js';
import { EventsRepository } from './events/events-repository.js';
import { createEventsRouter } from './events/events-routes.js';
import { EventsService } from './events/events-service.js';
import { FixedExperimentsCache } from './events/fixed-experiments-cache.js';
import { IngestGate } from './events/ingest-gate.js';
import { startPartitionMaintenance } from './events/partition-maintenance.js';
import { createOpenApiDocument } from './openapi-document.js';
import { ExperimentsRepository } from './experiments/experiments-repository.js';
import { createExperimentsRouter } from './experiments/experiments-routes.js';
import { ExperimentsService } from './experiments/experiments-service.js';
import { FactFolder } from './facts/fact-folder.js';
import { FactsRepository } from './facts/facts-repository.js';
import { createHealthRouter } from './health/health-routes.js';
import { createRoleGuard, type RoleGuard } from './http/auth.js';
import { rejectNulCharacters } from './http/forbidden-characters.js';
import { parseJsonBody, requireJsonContentType } from './http/request-body.js';
import { createRequestLogging } from './http/request-logging.js';
import { createTelemetry, type Telemetry } from './http/telemetry.js';
import { KeysRepository } from './keys/keys-repository.js';
import { createKeysRouter } from './keys/keys-routes.js';
import { KeysService } from './keys/keys-service.js';
import { MetricsRepository } from './metrics/metrics-repository.js';
import { createMetricsRouter } from './metrics/metrics-routes.js';
import { MetricsService } from './metrics/metrics-service.js';
import { createResultsRouter } from './results/results-routes.js';
import { ResultsService } from './results/results-service.js';
import { ConfigStream } from './sdk-config/config-stream.js';
import { createSdkConfigRouter } from './sdk-config/sdk-config-routes.js';
import { SdkConfigService } from './sdk-config/sdk-config-service.js';

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

/** The services of every module, each given the readers of the modules it asks. */
interface Modules {
  readonly keys: KeysService;
  readonly sdkConfig: SdkConfigService;
  readonly metrics: MetricsService;
  readonly experiments: ExperimentsService;
  readonly events: EventsService;
  readonly facts: FactFolder;
  readonly results: ResultsService;
  readonly assignments: AssignmentsService;
}

/**
 * Wires the modules. Each owns its tables; the others read them through the owner's reader:
 * experiments (`ExperimentReader`), metrics (`MetricReader`), keys (`KeyNameReader`), events (`EventLog`),
 * facts (`FactsReader`).
 */
function createModules(database: DatabaseHandle, logger: Logger): Modules {
  const { db, feed, copyFrom, runPrepared } = database;
  // Keys and the served config are cached in memory, kept fresh by the change feed (LISTEN/NOTIFY).
  const keysRepository = new KeysRepository(db);
  const keys = new KeysService(keysRepository, { feed });
  const experimentReader = new ExperimentsRepository(db);
  const sdkConfig = new SdkConfigService(experimentReader, { feed });
  // The catalogue; other modules read its definitions through this `MetricReader`.
  const metricsRepository = new MetricsRepository(db);
  const metrics = new MetricsService(metricsRepository, keysRepository);
  const experiments = new ExperimentsService(
    new ExperimentsRepository(db, { onConfigPublished: () => sdkConfig.noteChange() }),
    { keyNames: keysRepository, metrics },
  );
  const eventsRepository = new EventsRepository(db, { copyFrom, runPrepared });
  const factsRepository = new FactsRepository(db, { experiments: experimentReader, events: eventsRepository });
  const facts = new FactFolder(factsRepository, logger);
  const catchUp = () => facts.foldNow();
  const events = new EventsService(eventsRepository, new FixedExperimentsCache(experimentReader), { facts });
  const results = new ResultsService({ experiments: experimentReader, facts: factsRepository }, { catchUp });
  const assignments = new AssignmentsService(
    {
      sticky: new AssignmentsRepository(db, { runPrepared }),
      config: sdkConfig,
      experiments: experimentReader,
      events,
      facts: factsRepository,
    },
    { catchUp },
  );
  return { keys, sdkConfig, metrics, experiments, events, facts, results, assignments };
}

/** What the routes are mounted with. */
interface Mounting {
  readonly modules: Modules;
  readonly stream: ConfigStream;
  readonly telemetry: Telemetry;
  readonly isShuttingDown: () => boolean;
}

/** The middleware and routes, in the order requests meet them. */
function mountRoutes(app: Express, mounting: Mounting, dependencies: AppDependencies, options: AppOptions): void {
  const { database, logger } = dependencies;
  const { modules, stream } = mounting;
  const requireRole: RoleGuard = createRoleGuard((secret) => modules.keys.authenticate(secret));
  const cors = { corsOrigins: options.corsOrigins };
  const openApi = createOpenApiDocument();
  app.use(createRequestLogging(logger));
  app.use(mounting.telemetry.middleware);
  app.use(
    createHealthRouter({
      isDatabaseReachable: () => database.isReachable(),
      isShuttingDown: mounting.isShuttingDown,
    }),
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
  // The web UI (@lift/web) calls only the public API; unbuilt, /ui falls through to the 404 problem.
  app.use('/ui', express.static(webUiDirectory(), { fallthrough: true }));

  app.use('/v1/events', new IngestGate(options.maxInFlightIngest).middleware);
  app.use(requireJsonContentType, parseJsonBody(options.bodyLimit), rejectNulCharacters);
  // The SDK's routes first: their requests are the many, and each router passed costs a little.
  app.use(createSdkConfigRouter(modules.sdkConfig, stream, requireRole, cors));
  app.use(createAssignmentsRouter(modules.assignments, requireRole, cors));
  app.use(createEventsRouter(modules.events, requireRole, cors));
  app.use(createKeysRouter(modules.keys, requireRole));
  app.use(createExperimentsRouter(modules.experiments, requireRole));
  app.use(createMetricsRouter(modules.metrics, requireRole));
  app.use(createResultsRouter(modules.results, requireRole));

  app.use((req) => {
    throw new DomainError('route-not-found', `No route ${req.method} ${req.path}.`);
  });
  app.use(createProblemHandler(logger));
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

  const modules = createModules(database, logger);
  const { keys, sdkConfig, facts } = modules;
  const stream = new ConfigStream({
    service: sdkConfig,
    feed: database.feed,
    logger,
    heartbeatMs: options.heartbeatMs,
  });
  const telemetry = createTelemetry(() => sdkConfig.lastKnownVersion);
  const stopPartitionMaintenance = startPartitionMaintenance(modules.events, logger);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  mountRoutes(app, { modules, stream, telemetry, isShuttingDown: () => isShuttingDown }, dependencies, options);

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
