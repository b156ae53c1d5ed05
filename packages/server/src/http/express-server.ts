/**
 * Requests built with the app's prototypes: the HTTP server every Lift process listens with
 * (`startServer`, the benches, the test app).
 *
 * What it buys (bench:assignments, returning assignments at 2,000 req/s): p99 9-26 ms -> 4.5-6.5 ms
 * once requests and responses are born with the app's prototypes; then 4.5-6.5 ms -> 1.6-2.6 ms and
 * server CPU ~300 -> ~170-215 µs per request once their constructors run Node's own on the new
 * object rather than Reflect.construct with a new target (~15 µs per object).
 */
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * An HTTP server for an Express app whose requests and responses are born with the app's own
 * prototypes (`app.request`, `app.response`), through `createServer`'s `IncomingMessage` and
 * `ServerResponse` options.
 *
 * Express gives every request and response those prototypes itself (`Object.setPrototypeOf` in
 * `app.handle`). Changing the prototype of a live object makes V8 keep a good share of each
 * request's objects alive through young-generation collections. On this machine, an Express
 * hello-JSON endpoint at 2,000 req/s (the assignment bench's load): ~48% of allocated bytes survive
 * each scavenge, 6-8 ms pauses, p99 6.5-7.8 ms, 180-210 µs CPU per request. On an object that
 * already has the prototype the call changes nothing: ~0.3% survive, pauses under 1 ms, p99
 * 0.8-1.1 ms, ~100 µs per request.
 *
 * @example
 * const server = createExpressServer(lift.app).listen(8080);
 */
export function createExpressServer(app: Express): Server {
  // Constructors in the style of Node's own (plain functions that run the parent's body on
  // `this`), so that `new` gives each instance the prototype assigned here. Building them with
  // Reflect.construct and a new target instead costs ~15 µs per object in V8, a class cannot take
  // an existing object as its prototype, and replacing `app.request` would change the app.
  function AppRequest(this: IncomingMessage, ...args: unknown[]): void {
    Reflect.apply(IncomingMessage, this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: ServerResponse, ...args: unknown[]): void {
    Reflect.apply(ServerResponse, this, args);
  }
  AppResponse.prototype = app.response;
  return createServer(
    {
      IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
      ServerResponse: AppResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}
