import { Router } from 'express';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { jsonResponse } from '../http/openapi-common.js';

/** What readiness depends on: the database, and not being in the middle of shutting down. */
export interface ReadinessProbe {
  isDatabaseReachable(): Promise<boolean>;
  isShuttingDown(): boolean;
}

export function createHealthRouter(probe: ReadinessProbe): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (probe.isShuttingDown()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    const isReachable = await probe.isDatabaseReachable();
    res.status(isReachable ? 200 : 503).json({ status: isReachable ? 'ready' : 'database-unreachable' });
  });
  return router;
}

const healthSchema = z.object({ status: z.string() }).meta({ id: 'Health' });

export const healthPaths: ZodOpenApiPathsObject = {
  '/healthz': {
    get: { tags: ['health'], summary: 'Alive', responses: { '200': jsonResponse('Alive.', healthSchema) } },
  },
  '/readyz': {
    get: {
      tags: ['health'],
      summary: 'Ready: the database is reachable and the server is not shutting down',
      responses: { '200': jsonResponse('Ready.', healthSchema), '503': jsonResponse('Not ready.', healthSchema) },
    },
  },
};
