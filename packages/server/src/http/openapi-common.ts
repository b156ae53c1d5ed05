import { z } from 'zod';
import type { ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-handler.js';

const fieldErrorSchema = z
  .object({ path: z.string(), message: z.string() })
  .meta({ id: 'FieldError', description: 'One invalid field: `path` is dotted (`variants.0.weight`).' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    requestId: z.string(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request; `errors` names every invalid field.',
  401: 'No API key, or an unknown or revoked one.',
  403: 'The key lacks the role this needs.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  412: 'If-Match does not match the current version.',
  413: 'Body over the size limit.',
  415: 'Body is not JSON.',
};

/** Problem+json responses for the given statuses. */
export function problemResponses(...statuses: number[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      },
    ]),
  );
}

/** A JSON response. */
export function jsonResponse(description: string, schema: z.ZodType): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

export const AUTHED = [{ bearer: [] }];

/** The optional If-Match header of a conditional write, for the OpenAPI document. */
export const IF_MATCH_HEADER = {
  header: z.object({
    'if-match': z.string().optional().meta({ description: 'Optional ETag ("<version>") the write requires.' }),
  }),
};
