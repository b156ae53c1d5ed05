/**
 * The absolute path of the built web UI (`dist/ui`: `index.html`, `app.js`, `app.css`), which
 * the server serves at `/ui`. It holds files once `pnpm --filter @lift/web build` has run.
 *
 * @example
 * app.use('/ui', express.static(webUiDirectory()));
 */
export declare function webUiDirectory(): string;
