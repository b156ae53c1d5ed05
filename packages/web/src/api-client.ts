import type {
  Experiment,
  ExperimentList,
  ExperimentStatus,
  FieldError,
  ExperimentResults,
  Role,
  ExperimentTimeseries,
  Transition,
} from './api-types.js';

const NETWORK_FAILURE = 0;
const FORBIDDEN = 403;

/** An RFC 9457 problem answered by the API (or a network failure, status 0). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly code: string | undefined;
  readonly errors: readonly FieldError[];
  readonly body: Readonly<Record<string, unknown>>;

  constructor(status: number, body: Readonly<Record<string, unknown>>) {
    const detail = typeof body['detail'] === 'string' ? body['detail'] : undefined;
    const title = typeof body['title'] === 'string' ? body['title'] : `HTTP ${status}`;
    super(detail ?? title);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = title;
    this.code = typeof body['code'] === 'string' ? body['code'] : undefined;
    this.errors = Array.isArray(body['errors']) ? (body['errors'] as unknown[]).filter(isFieldError) : [];
    this.body = body;
  }
}

function isFieldError(value: unknown): value is FieldError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FieldError).path === 'string' &&
    typeof (value as FieldError).message === 'string'
  );
}

export type FetchPort = (input: string, init: RequestInit) => Promise<Response>;

/** The public REST API, with the key the user entered; every failure is an `ApiProblem`. */
export class ApiClient {
  readonly #key: string;
  readonly #fetch: FetchPort;
  readonly #baseUrl: string;

  constructor(options: { key: string; baseUrl?: string; fetch?: FetchPort }) {
    this.#key = options.key;
    this.#baseUrl = options.baseUrl ?? '';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#key}`,
      Accept: 'application/json, application/problem+json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiProblem(NETWORK_FAILURE, {
        title: 'Network error',
        detail: `The server could not be reached (${String(error)}).`,
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = { detail: text.slice(0, 200) };
    }
    if (!response.ok) {
      throw new ApiProblem(
        response.status,
        typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {},
      );
    }
    return parsed as T;
  }

  /**
   * The key's role, from the public API alone: listing keys needs admin, and a 403 names the
   * caller's role. A 401 (unknown or revoked key) is thrown.
   */
  async whoAmI(): Promise<Role> {
    try {
      await this.#request('GET', '/v1/api-keys');
      return 'admin';
    } catch (error) {
      if (error instanceof ApiProblem && error.status === FORBIDDEN) {
        const role = error.body['role'];
        if (role === 'analyst' || role === 'sdk') return role;
        return 'analyst';
      }
      throw error;
    }
  }

  listExperiments(query: { status?: ExperimentStatus; cursor?: string } = {}): Promise<ExperimentList> {
    const params = new URLSearchParams({ limit: '200' });
    if (query.status !== undefined) params.set('status', query.status);
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    return this.#request('GET', `/v1/experiments?${params.toString()}`);
  }

  /** Every experiment (of one status), following the cursor through every page. */
  async listAllExperiments(query: { status?: ExperimentStatus } = {}): Promise<Experiment[]> {
    const experiments: Experiment[] = [];
    let cursor: string | undefined = undefined;
    do {
      const page: ExperimentList = await this.listExperiments({
        ...query,
        ...(cursor === undefined ? {} : { cursor }),
      });
      experiments.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return experiments;
  }

  getExperiment(key: string): Promise<Experiment> {
    return this.#request('GET', experimentPath(key));
  }

  createExperiment(body: unknown): Promise<Experiment> {
    return this.#request('POST', '/v1/experiments', body);
  }

  transition(key: string, action: Transition): Promise<Experiment> {
    return this.#request('POST', experimentPath(key, { resource: action }));
  }

  results(key: string, metric?: string): Promise<ExperimentResults> {
    return this.#request('GET', experimentPath(key, { resource: 'results', metric }));
  }

  timeseries(key: string, metric?: string): Promise<ExperimentTimeseries> {
    return this.#request('GET', experimentPath(key, { resource: 'timeseries', metric }));
  }
}

/** `/v1/experiments/<key>[/<resource>][?metric=…]`, with the key and the query escaped. */
function experimentPath(
  key: string,
  options: { resource?: string | undefined; metric?: string | undefined } = {},
): string {
  const { resource, metric } = options;
  const path = `/v1/experiments/${encodeURIComponent(key)}${resource === undefined ? '' : `/${resource}`}`;
  return metric === undefined ? path : `${path}?${new URLSearchParams({ metric }).toString()}`;
}
