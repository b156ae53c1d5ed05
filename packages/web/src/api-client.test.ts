import { describe, expect, it } from 'vitest';
import { ApiClient, ApiProblem, type FetchPort } from './api-client.js';

function answering(status: number, body: unknown, seen: { url: string; init: RequestInit }[] = []): FetchPort {
  return async (url, init) => {
    seen.push({ url, init });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  };
}

describe('the API client', () => {
  it('sends the key as a bearer token and JSON bodies with their content type', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const api = new ApiClient({ key: 'secret-key', baseUrl: 'http://lift', fetch: answering(201, { key: 'e' }, seen) });
    await api.createExperiment({ key: 'e' });
    await api.results('a b', 'add to cart');
    expect(seen[0]?.url).toBe('http://lift/v1/experiments');
    expect(seen[0]?.init.headers).toMatchObject({
      Authorization: 'Bearer secret-key',
      'Content-Type': 'application/json',
    });
    expect(seen[0]?.init.body).toBe('{"key":"e"}');
    expect(seen[1]?.url).toBe('http://lift/v1/experiments/a%20b/results?metric=add+to+cart');
  });

  it('turns problem documents into ApiProblem with their field errors', async () => {
    const api = new ApiClient({
      key: 'k',
      fetch: answering(400, {
        title: 'Invalid request',
        detail: 'Invalid request: key.',
        code: 'validation-failed',
        errors: [{ path: 'key', message: 'Too short' }, { bogus: true }],
      }),
    });
    const failure = await api.createExperiment({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiProblem);
    expect(failure).toMatchObject({
      status: 400,
      code: 'validation-failed',
      message: 'Invalid request: key.',
      errors: [{ path: 'key', message: 'Too short' }],
    });
  });

  it('reads the role from the API: admin when keys can be listed, else the role a 403 names', async () => {
    expect(await new ApiClient({ key: 'k', fetch: answering(200, { items: [] }) }).whoAmI()).toBe('admin');
    expect(
      await new ApiClient({ key: 'k', fetch: answering(403, { code: 'forbidden', role: 'analyst' }) }).whoAmI(),
    ).toBe('analyst');
    await expect(
      new ApiClient({
        key: 'k',
        fetch: answering(401, { code: 'unauthenticated', detail: 'The API key is unknown or revoked.' }),
      }).whoAmI(),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('follows the cursor through every page of experiments', async () => {
    const seen: string[] = [];
    const pages: Record<string, unknown> = {
      '': { items: [{ key: 'a' }, { key: 'b' }], nextCursor: '2' },
      '2': { items: [{ key: 'c' }], nextCursor: null },
    };
    const api = new ApiClient({
      key: 'k',
      fetch: async (url) => {
        seen.push(url);
        const cursor = new URL(url, 'http://lift').searchParams.get('cursor') ?? '';
        return new Response(JSON.stringify(pages[cursor]), { headers: { 'Content-Type': 'application/json' } });
      },
    });
    const experiments = await api.listAllExperiments({ status: 'running' });
    expect(experiments.map((experiment) => experiment.key)).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([
      '/v1/experiments?limit=200&status=running',
      '/v1/experiments?limit=200&status=running&cursor=2',
    ]);
  });

  it('reports an unreachable server as a problem with status 0', async () => {
    const api = new ApiClient({ key: 'k', fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(api.listExperiments()).rejects.toMatchObject({ status: 0, title: 'Network error' });
  });
});
