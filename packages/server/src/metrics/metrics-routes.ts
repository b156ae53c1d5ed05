import { Router, type Request, type Response } from 'express';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { principalOf, type RoleGuard } from '../http/auth.js';
import { expectedVersionOf, isNotModified, versionEtag } from '../http/conditional.js';
import { AUTHED, IF_MATCH_HEADER, jsonResponse, problemResponses } from '../http/openapi-common.js';
import { parseInput } from '../validation/parse-input.js';
import type { MetricDefinition } from './metric-reader.js';
import {
  createMetricBody,
  listMetricsQuery,
  metricHistorySchema,
  metricKeyParams,
  metricListSchema,
  metricSchema,
  patchMetricBody,
} from './metric-schemas.js';
import type { MetricsService, MetricWriteOptions } from './metrics-service.js';

function writeOptions(req: Request): MetricWriteOptions {
  const expectedVersion = expectedVersionOf(req, { resource: 'metric' });
  return expectedVersion === undefined ? {} : { expectedVersion };
}

function sendMetric(res: Response, metric: MetricDefinition, status = 200): void {
  res.status(status).set('ETag', versionEtag(metric.version)).json(metric);
}

export function createMetricsRouter(service: MetricsService, requireRole: RoleGuard): Router {
  const router = Router();
  const admin = requireRole(['admin']);
  const reader = requireRole(['admin', 'analyst']);

  router.post('/v1/metrics', admin, async (req, res) => {
    const created = await service.create(parseInput(createMetricBody, req.body), principalOf(req));
    res.location(`/v1/metrics/${encodeURIComponent(created.key)}`);
    sendMetric(res, created, 201);
  });

  router.get('/v1/metrics', reader, async (req, res) => {
    res.json(await service.list(parseInput(listMetricsQuery, req.query)));
  });

  router.get('/v1/metrics/:key', reader, async (req, res) => {
    const metric = await service.get(parseInput(metricKeyParams, req.params).key);
    if (isNotModified(req, versionEtag(metric.version))) {
      res.status(304).set('ETag', versionEtag(metric.version)).end();
      return;
    }
    sendMetric(res, metric);
  });

  router.patch('/v1/metrics/:key', admin, async (req, res) => {
    const { key } = parseInput(metricKeyParams, req.params);
    const patch = parseInput(patchMetricBody, req.body);
    sendMetric(res, await service.update(key, patch, principalOf(req), writeOptions(req)));
  });

  router.get('/v1/metrics/:key/history', reader, async (req, res) => {
    res.json({ items: await service.history(parseInput(metricKeyParams, req.params).key) });
  });

  return router;
}

const keyPath = { path: metricKeyParams };

export const metricsPaths: ZodOpenApiPathsObject = {
  '/v1/metrics': {
    post: {
      tags: ['metrics'],
      summary: 'Define a metric of the catalogue',
      security: AUTHED,
      requestBody: { content: { 'application/json': { schema: createMetricBody } } },
      responses: {
        '201': jsonResponse('The metric.', metricSchema),
        ...problemResponses(400, 401, 403, 409, 413, 415),
      },
    },
    get: {
      tags: ['metrics'],
      summary: 'List the catalogue in creation order',
      security: AUTHED,
      requestParams: { query: listMetricsQuery },
      responses: {
        '200': jsonResponse('A page of metrics.', metricListSchema),
        ...problemResponses(400, 401, 403),
      },
    },
  },
  '/v1/metrics/{key}': {
    get: {
      tags: ['metrics'],
      summary: 'Read a metric (ETag: its version)',
      security: AUTHED,
      requestParams: keyPath,
      responses: { '200': jsonResponse('The metric.', metricSchema), ...problemResponses(401, 403, 404) },
    },
    patch: {
      tags: ['metrics'],
      summary: 'Edit a metric; the result must be a valid definition as a whole',
      security: AUTHED,
      requestParams: { ...keyPath, ...IF_MATCH_HEADER },
      requestBody: { content: { 'application/json': { schema: patchMetricBody } } },
      responses: {
        '200': jsonResponse('The metric.', metricSchema),
        ...problemResponses(400, 401, 403, 404, 412, 413, 415),
      },
    },
  },
  '/v1/metrics/{key}/history': {
    get: {
      tags: ['metrics'],
      summary: 'Every change: who, when, what',
      security: AUTHED,
      requestParams: keyPath,
      responses: { '200': jsonResponse('Oldest first.', metricHistorySchema), ...problemResponses(401, 403, 404) },
    },
  },
};
