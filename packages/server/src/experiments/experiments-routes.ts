import { Router, type Request, type Response } from 'express';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { principalOf, type RoleGuard } from '../http/auth.js';
import { expectedVersionOf, isNotModified, versionEtag } from '../http/conditional.js';
import { AUTHED, IF_MATCH_HEADER, jsonResponse, problemResponses } from '../http/openapi-common.js';
import { parseInput } from '../validation/parse-input.js';
import { TRANSITION_NAMES, TRANSITIONS, type TransitionName } from './experiment-lifecycle.js';
import {
  createExperimentBody,
  experimentKeyParams,
  experimentListSchema,
  experimentSchema,
  historySchema,
  listExperimentsQuery,
  patchExperimentBody,
  type Experiment,
} from './experiment-schemas.js';
import type { ExperimentsService, WriteOptions } from './experiments-service.js';

function writeOptions(req: Request): WriteOptions {
  const expectedVersion = expectedVersionOf(req, { resource: 'experiment' });
  return expectedVersion === undefined ? {} : { expectedVersion };
}

function etagOf(experiment: Experiment): string {
  return versionEtag(experiment.version);
}

function sendExperiment(res: Response, experiment: Experiment, status = 200): void {
  res.status(status).set('ETag', etagOf(experiment)).json(experiment);
}

export function createExperimentsRouter(service: ExperimentsService, requireRole: RoleGuard): Router {
  const router = Router();
  const admin = requireRole(['admin']);
  const reader = requireRole(['admin', 'analyst']);

  router.post('/v1/experiments', admin, async (req, res) => {
    const created = await service.create(parseInput(createExperimentBody, req.body), principalOf(req));
    res.location(`/v1/experiments/${created.key}`);
    sendExperiment(res, created, 201);
  });

  router.get('/v1/experiments', reader, async (req, res) => {
    res.json(await service.list(parseInput(listExperimentsQuery, req.query)));
  });

  router.get('/v1/experiments/:key', reader, async (req, res) => {
    const experiment = await service.get(parseInput(experimentKeyParams, req.params).key);
    if (isNotModified(req, etagOf(experiment))) {
      res.status(304).set('ETag', etagOf(experiment)).end();
      return;
    }
    sendExperiment(res, experiment);
  });

  router.patch('/v1/experiments/:key', admin, async (req, res) => {
    const { key } = parseInput(experimentKeyParams, req.params);
    const patch = parseInput(patchExperimentBody, req.body);
    sendExperiment(res, await service.update(key, patch, principalOf(req), writeOptions(req)));
  });

  router.delete('/v1/experiments/:key', admin, async (req, res) => {
    await service.delete(parseInput(experimentKeyParams, req.params).key, principalOf(req), writeOptions(req));
    res.status(204).end();
  });

  router.get('/v1/experiments/:key/history', reader, async (req, res) => {
    res.json({ items: await service.history(parseInput(experimentKeyParams, req.params).key) });
  });

  for (const action of TRANSITION_NAMES) {
    router.post(`/v1/experiments/:key/${action}`, admin, async (req, res) => {
      const { key } = parseInput(experimentKeyParams, req.params);
      sendExperiment(res, await service.transition(key, action, principalOf(req), writeOptions(req)));
    });
  }

  return router;
}

const keyPath = { path: experimentKeyParams };

function transitionOperation(action: TransitionName): ZodOpenApiOperationObject {
  const transition = TRANSITIONS[action];
  return {
    tags: ['experiments'],
    summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} an experiment (${transition.from.join(' | ')} -> ${transition.to})`,
    security: AUTHED,
    requestParams: { ...keyPath, ...IF_MATCH_HEADER },
    responses: {
      '200': jsonResponse('The experiment in its new state.', experimentSchema),
      ...problemResponses(401, 403, 404, 409, 412),
    },
  };
}

export const experimentsPaths: ZodOpenApiPathsObject = {
  '/v1/experiments': {
    post: {
      tags: ['experiments'],
      summary: 'Define an experiment (created as a draft)',
      security: AUTHED,
      requestBody: { content: { 'application/json': { schema: createExperimentBody } } },
      responses: {
        '201': jsonResponse('The draft.', experimentSchema),
        ...problemResponses(400, 401, 403, 409, 413, 415),
      },
    },
    get: {
      tags: ['experiments'],
      summary: 'List experiments in creation order, filtered by status and owner',
      security: AUTHED,
      requestParams: { query: listExperimentsQuery },
      responses: {
        '200': jsonResponse('A page of experiments.', experimentListSchema),
        ...problemResponses(400, 401, 403),
      },
    },
  },
  '/v1/experiments/{key}': {
    get: {
      tags: ['experiments'],
      summary: 'Read an experiment (ETag: its version)',
      security: AUTHED,
      requestParams: keyPath,
      responses: { '200': jsonResponse('The experiment.', experimentSchema), ...problemResponses(401, 403, 404) },
    },
    patch: {
      tags: ['experiments'],
      summary: 'Edit an experiment; running or paused ones only where no user would switch variants',
      security: AUTHED,
      requestParams: { ...keyPath, ...IF_MATCH_HEADER },
      requestBody: { content: { 'application/json': { schema: patchExperimentBody } } },
      responses: {
        '200': jsonResponse('The experiment.', experimentSchema),
        ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415),
      },
    },
    delete: {
      tags: ['experiments'],
      summary: 'Delete a draft',
      security: AUTHED,
      requestParams: { ...keyPath, ...IF_MATCH_HEADER },
      responses: { '204': { description: 'Deleted.' }, ...problemResponses(401, 403, 404, 409, 412) },
    },
  },
  '/v1/experiments/{key}/history': {
    get: {
      tags: ['experiments'],
      summary: 'Every change: who, when, what',
      security: AUTHED,
      requestParams: keyPath,
      responses: { '200': jsonResponse('Oldest first.', historySchema), ...problemResponses(401, 403, 404) },
    },
  },
  ...Object.fromEntries(
    TRANSITION_NAMES.map((action) => [`/v1/experiments/{key}/${action}`, { post: transitionOperation(action) }]),
  ),
};
