import { Router } from 'express';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { RoleGuard } from '../http/auth.js';
import { sdkCors, type SdkRouterOptions } from '../http/sdk-cors.js';
import { AUTHED, jsonResponse, problemResponses } from '../http/openapi-common.js';
import { translateUnavailable } from '../http/retry-after.js';
import { parseInput } from '../validation/parse-input.js';
import {
  assignmentsBody,
  assignmentsResponse,
  lookupParams,
  lookupQuery,
  lookupResponse,
} from './assignment-schemas.js';
import type { AssignmentsService } from './assignments-service.js';

const ASSIGN_ROLES = ['sdk', 'admin'] as const;
const LOOKUP_ROLES = ['admin', 'analyst'] as const;

export function createAssignmentsRouter(
  service: AssignmentsService,
  requireRole: RoleGuard,
  options: SdkRouterOptions,
): Router {
  const router = Router();
  router.use(
    '/v1/assignments',
    sdkCors(options, { methods: ['POST', 'OPTIONS'], allowedHeaders: ['Authorization', 'Content-Type'] }),
  );

  router.post('/v1/assignments', requireRole(ASSIGN_ROLES), async (req, res) => {
    res.json({ decisions: await service.assign(parseInput(assignmentsBody, req.body)) });
  });

  router.get('/v1/experiments/:key/assignments/:unit', requireRole(LOOKUP_ROLES), async (req, res) => {
    const { key, unit } = parseInput(lookupParams, req.params);
    res.json(await service.lookup(key, unit, parseInput(lookupQuery, req.query)));
  });

  router.use(['/v1/assignments', '/v1/experiments/:key/assignments/:unit'], translateUnavailable);
  return router;
}

export const assignmentsPaths: ZodOpenApiPathsObject = {
  '/v1/assignments': {
    post: {
      tags: ['assignments'],
      summary:
        'Decide experiments for one context on the server (for clients that cannot embed the SDK); sticky experiments keep the first recorded variant',
      security: AUTHED,
      requestBody: { content: { 'application/json': { schema: assignmentsBody } } },
      responses: {
        '200': jsonResponse('One decision per experiment, in the order asked.', assignmentsResponse),
        ...problemResponses(400, 401, 403, 503),
      },
    },
  },
  '/v1/experiments/{key}/assignments/{unit}': {
    get: {
      tags: ['assignments'],
      summary: "A unit's recorded or computed variant, without enrolling it or logging an exposure",
      security: AUTHED,
      description: 'Further query parameters are context attributes for targeting, e.g. ?platform=iOS.',
      requestParams: { path: lookupParams },
      responses: {
        '200': jsonResponse('The decision, the sticky record and the first exposure.', lookupResponse),
        ...problemResponses(401, 403, 404, 503),
      },
    },
  },
};
