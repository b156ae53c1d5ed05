import { Router } from 'express';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { RoleGuard } from '../http/auth.js';
import { AUTHED, jsonResponse, problemResponses } from '../http/openapi-common.js';
import { parseInput } from '../validation/parse-input.js';
import { toResultsCsv } from './results-csv.js';
import { metricQuery, resultsParams, resultsSchema, timeseriesSchema } from './results-schemas.js';
import type { ResultsService } from './results-service.js';

export function createResultsRouter(service: ResultsService, requireRole: RoleGuard): Router {
  const router = Router();
  const reader = requireRole(['admin', 'analyst']);

  router.get('/v1/experiments/:key/results.csv', reader, async (req, res) => {
    const { key } = parseInput(resultsParams, req.params);
    const { metric } = parseInput(metricQuery, req.query);
    const csv = toResultsCsv(
      metric === undefined ? await service.allResults(key) : [await service.results(key, metric)],
    );
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${key}-results.csv"`)
      .send(csv);
  });

  router.get('/v1/experiments/:key/results', reader, async (req, res) => {
    const { key } = parseInput(resultsParams, req.params);
    const { metric } = parseInput(metricQuery, req.query);
    res.json(await service.results(key, metric));
  });

  router.get('/v1/experiments/:key/timeseries', reader, async (req, res) => {
    const { key } = parseInput(resultsParams, req.params);
    const { metric } = parseInput(metricQuery, req.query);
    res.json(await service.timeseries(key, metric));
  });

  return router;
}

const keyPath = { path: resultsParams };

export const resultsPaths: ZodOpenApiPathsObject = {
  '/v1/experiments/{key}/results': {
    get: {
      tags: ['results'],
      summary: 'Did the hypothesis hold? Analysis of one metric per variant',
      description:
        'Units count once, in the variant of their first exposure; overrides and units exposed to several variants are excluded and reported. Conversions count at or after the first exposure and inside the conversion window.',
      security: AUTHED,
      requestParams: { ...keyPath, query: metricQuery },
      responses: { '200': jsonResponse('The analysis.', resultsSchema), ...problemResponses(400, 401, 403, 404) },
    },
  },
  '/v1/experiments/{key}/results.csv': {
    get: {
      tags: ['results'],
      summary: 'The analysis of every metric (or of `metric` alone) as CSV: one row per metric and variant',
      security: AUTHED,
      requestParams: { ...keyPath, query: metricQuery },
      responses: {
        '200': { description: 'CSV with a header row.', content: { 'text/csv': { schema: { type: 'string' } } } },
        ...problemResponses(400, 401, 403, 404),
      },
    },
  },
  '/v1/experiments/{key}/timeseries': {
    get: {
      tags: ['results'],
      summary: 'Daily cumulative units, conversions and rate per variant, for charts',
      security: AUTHED,
      requestParams: { ...keyPath, query: metricQuery },
      responses: {
        '200': jsonResponse('One point per UTC day.', timeseriesSchema),
        ...problemResponses(400, 401, 403, 404),
      },
    },
  },
};
