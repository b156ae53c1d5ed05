import { assignmentsPaths } from './assignments/assignments-routes.js';
import { eventsPaths } from './events/events-routes.js';
import { experimentsPaths } from './experiments/experiments-routes.js';
import { healthPaths } from './health/health-routes.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { keysPaths } from './keys/keys-routes.js';
import { metricsPaths } from './metrics/metrics-routes.js';
import { resultsPaths } from './results/results-routes.js';
import { sdkConfigPaths } from './sdk-config/sdk-config-routes.js';

/** The version of the REST API that the document describes. */
export const API_VERSION = '0.1.0';

/**
 * The document the app serves at /openapi.json. The committed snapshot (`pnpm generate`) is
 * written from here too, so the two cannot describe different APIs.
 */
export function createOpenApiDocument(): ReturnType<typeof buildOpenApiDocument> {
  return buildOpenApiDocument(
    [
      healthPaths,
      keysPaths,
      experimentsPaths,
      metricsPaths,
      resultsPaths,
      sdkConfigPaths,
      eventsPaths,
      assignmentsPaths,
    ],
    API_VERSION,
  );
}
