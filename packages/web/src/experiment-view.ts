import type { AppContext } from './app-context.js';
import type {
  Experiment,
  ExperimentResults,
  ExperimentStatus,
  ExperimentTimeseries,
  Transition,
  VariantResult,
} from './api-types.js';
import { destroyCharts, drawLiftChart, drawRateChart, drawTimeseriesChart } from './charts.js';
import { h, replaceChildren } from './dom.js';
import {
  formatBasisPoints,
  formatCount,
  formatInstant,
  formatInterval,
  formatPercent,
  formatPValue,
  formatSignedPercent,
} from './format.js';
import { describeRate, describeSampleRatio, describeVerdict, overallVerdict } from './verdict.js';
import { errorBox, problemMessage, section, statusBadge, verdictBadge } from './widgets.js';

/** The lifecycle moves offered from each status (the server enforces the state machine). */
const ACTIONS: Readonly<Record<ExperimentStatus, readonly { action: Transition; label: string }[]>> = {
  draft: [{ action: 'start', label: 'Start' }],
  running: [
    { action: 'pause', label: 'Pause' },
    { action: 'stop', label: 'Stop' },
  ],
  paused: [
    { action: 'resume', label: 'Resume' },
    { action: 'stop', label: 'Stop' },
  ],
  stopped: [{ action: 'archive', label: 'Archive' }],
  archived: [],
};
const CHART_ROW_HEIGHT = 56;
const CHART_PADDING = 60;

function definitionList(entries: readonly [string, Node | string][]): HTMLElement {
  return h('dl', { class: 'facts' }, ...entries.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function describeTargeting(targeting: Readonly<Record<string, unknown>>): Node {
  if (Object.keys(targeting).length === 0) return h('p', {}, 'Everyone (no targeting condition).');
  return h(
    'pre',
    { class: 'code', tabindex: '0', 'aria-label': 'Targeting condition (JSON)' },
    JSON.stringify(targeting, null, 2),
  );
}

function variantsTable(experiment: Experiment): HTMLElement {
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, 'Variants and their traffic weights'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Variant', 'Weight', 'Description', 'Payload'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...experiment.variants.map((variant, index) =>
        h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row', class: 'mono' },
            variant.key,
            index === 0 ? h('span', { class: 'muted' }, ' (control)') : null,
          ),
          h('td', {}, formatBasisPoints(variant.weight)),
          h('td', {}, variant.description ?? '—'),
          h('td', { class: 'mono' }, variant.payload === undefined ? '—' : JSON.stringify(variant.payload)),
        ),
      ),
    ),
  );
}

function chartFigure(
  id: string,
  caption: string,
  summary: string,
  rows: number,
): { figure: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': summary });
  const figure = h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, caption),
    h('div', { class: 'chart-box', style: `height: ${rows * CHART_ROW_HEIGHT + CHART_PADDING}px` }, canvas),
  );
  return { figure, canvas };
}

