// Generated from packages/server/openapi.json by openapi-typescript (`pnpm generate`). Do not edit.

export interface paths {
  readonly '/healthz': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Alive */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Alive. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Health'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/readyz': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Ready: the database is reachable and the server is not shutting down */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Ready. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Health'];
          };
        };
        /** @description Not ready. */
        readonly 503: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Health'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/api-keys': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** List API keys (never their secrets) */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Every key, revoked ones included. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ApiKeyList'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    /** Issue an API key (the secret is returned once) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['CreateApiKey'];
        };
      };
      readonly responses: {
        /** @description The key, with its secret. */
        readonly 201: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['CreatedApiKey'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/api-keys/{id}': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Read one API key (never its secret) */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly id: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The key. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ApiKey'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    /** Revoke an API key, effective immediately */
    readonly delete: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly id: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Revoked. */
        readonly 204: {
          headers: {
            readonly [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly options?: never;
    readonly head?: never;
    /** Rename an API key or change its role, effective immediately */
    readonly patch: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly id: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['UpdateApiKey'];
        };
      };
      readonly responses: {
        /** @description The key. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ApiKey'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly trace?: never;
  };
  readonly '/v1/experiments': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** List experiments in creation order, filtered by status and owner */
    readonly get: {
      readonly parameters: {
        readonly query?: {
          readonly status?: components['schemas']['ExperimentStatus'];
          readonly owner?: string;
          readonly cursor?: string;
          readonly limit?: number;
        };
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description A page of experiments. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ExperimentList'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    /** Define an experiment (created as a draft) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['CreateExperiment'];
        };
      };
      readonly responses: {
        /** @description The draft. */
        readonly 201: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Read an experiment (ETag: its version) */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The experiment. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    /** Delete a draft */
    readonly delete: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Deleted. */
        readonly 204: {
          headers: {
            readonly [name: string]: unknown;
          };
          content?: never;
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly options?: never;
    readonly head?: never;
    /** Edit an experiment; running or paused ones only where no user would switch variants */
    readonly patch: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['PatchExperiment'];
        };
      };
      readonly responses: {
        /** @description The experiment. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/history': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Every change: who, when, what */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Oldest first. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ExperimentHistory'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/start': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Start an experiment (draft -> running) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The experiment in its new state. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/pause': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Pause an experiment (running -> paused) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The experiment in its new state. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/resume': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Resume an experiment (paused -> running) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The experiment in its new state. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/stop': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Stop an experiment (running | paused -> stopped) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The experiment in its new state. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/archive': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Archive an experiment (stopped -> archived) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The experiment in its new state. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Experiment'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/metrics': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** List the catalogue in creation order */
    readonly get: {
      readonly parameters: {
        readonly query?: {
          readonly cursor?: string;
          readonly limit?: number;
        };
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description A page of metrics. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['MetricList'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    /** Define a metric of the catalogue */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['CreateMetric'];
        };
      };
      readonly responses: {
        /** @description The metric. */
        readonly 201: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Metric'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Conflicts with the current state. */
        readonly 409: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/metrics/{key}': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Read a metric (ETag: its version) */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The metric. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Metric'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    /** Edit a metric; the result must be a valid definition as a whole */
    readonly patch: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          /** @description Optional ETag ("<version>") the write requires. */
          readonly 'if-match'?: string;
        };
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['PatchMetric'];
        };
      };
      readonly responses: {
        /** @description The metric. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Metric'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description If-Match does not match the current version. */
        readonly 412: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly trace?: never;
  };
  readonly '/v1/metrics/{key}/history': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Every change: who, when, what */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description Oldest first. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['MetricHistory'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/results': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /**
     * Did the hypothesis hold? Analysis of one metric per variant
     * @description Units count once, in the variant of their first exposure; overrides and units exposed to several variants are excluded and reported. Conversions count at or after the first exposure and inside the conversion window.
     */
    readonly get: {
      readonly parameters: {
        readonly query?: {
          /** @description The primary metric or one of the guardrails; default: the primary. */
          readonly metric?: string;
        };
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The analysis. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ExperimentResults'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/results.csv': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** The analysis of every metric (or of `metric` alone) as CSV: one row per metric and variant */
    readonly get: {
      readonly parameters: {
        readonly query?: {
          /** @description The primary metric or one of the guardrails; default: the primary. */
          readonly metric?: string;
        };
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description CSV with a header row. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'text/csv': string;
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/timeseries': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Daily cumulative units, conversions and rate per variant, for charts */
    readonly get: {
      readonly parameters: {
        readonly query?: {
          /** @description The primary metric or one of the guardrails; default: the primary. */
          readonly metric?: string;
        };
        readonly header?: never;
        readonly path: {
          readonly key: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description One point per UTC day. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ExperimentTimeseries'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/sdk/config': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** The config SDKs decide with (strong ETag; If-None-Match -> 304) */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: {
          readonly 'if-none-match'?: string;
        };
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The snapshot. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['ConfigSnapshot'];
          };
        };
        /** @description Unchanged since the ETag sent. */
        readonly 304: {
          headers: {
            readonly [name: string]: unknown;
          };
          content?: never;
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/sdk/stream': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /** Server-sent events: `config` events carry each new ConfigSnapshot (the current one on connect); `: heartbeat` comments keep it open */
    readonly get: {
      readonly parameters: {
        readonly query?: {
          /** @description For EventSource, which cannot send headers. */
          readonly apiKey?: string;
        };
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description An event stream. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'text/event-stream': string;
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/events': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Ingest a batch of exposure and conversion events (idempotent on event id; any invalid event rejects the whole batch) */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['EventBatchDocument'];
        };
      };
      readonly responses: {
        /** @description Stored; events whose id was seen before are counted as duplicates. */
        readonly 202: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['IngestResult'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body over the size limit. */
        readonly 413: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Body is not JSON. */
        readonly 415: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Problem */
        readonly 503: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/assignments': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    readonly get?: never;
    readonly put?: never;
    /** Decide experiments for one context on the server (for clients that cannot embed the SDK); sticky experiments keep the first recorded variant */
    readonly post: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path?: never;
        readonly cookie?: never;
      };
      readonly requestBody?: {
        readonly content: {
          readonly 'application/json': components['schemas']['AssignmentsRequest'];
        };
      };
      readonly responses: {
        /** @description One decision per experiment, in the order asked. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['Assignments'];
          };
        };
        /** @description Invalid request; `errors` names every invalid field. */
        readonly 400: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Problem */
        readonly 503: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
  readonly '/v1/experiments/{key}/assignments/{unit}': {
    readonly parameters: {
      readonly query?: never;
      readonly header?: never;
      readonly path?: never;
      readonly cookie?: never;
    };
    /**
     * A unit's recorded or computed variant, without enrolling it or logging an exposure
     * @description Further query parameters are context attributes for targeting, e.g. ?platform=iOS.
     */
    readonly get: {
      readonly parameters: {
        readonly query?: never;
        readonly header?: never;
        readonly path: {
          readonly key: string;
          readonly unit: string;
        };
        readonly cookie?: never;
      };
      readonly requestBody?: never;
      readonly responses: {
        /** @description The decision, the sticky record and the first exposure. */
        readonly 200: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/json': components['schemas']['AssignmentLookup'];
          };
        };
        /** @description No API key, or an unknown or revoked one. */
        readonly 401: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The key lacks the role this needs. */
        readonly 403: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Not found. */
        readonly 404: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Problem */
        readonly 503: {
          headers: {
            readonly [name: string]: unknown;
          };
          content: {
            readonly 'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    readonly put?: never;
    readonly post?: never;
    readonly delete?: never;
    readonly options?: never;
    readonly head?: never;
    readonly patch?: never;
    readonly trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    readonly CreateApiKey: {
      /** @example checkout web app */
      readonly name: string;
      readonly role: components['schemas']['Role'];
    };
    /**
     * @description admin: experiments and keys; sdk: config; analyst: read.
     * @enum {string}
     */
    readonly Role: 'admin' | 'sdk' | 'analyst';
    readonly UpdateApiKey: {
      readonly name?: string;
      readonly role?: components['schemas']['Role'];
    };
    readonly CreateExperiment: {
      /** @description Unique slug; the allocation salt defaults to it. */
      readonly key: string;
      readonly name: string;
      /** @description The sentence being tested. */
      readonly hypothesis: string;
      readonly owner?: string;
      readonly description?: string;
      /** @description The first variant is the control. */
      readonly variants: readonly components['schemas']['Variant'][];
      /** @default 10000 */
      readonly coverage: number;
      /** @default userId */
      readonly unitAttribute: string;
      readonly salt?: string;
      /** @default {} */
      readonly targeting: components['schemas']['Targeting'];
      readonly layer?: components['schemas']['Layer'];
      /**
       * @description Forced variant per unit id, for QA; excluded from analysis.
       * @default {}
       */
      readonly overrides: {
        readonly [key: string]: string;
      };
      /** @default false */
      readonly sticky: boolean;
      readonly metrics: components['schemas']['Metrics'];
      readonly routing?: components['schemas']['Routing'];
    };
    readonly Variant: {
      readonly key: string;
      /** @description Share of traffic in basis points; weights sum to 10000. */
      readonly weight: number;
      readonly payload?: components['schemas']['JsonValue'];
      readonly description?: string;
    };
    /** @description Any JSON value. */
    readonly JsonValue: unknown;
    /**
     * @description A MongoDB-style condition as in GrowthBook; {} targets everyone.
     * @example {
     *       "platform": "iOS"
     *     }
     */
    readonly Targeting: {
      readonly [key: string]: components['schemas']['JsonValue'];
    };
    readonly Layer: {
      readonly key: string;
      /** @description [from, to) in basis points of the layer bucket. */
      readonly range: readonly [number, number];
    };
    readonly Metrics: {
      /**
       * @description The metric the hypothesis is judged on.
       * @example purchase
       */
      readonly primary: string;
      /**
       * @description Metrics reported alongside, not judged on.
       * @default []
       */
      readonly secondary: readonly string[];
      /**
       * @description Metrics that must not be harmed.
       * @default []
       */
      readonly guardrails: readonly string[];
      /** @description Hours after a unit's first exposure in which events count; overrides every metric's `windowHours`. */
      readonly conversionWindowHours?: number;
    };
    /** @description How istio-sync routes infra-level splits for this experiment. */
    readonly Routing: {
      readonly host: string;
      readonly namespace: string;
      readonly gateways?: readonly string[];
      readonly hosts?: readonly string[];
      /** @enum {string} */
      readonly mode: 'ab' | 'canary' | 'mirror' | 'blue-green';
      readonly subsets: {
        readonly [key: string]: {
          readonly [key: string]: string;
        };
      };
      readonly headers?: {
        readonly [key: string]: string;
      };
      readonly variantHeader?: string;
      readonly mirrorPercent?: number;
      readonly active?: string;
      readonly steps?: readonly number[];
    };
    /** @enum {string} */
    readonly ExperimentStatus: 'draft' | 'running' | 'paused' | 'stopped' | 'archived';
    readonly PatchExperiment: {
      readonly name?: string;
      /** @description The sentence being tested. */
      readonly hypothesis?: string;
      readonly owner?: string | null;
      readonly description?: string | null;
      /** @description The first variant is the control. */
      readonly variants?: readonly components['schemas']['Variant'][];
      readonly coverage?: number;
      readonly unitAttribute?: string;
      readonly salt?: string | null;
      readonly targeting?: components['schemas']['Targeting'];
      readonly layer?: components['schemas']['Layer'] | null;
      /** @description Forced variant per unit id, for QA; excluded from analysis. */
      readonly overrides?: {
        readonly [key: string]: string;
      };
      readonly sticky?: boolean;
      readonly metrics?: {
        /**
         * @description A key of the metric catalogue; a name not yet in it is added as the proportion of units sending that event.
         * @example purchase
         */
        readonly primary?: string;
        readonly secondary?: readonly string[];
        readonly guardrails?: readonly string[];
        readonly conversionWindowHours?: number | null;
      };
      readonly routing?: components['schemas']['Routing'] | null;
    };
    readonly CreateMetric: {
      /**
       * @description A key of the metric catalogue; a name not yet in it is added as the proportion of units sending that event.
       * @example purchase
       */
      readonly key: string;
      readonly name: string;
      readonly description?: string;
      readonly type: components['schemas']['MetricType'];
      /** @description proportion, mean and count: the event measured. */
      readonly event?: string;
      /** @description ratio only. */
      readonly numerator?: components['schemas']['MetricAggregateSource'];
      /** @description ratio only. */
      readonly denominator?: components['schemas']['MetricAggregateSource'];
      /** @default increase */
      readonly direction: components['schemas']['MetricDirection'];
      /** @description mean, count and ratio only. */
      readonly capping?: components['schemas']['MetricCapping'];
      /**
       * @description Hours after a unit’s first exposure in which its events count.
       * @default 168
       */
      readonly windowHours: number;
      /** @description Relative harm a guardrail tolerates (0.02 = 2%); unset: 0.02. */
      readonly nonInferiorityMargin?: number;
    };
    /**
     * @description proportion: share of units sending `event`; mean: per-unit sum of its `value`; count: events per unit; ratio: per-unit numerator over denominator (delta method).
     * @enum {string}
     */
    readonly MetricType: 'proportion' | 'mean' | 'count' | 'ratio';
    readonly MetricAggregateSource: {
      /** @description The name of a conversion event. */
      readonly event: string;
      /**
       * @description sum: the sum of the events’ `value`; count: the number of events.
       * @enum {string}
       */
      readonly aggregate: 'sum' | 'count';
    };
    /**
     * @description Which way is better.
     * @enum {string}
     */
    readonly MetricDirection: 'increase' | 'decrease';
    readonly MetricCapping: {
      /** @description A unit’s value (a ratio: its numerator) is set to at most this. */
      readonly perUnitMax: number;
    };
    readonly PatchMetric: {
      readonly name?: string;
      readonly description?: string | null;
      readonly type?: components['schemas']['MetricType'];
      readonly event?: string | null;
      readonly numerator?: components['schemas']['MetricAggregateSource'] | null;
      readonly denominator?: components['schemas']['MetricAggregateSource'] | null;
      readonly direction?: components['schemas']['MetricDirection'];
      readonly capping?: components['schemas']['MetricCapping'] | null;
      readonly windowHours?: number | null;
      readonly nonInferiorityMargin?: number | null;
    };
    /** @description At most 1000 events and 1 MB. */
    readonly EventBatchDocument: {
      readonly events: readonly (components['schemas']['ExposureEvent'] | components['schemas']['ConversionEvent'])[];
    };
    readonly ExposureEvent: {
      /**
       * Format: uuid
       * @description Client-generated UUID; ingestion is idempotent on it.
       */
      readonly id: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      readonly type: 'exposure';
      readonly experiment: string;
      readonly variant: string;
      /** @description The unit (user, device, session) the event is about. */
      readonly unit: string;
      /**
       * Format: date-time
       * @description RFC 3339; at most 5 minutes in the future.
       */
      readonly timestamp: string;
    };
    readonly ConversionEvent: {
      /**
       * Format: uuid
       * @description Client-generated UUID; ingestion is idempotent on it.
       */
      readonly id: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      readonly type: 'conversion';
      readonly name: string;
      /** @description The unit (user, device, session) the event is about. */
      readonly unit: string;
      readonly value?: number;
      readonly properties?: {
        readonly [key: string]: components['schemas']['JsonValue'];
      };
      /**
       * Format: date-time
       * @description RFC 3339; at most 5 minutes in the future.
       */
      readonly timestamp: string;
    };
    readonly AssignmentsRequest: {
      /** @description The attributes to decide with, e.g. { "userId": "u-42", "platform": "iOS" }. */
      readonly context: {
        readonly [key: string]: components['schemas']['JsonValue'];
      };
      /** @description Experiment keys to decide; default every running and paused experiment. */
      readonly experiments?: readonly string[];
      /**
       * @description Log an exposure for each decision in an experiment (as the SDK does on decide); default true.
       * @default true
       */
      readonly logExposures: boolean;
    };
    readonly Health: {
      readonly status: string;
    };
    readonly CreatedApiKey: {
      /** Format: uuid */
      readonly id: string;
      readonly name: string;
      readonly role: components['schemas']['Role'];
      readonly createdBy: string | null;
      /** Format: date-time */
      readonly createdAt: string;
      readonly revokedAt: string | null;
      /** @description The secret. Shown only in this response; store it now. */
      readonly key: string;
    };
    /** @description RFC 9457 problem details. */
    readonly Problem: {
      readonly type: string;
      readonly title: string;
      readonly status: number;
      readonly detail: string;
      readonly instance: string;
      readonly code: string;
      readonly requestId: string;
      readonly errors?: readonly components['schemas']['FieldError'][];
    };
    /** @description One invalid field: `path` is dotted (`variants.0.weight`). */
    readonly FieldError: {
      readonly path: string;
      readonly message: string;
    };
    readonly ApiKeyList: {
      readonly items: readonly components['schemas']['ApiKey'][];
    };
    readonly ApiKey: {
      /** Format: uuid */
      readonly id: string;
      readonly name: string;
      readonly role: components['schemas']['Role'];
      readonly createdBy: string | null;
      /** Format: date-time */
      readonly createdAt: string;
      readonly revokedAt: string | null;
    };
    readonly Experiment: {
      /** Format: uuid */
      readonly id: string;
      readonly key: string;
      readonly name: string;
      readonly hypothesis: string;
      readonly owner: string | null;
      readonly description: string | null;
      readonly status: components['schemas']['ExperimentStatus'];
      readonly variants: readonly components['schemas']['Variant'][];
      readonly coverage: number;
      readonly unitAttribute: string;
      readonly salt: string | null;
      readonly targeting: {
        readonly [key: string]: components['schemas']['JsonValue'];
      };
      readonly layer: components['schemas']['Layer'] | null;
      readonly overrides: {
        readonly [key: string]: string;
      };
      readonly sticky: boolean;
      readonly metrics: components['schemas']['MetricsOutput'];
      readonly routing: components['schemas']['Routing'] | null;
      /** @description Bumped on every change. */
      readonly version: number;
      /** Format: date-time */
      readonly createdAt: string;
      /** Format: date-time */
      readonly updatedAt: string;
      readonly startedAt: string | null;
      readonly stoppedAt: string | null;
      readonly archivedAt: string | null;
    };
    readonly ExperimentList: {
      readonly items: readonly components['schemas']['Experiment'][];
      /** @description Pass as `cursor` for the next page; null on the last page. */
      readonly nextCursor: string | null;
    };
    readonly ExperimentHistory: {
      readonly items: readonly components['schemas']['HistoryEntry'][];
    };
    readonly HistoryEntry: {
      readonly version: number;
      /** @example updated */
      readonly action: string;
      /** @description The API key that made the change. */
      readonly actorKeyId: string | null;
      /** @description That key's name. */
      readonly actorName: string | null;
      /** Format: date-time */
      readonly changedAt: string;
      readonly changes: readonly {
        readonly field: string;
        readonly from: components['schemas']['JsonValue'] | null;
        readonly to: components['schemas']['JsonValue'] | null;
      }[];
    };
    readonly Metric: {
      readonly key: string;
      readonly name: string;
      readonly description: string | null;
      readonly type: components['schemas']['MetricType'];
      readonly event: string | null;
      readonly numerator: components['schemas']['MetricAggregateSource'] | null;
      readonly denominator: components['schemas']['MetricAggregateSource'] | null;
      readonly direction: components['schemas']['MetricDirection'];
      readonly capping: components['schemas']['MetricCapping'] | null;
      readonly windowHours: number;
      readonly nonInferiorityMargin: number | null;
      /** @description Bumped on every change. */
      readonly version: number;
      /** Format: date-time */
      readonly createdAt: string;
      /** Format: date-time */
      readonly updatedAt: string;
    };
    readonly MetricList: {
      readonly items: readonly components['schemas']['Metric'][];
      /** @description Pass as `cursor` for the next page; null on the last page. */
      readonly nextCursor: string | null;
    };
    readonly MetricHistory: {
      readonly items: readonly components['schemas']['HistoryEntry'][];
    };
    readonly ExperimentResults: {
      readonly experiment: string;
      readonly metric: string;
      /** Format: date-time */
      readonly generatedAt: string;
      /** @description Units exposed to more than one variant: excluded. */
      readonly multipleExposures: components['schemas']['ExcludedUnits'];
      /** @description Exposed units with a forced override (QA): excluded. */
      readonly overrides: components['schemas']['ExcludedUnits'];
      /** @description Units first exposed in a variant the experiment no longer defines: excluded. */
      readonly unknownVariant: components['schemas']['ExcludedUnits'];
      readonly srm: components['schemas']['SampleRatioCheck'];
      /** @description The control first. */
      readonly variants: readonly components['schemas']['VariantResult'][];
      readonly power: components['schemas']['Power'];
    };
    readonly ExcludedUnits: {
      readonly units: number;
    };
    /** @description Sample ratio mismatch against the weights; ok when pValue >= 0.001. */
    readonly SampleRatioCheck: {
      readonly chiSquare: number;
      readonly pValue: number;
      readonly ok: boolean;
    };
    readonly VariantResult: {
      readonly key: string;
      readonly units: number;
      readonly conversions: number;
      readonly rate: number;
      /** @description 95% Wilson score interval. */
      readonly rateCI: components['schemas']['Interval'];
      /** @description Per-unit value of the metric (0 for units without one). */
      readonly value: {
        readonly mean: number;
        readonly stdDev: number;
      };
      /** @description Treatments: rate − control rate, unpooled normal interval. */
      readonly liftAbs?: components['schemas']['Estimate'];
      /** @description Treatments: rate / control rate − 1, delta-method interval. */
      readonly liftRel?: components['schemas']['Estimate'];
      /** @description Two-sided pooled two-proportion z-test. */
      readonly pValue?: number;
      /** @description Holm-adjusted over the treatments. */
      readonly pValueAdjusted?: number;
      /** @description Always-valid (mSPRT) p-value: safe to look daily. */
      readonly pValueSequential?: number;
      readonly chanceToBeatControl?: number;
      readonly expectedLoss?: number;
      /** @description Welch's t-test on the per-unit value. */
      readonly valueDiff?: {
        readonly estimate: number;
        readonly ci: components['schemas']['Interval'];
        readonly pValue: number;
      };
      readonly verdict?: components['schemas']['Verdict'];
    };
    /** @description 95% interval [lo, hi]. */
    readonly Interval: readonly [number, number];
    readonly Estimate: {
      readonly estimate: number;
      readonly ci: components['schemas']['Interval'];
    };
    /** @enum {string} */
    readonly Verdict: 'winning' | 'losing' | 'inconclusive' | 'srm-failed' | 'insufficient-data';
    /** @description At the observed baseline, 80% power, α = 0.05. */
    readonly Power: {
      readonly mdeRel: number;
      readonly unitsNeeded: number;
    };
    readonly ExperimentTimeseries: {
      readonly experiment: string;
      readonly metric: string;
      /** Format: date-time */
      readonly generatedAt: string;
      /** @description Per variant, one point per UTC day: cumulative units by day of first exposure, cumulative converted units by day of first conversion. */
      readonly variants: readonly components['schemas']['VariantSeries'][];
    };
    readonly VariantSeries: {
      readonly key: string;
      readonly points: readonly components['schemas']['SeriesPoint'][];
    };
    readonly SeriesPoint: {
      /** Format: date */
      readonly date: string;
      readonly units: number;
      readonly conversions: number;
      readonly rate: number;
    };
    /** @description `ConfigSnapshot` of `@lift/sdk`: running and paused experiments. */
    readonly ConfigSnapshot: {
      readonly version: number;
      readonly experiments: readonly components['schemas']['ExperimentDefinition'][];
    };
    /** @description `ExperimentDefinition` of `@lift/sdk`. */
    readonly ExperimentDefinition: {
      readonly key: string;
      /** @enum {string} */
      readonly status: 'running' | 'paused';
      readonly variants: readonly {
        readonly key: string;
        readonly weight: number;
        readonly payload?: components['schemas']['JsonValue'];
      }[];
      readonly coverage: number;
      readonly unitAttribute: string;
      readonly salt?: string;
      readonly targeting: {
        readonly [key: string]: components['schemas']['JsonValue'];
      };
      readonly layer?: {
        readonly key: string;
        readonly range: readonly [number, number];
      };
      readonly overrides: {
        readonly [key: string]: string;
      };
      readonly sticky: boolean;
      readonly version: number;
    };
    readonly IngestResult: {
      /** @description Events stored by this request. */
      readonly accepted: number;
      /** @description Events whose id was already stored (or repeated in the batch); not stored again. */
      readonly duplicates: number;
    };
    readonly Assignments: {
      readonly decisions: readonly components['schemas']['Decision'][];
    };
    /** @description `Decision` of `@lift/sdk`. */
    readonly Decision: {
      readonly experiment: string;
      readonly variant: string | null;
      readonly inExperiment: boolean;
      /** @enum {string} */
      readonly reason:
        | 'missing-unit'
        | 'not-running'
        | 'override'
        | 'targeting'
        | 'layer'
        | 'traffic'
        | 'assigned'
        | 'sticky'
        | 'not-ready'
        | 'error';
      readonly bucket: number | null;
      readonly payload: components['schemas']['JsonValue'] | null;
    };
    readonly AssignmentLookup: {
      readonly unit: string;
      readonly decision: components['schemas']['Decision'];
      /** @description The sticky assignment recorded for the unit, if any. */
      readonly recorded: {
        readonly variant: string;
        /** Format: date-time */
        readonly assignedAt: string;
      } | null;
      /** @description The variant the analysis counts the unit in (its first exposure), if exposed. */
      readonly exposure: {
        readonly variant: string;
        /** Format: date-time */
        readonly firstExposedAt: string;
        readonly isMultiple: boolean;
      } | null;
    };
    readonly MetricsOutput: {
      /**
       * @description The metric the hypothesis is judged on.
       * @example purchase
       */
      readonly primary: string;
      /**
       * @description Metrics reported alongside, not judged on.
       * @default []
       */
      readonly secondary: readonly string[];
      /**
       * @description Metrics that must not be harmed.
       * @default []
       */
      readonly guardrails: readonly string[];
      /** @description Hours after a unit's first exposure in which events count; overrides every metric's `windowHours`. */
      readonly conversionWindowHours?: number;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
