import type { AppContext } from './app-context.js';
import type { Experiment, ExperimentStatus } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { EXPERIMENT_STATUSES } from './experiment-status.js';
import { formatInstant } from './format.js';
import { isAdmin } from './session.js';
import { overallVerdict } from './verdict.js';
import { dataTable, errorBox, problemMessage, scrollable, statusBadge, verdictBadge } from './widgets.js';

const HAS_RESULTS: ReadonlySet<ExperimentStatus> = new Set(['running', 'paused', 'stopped', 'archived']);
const PARALLEL_RESULT_REQUESTS = 4;
const COLUMNS = ['Experiment', 'Status', 'Owner', 'Started', 'Primary metric', 'Verdict'];

/** A row's verdict cell, filled in once that experiment's results arrive. */
interface PendingVerdict {
  readonly experiment: Experiment;
  readonly cell: HTMLElement;
}

/** Reads the results behind each verdict cell, a few at a time so a long list does not flood the API. */
async function fillVerdicts(context: AppContext, pending: readonly PendingVerdict[]): Promise<void> {
  const queue = [...pending];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { experiment, cell } = next;
      try {
        replaceChildren(cell, verdictBadge(overallVerdict(await context.api.results(experiment.key))));
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

/** The table of experiments, and the verdict cells still to fill (experiments that have results). */
function experimentsTable(experiments: readonly Experiment[]): { table: HTMLElement; pending: PendingVerdict[] } {
  const pending: PendingVerdict[] = [];
  const rows = experiments.map((experiment) => {
    const hasResults = HAS_RESULTS.has(experiment.status);
    const cell = h('td', {}, h('span', { class: 'muted' }, hasResults ? 'loading…' : 'not started'));
    if (hasResults) pending.push({ experiment, cell });
    return row(experiment, cell);
  });
  const table = scrollable(
    dataTable({
      className: 'experiments',
      caption: 'Experiments with their status, owner, start, primary metric and verdict',
      columns: COLUMNS,
      rows,
    }),
  );
  return { table, pending };
}

function statusFilter(context: AppContext, status: ExperimentStatus | undefined): HTMLSelectElement {
  const filter = h(
    'select',
    { id: 'status-filter', name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    ...EXPERIMENT_STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  filter.addEventListener('change', () => {
    context.navigate(filter.value === '' ? '#/' : `#/?status=${filter.value}`);
  });
  return filter;
}

/** Fills `body` with the experiments of `status` (all when undefined), then their verdicts. */
async function loadExperiments(
  context: AppContext,
  body: HTMLElement,
  status: ExperimentStatus | undefined,
): Promise<void> {
  try {
    const experiments = await context.api.listAllExperiments(status === undefined ? {} : { status });
    if (experiments.length === 0) {
      replaceChildren(
        body,
        h(
          'p',
          { class: 'card' },
          'No experiments yet.',
          isAdmin(context.session) ? ' Define the first hypothesis with “New hypothesis”.' : '',
        ),
      );
      return;
    }
    const { table, pending } = experimentsTable(experiments);
    replaceChildren(body, table);
    await fillVerdicts(context, pending);
  } catch (error) {
    replaceChildren(body, errorBox(error));
  } finally {
    body.setAttribute('aria-busy', 'false');
  }
}

/** Every experiment at a glance: status, owner, start, primary metric and the verdict so far. */
export function renderExperimentsList(context: AppContext, status: ExperimentStatus | undefined): HTMLElement {
  const body = h(
    'div',
    { 'aria-live': 'polite', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading experiments…'),
  );
  const filter = statusFilter(context, status);
  void loadExperiments(context, body, status);
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Experiments'),
      h('div', { class: 'inline-field' }, h('label', { for: 'status-filter' }, 'Status'), filter),
      isAdmin(context.session) ? h('a', { class: 'button primary', href: '#/new' }, 'New hypothesis') : null,
    ),
    body,
  );
}