function resultsTable(results: ExperimentResults): HTMLElement {
  const cell = (variant: VariantResult, read: (v: VariantResult) => string | undefined) =>
    h('td', {}, read(variant) ?? '—');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'numbers' },
      h('caption', { class: 'visually-hidden' }, `Results for ${results.metric}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            'Variant',
            'Units',
            'Converted',
            'Rate (95% interval)',
            'Relative lift (95% interval)',
            'p (fixed)',
            'p (always valid)',
            'Chance to beat control',
          ].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        ...results.variants.map((variant) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', class: 'mono' }, variant.key),
            cell(variant, (v) => formatCount(v.units)),
            cell(variant, (v) => formatCount(v.conversions)),
            cell(variant, (v) => describeRate(v)),
            cell(variant, (v) =>
              v.liftRel === undefined
                ? undefined
                : `${formatSignedPercent(v.liftRel.estimate)} (${formatInterval(v.liftRel.ci)})`,
            ),
            cell(variant, (v) => (v.pValue === undefined ? undefined : formatPValue(v.pValue))),
            cell(variant, (v) => (v.pValueSequential === undefined ? undefined : formatPValue(v.pValueSequential))),
            cell(variant, (v) =>
              v.chanceToBeatControl === undefined ? undefined : formatPercent(v.chanceToBeatControl),
            ),
          ),
        ),
      ),
    ),
  );
}

function describePower(results: ExperimentResults): string {
  const power = results.power;
  if (power === undefined || power.unitsNeeded === 0 || power.mdeRel === 0)
    return 'Power cannot be estimated until the control converts.';
  return `With the units so far, a relative lift of ${formatPercent(power.mdeRel)} would be detected 80% of the time; detecting a 5% lift needs about ${formatCount(power.unitsNeeded)} units per variant.`;
}

/** Renders results into `container` and draws its charts (the canvases must be in the document). */
function renderResults(
  container: HTMLElement,
  results: ExperimentResults,
  series: ExperimentTimeseries | null,
  seriesError: unknown,
): void {
  const [control, ...treatments] = results.variants;
  const srmWarning = describeSampleRatio(results);
  const { verdict, variant } = overallVerdict(results);
  const rate = chartFigure(
    'rate-chart',
    'Conversion rate per variant: bar = 95% interval, tick = observed rate',
    `Conversion rate per variant. ${results.variants.map((v) => `${v.key}: ${describeRate(v)}`).join('; ')}.`,
    results.variants.length,
  );
  const lift =
    treatments.length === 0
      ? null
      : chartFigure(
          'lift-chart',
          'Relative lift over the control: bar = 95% interval, tick = estimate, dark line = no change',
          `Relative lift over ${control?.key ?? 'control'}. ${treatments.map((t) => `${t.key}: ${t.liftRel === undefined ? 'n/a' : `${formatSignedPercent(t.liftRel.estimate)} (${formatInterval(t.liftRel.ci)})`}`).join('; ')}.`,
          treatments.length,
        );
  const timeline =
    series === null
      ? null
      : chartFigure(
          'timeseries-chart',
          'Cumulative conversion rate per variant, by day (UTC)',
          `Cumulative conversion rate per day for ${series.variants.map((v) => v.key).join(', ')}.`,
          5,
        );
  const excluded = results.multipleExposures.units;
  replaceChildren(
    container,
    srmWarning === null
      ? null
      : h(
          'div',
          { class: 'srm-warning', role: 'alert' },
          h('strong', {}, 'Warning: sample ratio mismatch. '),
          srmWarning,
        ),
    h(
      'div',
      { class: 'verdict-panel', id: 'verdict' },
      h('h3', {}, 'Verdict ', verdictBadge(verdict, variant)),
      ...(control === undefined
        ? [h('p', {}, 'No variants.')]
        : treatments.map((t) => h('p', { class: 'verdict-text' }, describeVerdict(t, control)))),
    ),
    h(
      'p',
      { class: excluded > 0 ? 'notice' : 'muted', id: 'multiple-exposures' },
      excluded === 1
        ? '1 unit saw more than one variant and is excluded from the analysis.'
        : `${formatCount(excluded)} units saw more than one variant and are excluded from the analysis.`,
      results.overrides !== undefined && results.overrides.units > 0
        ? ` ${formatCount(results.overrides.units)} units with a forced override (QA) are excluded too.`
        : '',
    ),
    h('div', { class: 'charts' }, rate.figure, lift?.figure ?? null),
    timeline?.figure ??
      (seriesError === null
        ? null
        : h('p', { class: 'notice' }, `The time series is unavailable: ${problemMessage(seriesError)}`)),
    resultsTable(results),
    h('p', { class: 'muted' }, describePower(results), ` Computed ${formatInstant(results.generatedAt)}.`),
  );
  drawRateChart(rate.canvas, results.variants);
  if (lift !== null) drawLiftChart(lift.canvas, treatments);
  if (timeline !== null && series !== null) drawTimeseriesChart(timeline.canvas, series);
}

function resultsSection(context: AppContext, experiment: Experiment): HTMLElement {
  const metrics = [experiment.metrics.primary, ...experiment.metrics.guardrails];
  const container = h('div', { 'aria-live': 'polite' });
  const select = h(
    'select',
    { id: 'metric-select', name: 'metric' },
    ...metrics.map((m, i) => h('option', { value: m }, i === 0 ? `${m} (primary)` : `${m} (guardrail)`)),
  );
  const refresh = h('button', { type: 'button', id: 'refresh-results' }, 'Refresh results');
  const load = async (): Promise<void> => {
    container.setAttribute('aria-busy', 'true');
    refresh.disabled = true;
    try {
      const metric = select.value;
      const [results, series] = await Promise.all([
        context.api.results(experiment.key, metric),
        context.api.timeseries(experiment.key, metric).then(
          (value) => ({ value, error: null }),
          (error: unknown) => ({ value: null, error }),
        ),
      ]);
      destroyCharts();
      renderResults(container, results, series.value, series.error);
    } catch (error) {
      destroyCharts();
      replaceChildren(container, errorBox(error));
    } finally {
      container.setAttribute('aria-busy', 'false');
      refresh.disabled = false;
    }
  };
  select.addEventListener('change', () => void load());
  refresh.addEventListener('click', () => void load());
  const element = section(
    'results',
    'Results',
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'inline-field' }, h('label', { for: 'metric-select' }, 'Metric'), select),
      refresh,
    ),
    container,
  );
  if (experiment.status === 'draft') {
    replaceChildren(
      container,
      h('p', { class: 'muted' }, 'Not started yet: results appear once the experiment runs and units are exposed.'),
    );
  } else {
    // Charts size themselves from the document, so draw after this section is attached.
    queueMicrotask(() => void load());
  }
  return element;
}

function lifecycleControls(
  context: AppContext,
  experiment: Experiment,
  rerender: (experiment: Experiment) => void,
): HTMLElement | null {
  if (context.session.role !== 'admin') return null;
  const actions = ACTIONS[experiment.status];
  if (actions.length === 0) return null;
  const error = h('p', { class: 'field-error', 'aria-live': 'polite' });
  const buttons = actions.map(({ action, label }) =>
    h(
      'button',
      {
        type: 'button',
        class: action === 'start' || action === 'resume' ? 'primary' : action === 'stop' ? 'danger' : '',
        'data-action': action,
        onclick: (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          button.disabled = true;
          context.api
            .transition(experiment.key, action)
            .then((updated) => {
              context.announce(`${updated.name} is now ${updated.status}.`);
              rerender(updated);
            })
            .catch((failure: unknown) => {
              error.textContent = problemMessage(failure);
              button.disabled = false;
            });
        },
      },
      label,
    ),
  );
  return h('div', { class: 'lifecycle', role: 'group', 'aria-label': 'Lifecycle' }, ...buttons, error);
}

function renderExperiment(context: AppContext, root: HTMLElement, experiment: Experiment): void {
  destroyCharts();
  const rerender = (updated: Experiment) => {
    renderExperiment(context, root, updated);
    root.querySelector<HTMLElement>('.lifecycle button, h1')?.focus();
  };
  replaceChildren(
    root,
    h('p', {}, h('a', { href: '#/' }, '← All experiments')),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, experiment.name),
      h('span', { id: 'experiment-status' }, statusBadge(experiment.status)),
      lifecycleControls(context, experiment, rerender),
    ),
    h(
      'blockquote',
      { class: 'hypothesis' },
      h('span', { class: 'visually-hidden' }, 'Hypothesis: '),
      experiment.hypothesis,
    ),
    resultsSection(context, experiment),
    section(
      'definition',
      'Definition',
      definitionList([
        ['Key', h('span', { class: 'mono' }, experiment.key)],
        ['Owner', experiment.owner ?? '—'],
        ['Primary metric', h('span', { class: 'mono' }, experiment.metrics.primary)],
        ['Guardrails', experiment.metrics.guardrails.length === 0 ? '—' : experiment.metrics.guardrails.join(', ')],
        ['Conversion window', `${experiment.metrics.conversionWindowHours} hours`],
        ['Coverage', formatBasisPoints(experiment.coverage)],
        ['Unit attribute', h('span', { class: 'mono' }, experiment.unitAttribute)],
        ['Sticky', experiment.sticky ? 'yes' : 'no'],
        ['Started', formatInstant(experiment.startedAt)],
        ['Stopped', formatInstant(experiment.stoppedAt)],
        ['Version', String(experiment.version)],
      ]),
      experiment.description === null ? null : h('p', {}, experiment.description),
    ),
    section('variants', 'Variants and weights', variantsTable(experiment)),
    section('targeting', 'Targeting', describeTargeting(experiment.targeting)),
  );
}

/** One experiment: hypothesis, definition, lifecycle buttons (admins) and results with charts. */
export function renderExperimentPage(context: AppContext, key: string): HTMLElement {
  const root = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  context.api.getExperiment(key).then(
    (experiment) => {
      renderExperiment(context, root, experiment);
      root.querySelector<HTMLElement>('h1')?.focus();
    },
    (error: unknown) =>
      replaceChildren(
        root,
        h('p', {}, h('a', { href: '#/' }, '← All experiments')),
        h('h1', { tabindex: '-1' }, key),
        errorBox(error),
      ),
  );
  return root;
}
