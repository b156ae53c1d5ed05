import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes parse with. */
export function buildOpenApiDocument(
  paths: readonly ZodOpenApiPathsObject[],
  version: string,
): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lift experiment service',
      version,
      description:
        'Hypotheses over REST, API keys and roles, and the live config SDKs decide with. Errors are RFC 9457 problem+json.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key.' } } },
    paths: Object.assign({}, ...paths) as ZodOpenApiPathsObject,
  });
}
