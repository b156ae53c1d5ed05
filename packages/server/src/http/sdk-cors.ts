import cors from 'cors';
import type { RequestHandler } from 'express';

/** How long browsers may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Options of the routers that browsers call directly (the SDK's endpoints). */
export interface SdkRouterOptions {
  /** Origins allowed to call these endpoints from browsers; `['*']` allows any. */
  readonly corsOrigins: readonly string[];
}

/** What one SDK endpoint lets a browser send and read. */
export interface SdkCorsRules {
  readonly methods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders?: readonly string[];
}

/** CORS for an endpoint the SDK calls from browsers: the configured origins, these methods and headers. */
export function sdkCors(options: SdkRouterOptions, rules: SdkCorsRules): RequestHandler {
  return cors({
    origin: options.corsOrigins.includes('*') ? '*' : [...options.corsOrigins],
    methods: [...rules.methods],
    allowedHeaders: [...rules.allowedHeaders],
    ...(rules.exposedHeaders === undefined ? {} : { exposedHeaders: [...rules.exposedHeaders] }),
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}
