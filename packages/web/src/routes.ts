import type { ExperimentStatus } from './api-types.js';
import { isExperimentStatus } from './experiment-status.js';

/** The UI's pages, addressed by the URL fragment so the server serves one static file. */
export type Route =
  { page: 'list'; status: ExperimentStatus | undefined } | { page: 'experiment'; key: string } | { page: 'new' };

/** `#/`, `#/?status=running`, `#/experiments/<key>`, `#/new`; anything else is the list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const [pathname = '/', query = ''] = path.split('?', 2);
  const experiment = /^\/experiments\/([^/]+)$/.exec(pathname);
  if (experiment?.[1] !== undefined) {
    try {
      return { page: 'experiment', key: decodeURIComponent(experiment[1]) };
    } catch {
      return { page: 'list', status: undefined };
    }
  }
  if (pathname === '/new') return { page: 'new' };
  const status = new URLSearchParams(query).get('status');
  return { page: 'list', status: status !== null && isExperimentStatus(status) ? status : undefined };
}
