import { Router } from 'express';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { RoleGuard } from '../http/auth.js';
import { sdkCors, type SdkRouterOptions } from '../http/sdk-cors.js';
import { AUTHED, jsonResponse, problemResponses } from '../http/openapi-common.js';
import { translateUnavailable } from '../http/retry-after.js';
import { parseInput } from '../validation/parse-input.js';
import { eventBatchBody, eventBatchDocument, ingestResultSchema } from './event-schemas.js';
import type { EventsService } from './events-service.js';

const INGEST_ROLES = ['sdk', 'admin'] as const;

export function createEventsRouter(service: EventsService, requireRole: RoleGuard, options: SdkRouterOptions): Router {
  const router = Router();
  router.use(
    '/v1/events',
    sdkCors(options, {
      methods: ['POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['Retry-After'],
    }),
  );

  router.post('/v1/events', requireRole(INGEST_ROLES), async (req, res) => {
    const { events } = parseInput(eventBatchBody, req.body);
    res.status(202).json(await service.ingest(events));
  });

  router.use('/v1/events', translateUnavailable);
  return router;
}

export const eventsPaths: ZodOpenApiPathsObject = {
  '/v1/events': {
    post: {
      tags: ['events'],
      summary:
        'Ingest a batch of exposure and conversion events (idempotent on event id; any invalid event rejects the whole batch)',
      security: AUTHED,
      requestBody: { content: { 'application/json': { schema: eventBatchDocument } } },
      responses: {
        '202': jsonResponse('Stored; events whose id was seen before are counted as duplicates.', ingestResultSchema),
        ...problemResponses(400, 401, 403, 413, 415, 503),
      },
    },
  },
};
