/**
 * `@lift/sdk` as browsers get it (the `browser` export condition): the same API, with a client
 * whose config stream is the browser's own EventSource instead of fetch and an SSE parser.
 */
export * from './index.js';
export { createClient } from './client/create-browser-client.js';
