import type { AppContext } from './app-context.js';
import type { Experiment, ExperimentStatus } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { formatInstant } from './format.js';
import { overallVerdict } from './verdict.js';
import { errorBox, problemMessage, statusBadge, verdictBadge } from './widgets.js';

const STATUSES: readonly ExperimentStatus[] = ['draft', 'running', 'paused', 'stopped', 'archived'];
const HAS_RESULTS: ReadonlySet<ExperimentStatus> = new Set(['running', 'paused', 'stopped', 'archived']);
const PARALLEL_RESULT_REQUESTS = 4;

async function fillVerdicts(
  context: AppContext,
  cells: readonly { experiment: Experiment; cell: HTMLElement }[],
): Promise<void> {
  const queue = [...cells];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { experiment, cell } = next;
      try {
        const { verdict, variant } = overallVerdict(await context.api.results(experiment.key));
        replaceChildren(cell, verdictBadge(verdict, variant));
      } catch (error) {
        replaceChildren(cell, h('span', { class: 'muted', title: problemMessage(error) }, 'unavailable'));
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_RESULT_REQUESTS }, worker));
}

function row(experiment: Experiment, verdictCell: HTMLElement): HTMLElement {
  return h(
    'tr',
    {},
    h(
      'th',
      { scope: 'row' },
      h('a', { href: `#/experiments/${encodeURIComponent(experiment.key)}` }, experiment.name),
      h('div', { class: 'muted mono' }, experiment.key),
    ),
    h('td', {}, statusBadge(experiment.status)),
    h('td', {}, experiment.owner ?? '—'),
    h('td', {}, formatInstant(experiment.startedAt)),
    h('td', { class: 'mono' }, experiment.metrics.primary),
    verdictCell,
  );
}

/** Every experiment at a glance: status, owner, start, primary metric and the verdict so far. */
export function renderExperimentsList(context: AppContext, status: ExperimentStatus | undefined): HTMLElement {
  const body = h(
    'div',
    { 'aria-live': 'polite', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading experiments…'),
  );
  const filter = h(
    'select',
    { id: 'status-filter', name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    ...STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  filter.addEventListener('change', () => {
    context.navigate(filter.value === '' ? '#/' : `#/?status=${filter.value}`);
  });
  const page = h(
    'div',
    {},
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Experiments'),
      h('div', { class: 'inline-field' }, h('label', { for: 'status-filter' }, 'Status'), filter),
      context.session.role === 'admin' ? h('a', { class: 'button primary', href: '#/new' }, 'New hypothesis') : null,
    ),
    body,
  );

  void (async () => {
    try {
      const experiments: Experiment[] = [];
      let cursor: string | undefined = undefined;
      do {
        const pageOfItems = await context.api.listExperiments({
          ...(status === undefined ? {} : { status }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        experiments.push(...pageOfItems.items);
        cursor = pageOfItems.nextCursor ?? undefined;
      } while (cursor !== undefined);
      if (experiments.length === 0) {
        replaceChildren(
          body,
          h(
            'p',
            { class: 'card' },
            'No experiments yet.',
            context.session.role === 'admin' ? ' Define the first hypothesis with “New hypothesis”.' : '',
          ),
        );
        return;
      }
      const pending: { experiment: Experiment; cell: HTMLElement }[] = [];
      const rows = experiments.map((experiment) => {
        const cell = h(
          'td',
          {},
          HAS_RESULTS.has(experiment.status)
            ? h('span', { class: 'muted' }, 'loading…')
            : h('span', { class: 'muted' }, 'not started'),
        );
        if (HAS_RESULTS.has(experiment.status)) pending.push({ experiment, cell });
        return row(experiment, cell);
      });
      replaceChildren(
        body,
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'experiments' },
            h(
              'caption',
              { class: 'visually-hidden' },
              'Experiments with their status, owner, start, primary metric and verdict',
            ),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Experiment', 'Status', 'Owner', 'Started', 'Primary metric', 'Verdict'].map((title) =>
                  h('th', { scope: 'col' }, title),
                ),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
        ),
      );
      await fillVerdicts(context, pending);
    } catch (error) {
      replaceChildren(body, errorBox(error));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  })();
  return page;
}
