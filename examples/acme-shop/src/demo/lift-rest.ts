/** The few Lift REST calls the demo makes, as a product owner or analyst would with curl. */

export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
}

export class LiftRestError extends Error {
  override readonly name = 'LiftRestError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

const REQUEST_TIMEOUT_MS = 15_000;
const HTTP_NOT_FOUND = 404;
const HTTP_SUCCESS_MAX = 299;

function problemCode(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string'
    ? body.code
    : undefined;
}

/** True when the server has no route at all for the request (as opposed to, say, an unknown experiment). */
export function isMissingRoute(response: RestResponse): boolean {
  return response.status === HTTP_NOT_FOUND && problemCode(response.body) === 'route-not-found';
}

/** One call; the body is parsed when it is JSON, otherwise kept as text. */
export async function callLift(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<RestResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: response.status, body: parsed };
}

async function expectSuccess(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await callLift(baseUrl, key, method, path, body);
  if (response.status > HTTP_SUCCESS_MAX) {
    throw new LiftRestError(
      `${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`,
      response.status,
      response.body,
    );
  }
  return response.body;
}

/** `POST /v1/api-keys`; returns the secret (shown only once by the server). */
export async function createApiKey(
  baseUrl: string,
  adminKey: string,
  name: string,
  role: 'admin' | 'sdk' | 'analyst',
): Promise<string> {
  const body = await expectSuccess(baseUrl, adminKey, 'POST', '/v1/api-keys', { name, role });
  if (typeof body !== 'object' || body === null || !('key' in body) || typeof body.key !== 'string') {
    throw new LiftRestError('POST /v1/api-keys answered without a key', 0, body);
  }
  return body.key;
}

/** `POST /v1/experiments` then `POST /v1/experiments/:key/start`. */
export async function createAndStartExperiment(
  baseUrl: string,
  adminKey: string,
  definition: { readonly key: string },
): Promise<void> {
  await expectSuccess(baseUrl, adminKey, 'POST', '/v1/experiments', definition);
  await expectSuccess(baseUrl, adminKey, 'POST', `/v1/experiments/${encodeURIComponent(definition.key)}/start`);
}

export type ResultsOutcome =
  | { readonly kind: 'results'; readonly body: unknown }
  | { readonly kind: 'missing-endpoint' }
  | { readonly kind: 'error'; readonly status: number; readonly body: unknown };

/** `GET /v1/experiments/:key/results`, telling a server without the endpoint from a failing call. */
export async function fetchResults(
  baseUrl: string,
  key: string,
  experiment: string,
  metric?: string,
): Promise<ResultsOutcome> {
  const query = metric === undefined ? '' : `?metric=${encodeURIComponent(metric)}`;
  const response = await callLift(
    baseUrl,
    key,
    'GET',
    `/v1/experiments/${encodeURIComponent(experiment)}/results${query}`,
  );
  if (isMissingRoute(response)) return { kind: 'missing-endpoint' };
  if (response.status > HTTP_SUCCESS_MAX) return { kind: 'error', status: response.status, body: response.body };
  return { kind: 'results', body: response.body };
}

/** Whether `POST /v1/events` exists: an empty batch is sent, and only "no such route" counts as missing. */
export async function hasEventsEndpoint(baseUrl: string, sdkKey: string): Promise<boolean> {
  return !isMissingRoute(await callLift(baseUrl, sdkKey, 'POST', '/v1/events', { events: [] }));
}
