import { Router } from 'express';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { principalOf, type RoleGuard } from '../http/auth.js';
import { AUTHED, jsonResponse, problemResponses } from '../http/openapi-common.js';
import { parseInput } from '../validation/parse-input.js';
import {
  apiKeySchema,
  createdKeySchema,
  createKeyBody,
  keyIdParams,
  keyListSchema,
  updateKeyBody,
} from './keys-schemas.js';
import type { KeysService } from './keys-service.js';

export function createKeysRouter(service: KeysService, requireRole: RoleGuard): Router {
  const router = Router();
  const admin = requireRole(['admin']);

  router.post('/v1/api-keys', admin, async (req, res) => {
    const created = await service.create(parseInput(createKeyBody, req.body), principalOf(req));
    res.status(201).location(`/v1/api-keys/${created.id}`).json(created);
  });

  router.get('/v1/api-keys', admin, async (_req, res) => {
    res.json({ items: await service.list() });
  });

  router.get('/v1/api-keys/:id', admin, async (req, res) => {
    res.json(await service.get(parseInput(keyIdParams, req.params).id));
  });

  router.patch('/v1/api-keys/:id', admin, async (req, res) => {
    res.json(await service.update(parseInput(keyIdParams, req.params).id, parseInput(updateKeyBody, req.body)));
  });

  router.delete('/v1/api-keys/:id', admin, async (req, res) => {
    await service.revoke(parseInput(keyIdParams, req.params).id);
    res.status(204).end();
  });

  return router;
}

export const keysPaths: ZodOpenApiPathsObject = {
  '/v1/api-keys': {
    post: {
      tags: ['api-keys'],
      summary: 'Issue an API key (the secret is returned once)',
      security: AUTHED,
      requestBody: { content: { 'application/json': { schema: createKeyBody } } },
      responses: {
        '201': jsonResponse('The key, with its secret.', createdKeySchema),
        ...problemResponses(400, 401, 403, 413, 415),
      },
    },
    get: {
      tags: ['api-keys'],
      summary: 'List API keys (never their secrets)',
      security: AUTHED,
      responses: {
        '200': jsonResponse('Every key, revoked ones included.', keyListSchema),
        ...problemResponses(401, 403),
      },
    },
  },
  '/v1/api-keys/{id}': {
    get: {
      tags: ['api-keys'],
      summary: 'Read one API key (never its secret)',
      security: AUTHED,
      requestParams: { path: keyIdParams },
      responses: { '200': jsonResponse('The key.', apiKeySchema), ...problemResponses(400, 401, 403, 404) },
    },
    patch: {
      tags: ['api-keys'],
      summary: 'Rename an API key or change its role, effective immediately',
      security: AUTHED,
      requestParams: { path: keyIdParams },
      requestBody: { content: { 'application/json': { schema: updateKeyBody } } },
      responses: {
        '200': jsonResponse('The key.', apiKeySchema),
        ...problemResponses(400, 401, 403, 404, 409, 413, 415),
      },
    },
    delete: {
      tags: ['api-keys'],
      summary: 'Revoke an API key, effective immediately',
      security: AUTHED,
      requestParams: { path: keyIdParams },
      responses: { '204': { description: 'Revoked.' }, ...problemResponses(400, 401, 403, 404, 409) },
    },
  },
};
