/** The slices of Lift's REST API istio-sync uses (never the server's code). */
import { errorMessage } from './error-message.js';
import { readScorecard, type Scorecard } from './scorecard-input.js';

export interface LiftApiClientOptions {
  readonly baseUrl: string;
  /** An admin key: listing needs admin or analyst, rollout writes need admin, the stream sdk or admin. */
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
}

const PAGE_SIZE = 200;

/** The problem type Lift answers for a missing experiment (a missing route has `route-not-found`). */
const EXPERIMENT_NOT_FOUND = 'urn:lift:problem:not-found';
const HTTP_NOT_FOUND = 404;

/** Thrown for non-2xx answers; carries the problem+json detail (and `type`) when the server sent one. */
export class LiftApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problemType: string | null = null,
  ) {
    super(message);
    this.name = 'LiftApiError';
  }
}

/**
 * A small client of Lift's REST API.
 *
 * @example
 * const client = new LiftApiClient({ baseUrl: 'http://lift:8080', apiKey: process.env.LIFT_API_KEY });
 * const experiments = await client.listExperiments();
 */
export class LiftApiClient {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: LiftApiClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? fetch;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      Accept: 'application/json',
      ...(this.#apiKey === undefined ? {} : { Authorization: `Bearer ${this.#apiKey}` }),
      ...extra,
    };
  }

  async #json(path: string, init: RequestInit = {}): Promise<unknown> {
    const response = await this.#fetch(`${this.#baseUrl}${path}`, {
      ...init,
      headers: this.#headers(init.headers as Record<string, string> | undefined),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      let problemType: string | null = null;
      try {
        const problem = JSON.parse(text) as { detail?: unknown; title?: unknown; type?: unknown };
        detail =
          typeof problem.detail === 'string'
            ? problem.detail
            : typeof problem.title === 'string'
              ? problem.title
              : text;
        problemType = typeof problem.type === 'string' ? problem.type : null;
      } catch {
        // not problem+json; keep the raw text
      }
      throw new LiftApiError(
        `${init.method ?? 'GET'} ${path}: ${response.status} ${detail}`,
        response.status,
        problemType,
      );
    }
    return text === '' ? null : (JSON.parse(text) as unknown);
  }

  /** Every experiment, following `nextCursor` through the pages. */
  async listExperiments(): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor === null ? {} : { cursor }) });
      const page = (await this.#json(`/v1/experiments?${query.toString()}`)) as {
        items?: unknown;
        nextCursor?: unknown;
      };
      if (!Array.isArray(page.items)) throw new LiftApiError('GET /v1/experiments: the answer has no items list', 200);
      items.push(...page.items);
      cursor = typeof page.nextCursor === 'string' && page.nextCursor !== '' ? page.nextCursor : null;
    } while (cursor !== null);
    return items;
  }

  /**
   * The experiment's scorecard: every metric with its direction, verdicts and guardrail statuses,
   * and the server's recommendation. A Lift that answers 404 for the route itself predates the
   * scorecard; that is an error saying so, never a reason to fall back on direction-blind results.
   */
  async scorecard(key: string): Promise<Scorecard> {
    const path = `/v1/experiments/${encodeURIComponent(key)}/scorecard`;
    let answer: unknown;
    try {
      answer = await this.#json(path);
    } catch (error) {
      if (
        error instanceof LiftApiError &&
        error.status === HTTP_NOT_FOUND &&
        error.problemType !== EXPERIMENT_NOT_FOUND
      )
        throw new LiftApiError(
          `this Lift server has no scorecard: it answered 404 to GET ${path}, so it predates the metric ` +
            'catalogue. Upgrade Lift: the gate decides only on the scorecard, whose verdicts and guardrail ' +
            `statuses honour each metric's direction. (${error.message})`,
          error.status,
          error.problemType,
        );
      throw error;
    }
    try {
      return readScorecard(answer);
    } catch (error) {
      throw new LiftApiError(`GET ${path}: ${errorMessage(error)}`, 200);
    }
  }

  /** Changes the routing's rollout fields, conditional on the version istio-sync decided on. */
  async patchRouting(key: string, routing: unknown, expectedVersion: number): Promise<void> {
    await this.#json(`/v1/experiments/${encodeURIComponent(key)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'If-Match': `"${expectedVersion}"` },
      body: JSON.stringify({ routing }),
    });
  }

  /** `POST /v1/experiments/:key/pause`. */
  async pause(key: string): Promise<void> {
    await this.#json(`/v1/experiments/${encodeURIComponent(key)}/pause`, { method: 'POST' });
  }

  /**
   * Follows the server-sent config stream, calling `onEvent` for every `config` event; resolves
   * when the stream ends (the caller reconnects with backoff), rejects on connection errors.
   */
  async followStream(onEvent: () => void, signal: AbortSignal): Promise<void> {
    const response = await this.#fetch(`${this.#baseUrl}/v1/sdk/stream`, {
      headers: this.#headers({ Accept: 'text/event-stream' }),
      signal,
    });
    if (!response.ok || response.body === null)
      throw new LiftApiError(`GET /v1/sdk/stream: ${response.status}`, response.status);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let boundary = buffer.indexOf('\n\n');
      while (boundary !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const lines = block.split('\n');
        const event =
          lines
            .find((line) => line.startsWith('event:'))
            ?.slice('event:'.length)
            .trim() ?? 'message';
        const hasData = lines.some((line) => line.startsWith('data:'));
        if (hasData && (event === 'config' || event === 'message')) onEvent();
        boundary = buffer.indexOf('\n\n');
      }
    }
  }
}
