import { ApiClient } from './api-client.js';
import { h } from './dom.js';
import { saveSession, type Session } from './session.js';
import { problemMessage } from './widgets.js';

/** The key is asked for once per tab; the role decides which controls the pages show. */
export function renderLogin(onSignedIn: (session: Session) => void): HTMLElement {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'api-key-help api-key-error',
  });
  const error = h('p', { id: 'api-key-error', class: 'field-error', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card login', novalidate: true },
    h('h1', { tabindex: '-1' }, 'Sign in to Lift'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'api-key' }, 'API key'),
      input,
      h(
        'p',
        { id: 'api-key-help', class: 'help' },
        'An admin or analyst key. It stays in this browser tab only (sessionStorage) and is sent to this server alone.',
      ),
      error,
    ),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === '') {
      error.textContent = 'Enter an API key.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    button.disabled = true;
    error.textContent = '';
    new ApiClient({ key })
      .whoAmI()
      .then((role) => {
        if (role === 'sdk')
          throw new Error('This is an SDK key: it cannot read experiments. Use an admin or analyst key.');
        const session = { key, role };
        saveSession(sessionStorage, session);
        onSignedIn(session);
      })
      .catch((failure: unknown) => {
        error.textContent = problemMessage(failure);
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}
