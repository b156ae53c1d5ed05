import { ApiClient } from './api-client.js';
import type { AppContext } from './app-context.js';
import type { ExperimentStatus } from './api-types.js';
import { destroyCharts } from './charts.js';
import { h, replaceChildren } from './dom.js';
import { renderExperimentPage } from './experiment-view.js';
import { renderExperimentsList } from './experiments-list-view.js';
import { renderLogin } from './login-view.js';
import { renderNewExperiment } from './new-experiment-view.js';
import { parseRoute } from './routes.js';
import { clearSession, loadSession, type Session } from './session.js';

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;

function announce(message: string): void {
  status.textContent = message;
}

function renderNav(session: Session | null): void {
  if (session === null) {
    replaceChildren(nav);
    return;
  }
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  signOut.addEventListener('click', () => {
    clearSession(sessionStorage);
    location.hash = '#/';
    render();
  });
  replaceChildren(
    nav,
    h('a', { href: '#/' }, 'Experiments'),
    session.role === 'admin' ? h('a', { href: '#/new' }, 'New hypothesis') : null,
    h('span', { class: 'role' }, `Signed in (${session.role})`),
    signOut,
  );
}

function render(): void {
  destroyCharts();
  const session = loadSession(sessionStorage);
  renderNav(session);
  if (session === null) {
    replaceChildren(
      main,
      renderLogin(() => render()),
    );
    main.querySelector<HTMLElement>('#api-key')?.focus();
    return;
  }
  const context: AppContext = {
    api: new ApiClient({ key: session.key }),
    session,
    navigate(hash) {
      if (location.hash === hash) render();
      else location.hash = hash;
    },
    announce,
  };
  const route = parseRoute(location.hash);
  switch (route.page) {
    case 'list':
      replaceChildren(main, renderExperimentsList(context, route.status as ExperimentStatus | undefined));
      document.title = 'Experiments · Lift';
      break;
    case 'experiment':
      replaceChildren(main, renderExperimentPage(context, route.key));
      document.title = `${route.key} · Lift`;
      break;
    case 'new':
      replaceChildren(
        main,
        session.role === 'admin'
          ? renderNewExperiment(context)
          : h('p', { class: 'error-box' }, 'Defining hypotheses needs an admin key.'),
      );
      document.title = 'New hypothesis · Lift';
      break;
  }
  main.querySelector<HTMLElement>('h1')?.focus();
}

window.addEventListener('hashchange', render);
render();
