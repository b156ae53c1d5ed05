import { ApiProblem } from './api-client.js';
import type { ExperimentStatus, Verdict } from './api-types.js';
import { h } from './dom.js';
import { VERDICT_LABELS } from './verdict.js';

export function statusBadge(status: ExperimentStatus): HTMLElement {
  return h('span', { class: `badge status-${status}` }, status);
}

export function verdictBadge(verdict: Verdict, variant: string | null = null): HTMLElement {
  return h(
    'span',
    { class: `badge verdict-${verdict}` },
    variant === null ? VERDICT_LABELS[verdict] : `${VERDICT_LABELS[verdict]}: ${variant}`,
  );
}

/** A failure the user should see, with what the API said. */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiProblem)
    return error.status === 0 ? error.message : `${error.title} (${error.status}): ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function errorBox(error: unknown): HTMLElement {
  return h('p', { class: 'error-box', role: 'alert' }, problemMessage(error));
}

/** A headed page section whose heading labels it for assistive technology. */
export function section(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': `${id}-heading`, class: 'card' },
    h('h2', { id: `${id}-heading` }, title),
    ...children,
  );
}
