export { createApp, DEFAULT_APP_OPTIONS, type AppDependencies, type AppOptions, type LiftApp } from './app.js';
export { loadConfig, type ServerConfig } from './config.js';
export { openDatabase, type DatabaseHandle, type DatabaseTarget } from './db/database.js';
export { migrateToLatest, MIGRATIONS_FOLDER } from './db/migrations.js';
export { DomainError, type ErrorCode, type FieldError } from './errors/domain-error.js';
export { createExpressServer } from './http/express-server.js';
export { createLogger, startServer, type RunningServer } from './server.js';
