import http from 'node:http';

export interface ServerSentEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: string;
}

/** A minimal SSE reader for tests: collects events and comments, waits for one that matches. */
export interface SseConnection {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: ServerSentEvent[];
  readonly comments: string[];
  readonly ended: Promise<void>;
  next(predicate: (event: ServerSentEvent) => boolean, timeoutMs: number): Promise<ServerSentEvent>;
  waitForComment(text: string, timeoutMs: number): Promise<void>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      const events: ServerSentEvent[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
          let event = 'message';
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice('event: '.length);
            else if (line.startsWith('id: ')) id = line.slice('id: '.length);
            else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
          }
          if (data.length > 0) events.push({ event, id, data: data.join('\n') });
          for (const waiter of waiters) waiter();
        }
      });
      const ended = new Promise<void>((done) => {
        response.on('end', () => done());
        response.on('close', () => done());
      });
      const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
        new Promise((done, fail) => {
          const attempt = () => {
            const found = check();
            if (found === undefined) return;
            waiters.delete(attempt);
            clearTimeout(timer);
            done(found);
          };
          const timer = setTimeout(() => {
            waiters.delete(attempt);
            fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
          }, timeoutMs);
          waiters.add(attempt);
          attempt();
        });
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        comments,
        ended,
        next: (predicate, timeoutMs) => waitUntil(() => events.find(predicate), timeoutMs, 'an event'),
        waitForComment: async (text, timeoutMs) => {
          await waitUntil(() => (comments.includes(text) ? true : undefined), timeoutMs, `comment ${text}`);
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}
