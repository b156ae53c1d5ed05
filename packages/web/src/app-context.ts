import type { ApiClient } from './api-client.js';
import type { Session } from './session.js';

/** What every view needs: the API with the session's key, and navigation. */
export interface AppContext {
  readonly api: ApiClient;
  readonly session: Session;
  /** Goes to a `#/...` route. */
  navigate(hash: string): void;
  /** Shows a transient status message to everyone, screen readers included. */
  announce(message: string): void;
}
