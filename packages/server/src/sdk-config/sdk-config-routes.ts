import { Router } from 'express';
import { z } from 'zod';
import { jsonValue } from '../validation/json-value.js';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { RoleGuard } from '../http/auth.js';
import { sdkCors, type SdkRouterOptions } from '../http/sdk-cors.js';
import { isNotModified } from '../http/conditional.js';
import { AUTHED, problemResponses } from '../http/openapi-common.js';
import type { ConfigStream } from './config-stream.js';
import type { SdkConfigService } from './sdk-config-service.js';

const SDK_ROLES = ['sdk', 'admin'] as const;

export function createSdkConfigRouter(
  service: SdkConfigService,
  stream: ConfigStream,
  requireRole: RoleGuard,
  options: SdkRouterOptions,
): Router {
  const router = Router();
  router.use(
    '/v1/sdk',
    sdkCors(options, {
      methods: ['GET', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'If-None-Match', 'Last-Event-ID', 'Cache-Control'],
      exposedHeaders: ['ETag'],
    }),
  );

  router.get('/v1/sdk/config', requireRole(SDK_ROLES), async (req, res) => {
    // From memory while the change feed vouches for it: polling SDKs cost no query.
    const document = await service.served();
    res.set({ ETag: document.etag, 'Cache-Control': 'no-cache' });
    if (isNotModified(req, document.etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(document.body);
  });

  router.get('/v1/sdk/stream', requireRole(SDK_ROLES, { isQueryKeyAllowed: true }), async (_req, res) => {
    await stream.connect(res);
  });

  return router;
}

const definitionSchema = z
  .object({
    key: z.string(),
    status: z.enum(['running', 'paused']),
    variants: z.array(z.object({ key: z.string(), weight: z.int(), payload: jsonValue.optional() })),
    coverage: z.int(),
    unitAttribute: z.string(),
    salt: z.string().optional(),
    targeting: z.record(z.string(), jsonValue),
    layer: z.object({ key: z.string(), range: z.tuple([z.int(), z.int()]) }).optional(),
    overrides: z.record(z.string(), z.string()),
    sticky: z.boolean(),
    version: z.int(),
  })
  .meta({ id: 'ExperimentDefinition', description: '`ExperimentDefinition` of `@lift/sdk`.' });

export const configSnapshotSchema = z
  .object({ version: z.int(), experiments: z.array(definitionSchema) })
  .meta({ id: 'ConfigSnapshot', description: '`ConfigSnapshot` of `@lift/sdk`: running and paused experiments.' });

export const sdkConfigPaths: ZodOpenApiPathsObject = {
  '/v1/sdk/config': {
    get: {
      tags: ['sdk'],
      summary: 'The config SDKs decide with (strong ETag; If-None-Match -> 304)',
      security: AUTHED,
      requestParams: { header: z.object({ 'if-none-match': z.string().optional() }) },
      responses: {
        '200': { description: 'The snapshot.', content: { 'application/json': { schema: configSnapshotSchema } } },
        '304': { description: 'Unchanged since the ETag sent.' },
        ...problemResponses(401, 403),
      },
    },
  },
  '/v1/sdk/stream': {
    get: {
      tags: ['sdk'],
      summary:
        'Server-sent events: `config` events carry each new ConfigSnapshot (the current one on connect); `: heartbeat` comments keep it open',
      security: AUTHED,
      requestParams: {
        query: z.object({
          apiKey: z.string().optional().meta({ description: 'For EventSource, which cannot send headers.' }),
        }),
      },
      responses: {
        '200': { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
        ...problemResponses(401, 403),
      },
    },
  },
};
