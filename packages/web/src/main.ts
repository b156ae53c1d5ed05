import { ApiClient } from './api-client.js';
import type { AppContext } from './app-context.js';
import { destroyCharts } from './charts.js';
import { h, replaceChildren } from './dom.js';
import { renderExperimentPage } from './experiment-view.js';
import { renderExperimentsList } from './experiments-list-view.js';
import { renderLogin } from './login-view.js';
import { renderNewExperiment } from './new-experiment-view.js';
import { parseRoute, type Route } from './routes.js';
import { clearSession, isAdmin, loadSession, type Session } from './session.js';

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
    isAdmin(session) ? h('a', { href: '#/new' }, 'New hypothesis') : null,
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
  const { content, title } = renderPage(context, parseRoute(location.hash));
  replaceChildren(main, content);
  document.title = `${title} · Lift`;
  main.querySelector<HTMLElement>('h1')?.focus();
}

/** The page a route names, and its title. */
function renderPage(context: AppContext, route: Route): { content: HTMLElement; title: string } {
  switch (route.page) {
    case 'list':
      return { content: renderExperimentsList(context, route.status), title: 'Experiments' };
    case 'experiment':
      return { content: renderExperimentPage(context, route.key), title: route.key };
    case 'new':
      return {
        content: isAdmin(context.session)
          ? renderNewExperiment(context)
          : h('p', { class: 'error-box' }, 'Defining hypotheses needs an admin key.'),
        title: 'New hypothesis',
      };
  }
}

window.addEventListener('hashchange', render);
render();
