import { ApiProblem } from './api-client.js';
import type { ExperimentStatus, Verdict } from './api-types.js';
import { h } from './dom.js';
import { VERDICT_LABELS } from './verdict.js';

export function statusBadge(status: ExperimentStatus): HTMLElement {
  return h('span', { class: `badge status-${status}` }, status);
}

/** The verdict, naming the variant it is about when there is one (`Winning: treatment`). */
export function verdictBadge(options: { verdict: Verdict; variant: string | null }): HTMLElement {
  const label = VERDICT_LABELS[options.verdict];
  return h(
    'span',
    { class: `badge verdict-${options.verdict}` },
    options.variant === null ? label : `${label}: ${options.variant}`,
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

/** The way back to the list, above every page but the list itself. */
export function backLink(): HTMLElement {
  return h('p', {}, h('a', { href: '#/' }, '← All experiments'));
}

/** A table with a caption for assistive technology, a header per column, and its rows. */
export function dataTable(options: {
  caption: string;
  columns: readonly string[];
  rows: readonly HTMLElement[];
  className?: string;
}): HTMLElement {
  return h(
    'table',
    { class: options.className },
    h('caption', { class: 'visually-hidden' }, options.caption),
    h('thead', {}, h('tr', {}, ...options.columns.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, ...options.rows),
  );
}

/** Lets a wide table scroll sideways on its own, instead of the page. */
export function scrollable(table: HTMLElement): HTMLElement {
  return h('div', { class: 'table-scroll' }, table);
}
