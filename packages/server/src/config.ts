import { z } from 'zod';
import { DEFAULT_APP_OPTIONS, type AppOptions } from './app.js';
import type { DatabaseTarget } from './db/database.js';
import { validationError } from './errors/domain-error.js';
import { toFieldErrors } from './validation/parse-input.js';

const MAX_PORT = 65_535;
const DEFAULT_PORT = 8080;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const MIN_ADMIN_KEY_LENGTH = 16;
const DEFAULT_POOL_SIZE = 10;
const MAX_POOL_SIZE = 1_000;

const environmentSchema = z.object({
  PORT: z.coerce.number().pipe(z.int().min(0).max(MAX_PORT)).default(DEFAULT_PORT),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  LIFT_DATA_DIR: z.string().min(1).default('./.lift/data'),
  LIFT_DB_POOL_SIZE: z.coerce.number().pipe(z.int().min(1).max(MAX_POOL_SIZE)).default(DEFAULT_POOL_SIZE),
  LIFT_ADMIN_KEY: z.string().min(MIN_ADMIN_KEY_LENGTH).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LIFT_CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
  LIFT_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i)
    .default(DEFAULT_APP_OPTIONS.bodyLimit),
  LIFT_SSE_HEARTBEAT_MS: z.coerce.number().pipe(z.int().min(1)).default(DEFAULT_APP_OPTIONS.heartbeatMs),
  LIFT_SHUTDOWN_TIMEOUT_MS: z.coerce.number().pipe(z.int().min(0)).default(DEFAULT_SHUTDOWN_TIMEOUT_MS),
});

/** Everything the process reads from its environment, parsed once at start. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  readonly adminKey: string | undefined;
  readonly logLevel: string;
  readonly app: AppOptions;
  readonly shutdownTimeoutMs: number;
}

/**
 * Parses the environment; an invalid variable throws a validation error naming it.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(environment: NodeJS.ProcessEnv): ServerConfig {
  // An empty variable (`DATABASE_URL=`) means unset, as in most twelve-factor tools.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) throw validationError(toFieldErrors(parsed.error));
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    database:
      env.DATABASE_URL === undefined
        ? { kind: 'pglite', dataDir: env.LIFT_DATA_DIR }
        : { kind: 'postgres', connectionString: env.DATABASE_URL, poolSize: env.LIFT_DB_POOL_SIZE },
    adminKey: env.LIFT_ADMIN_KEY,
    logLevel: env.LOG_LEVEL,
    app: { bodyLimit: env.LIFT_BODY_LIMIT, corsOrigins: env.LIFT_CORS_ORIGINS, heartbeatMs: env.LIFT_SSE_HEARTBEAT_MS },
    shutdownTimeoutMs: env.LIFT_SHUTDOWN_TIMEOUT_MS,
  };
}
