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
  formatEstimate,
  formatInstant,
  formatPercent,
  formatPValue,
} from './format.js';
import { isAdmin } from './session.js';
import { describeRate, describeSampleRatio, describeVerdict, overallVerdict } from './verdict.js';
import {
  backLink,
  dataTable,
  errorBox,
  problemMessage,
  scrollable,
  section,
  statusBadge,
  verdictBadge,
} from './widgets.js';

/** A lifecycle button: the move it asks for, its label, and how loudly it is drawn. */
interface LifecycleAction {
  readonly action: Transition;
  readonly label: string;
  readonly tone: 'primary' | 'danger' | '';
}

const START: LifecycleAction = { action: 'start', label: 'Start', tone: 'primary' };
const PAUSE: LifecycleAction = { action: 'pause', label: 'Pause', tone: '' };
const RESUME: LifecycleAction = { action: 'resume', label: 'Resume', tone: 'primary' };
const STOP: LifecycleAction = { action: 'stop', label: 'Stop', tone: 'danger' };
const ARCHIVE: LifecycleAction = { action: 'archive', label: 'Archive', tone: '' };

/** The lifecycle moves offered from each status (the server enforces the state machine). */
const ACTIONS: Readonly<Record<ExperimentStatus, readonly LifecycleAction[]>> = {
  draft: [START],
  running: [PAUSE, STOP],
  paused: [RESUME, STOP],
  stopped: [ARCHIVE],
  archived: [],
};
const CHART_ROW_HEIGHT = 56;
const CHART_PADDING = 60;
const TIMESERIES_CHART_ROWS = 5;
const RESULT_COLUMNS = [
  'Variant',
  'Units',
  'Converted',
  'Rate (95% interval)',
  'Relative lift (95% interval)',
  'p (fixed)',
  'p (always valid)',
  'Chance to beat control',
];

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
  return dataTable({
    caption: 'Variants and their traffic weights',
    columns: ['Variant', 'Weight', 'Description', 'Payload'],
    rows: experiment.variants.map((variant, index) =>
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
  });
}

/** A captioned chart whose canvas is described for screen readers by `summary`. */
function chartFigure(options: { id: string; caption: string; summary: string; rows: number }): {
  figure: HTMLElement;
  canvas: HTMLCanvasElement;
} {
  const canvas = h('canvas', { id: options.id, role: 'img', 'aria-label': options.summary });
  const figure = h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, options.caption),
    h('div', { class: 'chart-box', style: `height: ${options.rows * CHART_ROW_HEIGHT + CHART_PADDING}px` }, canvas),
  );
  return { figure, canvas };
}

function resultsTable(results: ExperimentResults): HTMLElement {
  const cell = (text: string | undefined) => h('td', {}, text ?? '—');
  const optional = (value: number | undefined, format: (value: number) => string) =>
    value === undefined ? undefined : format(value);
  return scrollable(
    dataTable({
      className: 'numbers',
      caption: `Results for ${results.metric}`,
      columns: RESULT_COLUMNS,
      rows: results.variants.map((variant) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row', class: 'mono' }, variant.key),
          cell(formatCount(variant.units)),
          cell(formatCount(variant.conversions)),
          cell(describeRate(variant)),
          cell(variant.liftRel === undefined ? undefined : formatEstimate(variant.liftRel)),
          cell(optional(variant.pValue, formatPValue)),
          cell(optional(variant.pValueSequential, formatPValue)),
          cell(optional(variant.chanceToBeatControl, formatPercent)),
        ),
      ),
    }),
  );
}

function describePower(results: ExperimentResults): string {
  const { power } = results;
  if (power.unitsNeeded === 0 || power.mdeRel === 0) return 'Power cannot be estimated until the control converts.';
  return `With the units so far, a relative lift of ${formatPercent(power.mdeRel)} would be detected 80% of the time; detecting a 5% lift needs about ${formatCount(power.unitsNeeded)} units per variant.`;
}

function sampleRatioWarning(results: ExperimentResults): HTMLElement | null {
  const warning = describeSampleRatio(results);
  if (warning === null) return null;
  return h(
    'div',
    { class: 'srm-warning', role: 'alert' },
    h('strong', {}, 'Warning: sample ratio mismatch. '),
    warning,
  );
}

function verdictPanel(results: ExperimentResults): HTMLElement {
  const [control, ...treatments] = results.variants;
  return h(
    'div',
    { class: 'verdict-panel', id: 'verdict' },
    h('h3', {}, 'Verdict ', verdictBadge(overallVerdict(results))),
    ...(control === undefined
      ? [h('p', {}, 'No variants.')]
      : treatments.map((treatment) => h('p', { class: 'verdict-text' }, describeVerdict(treatment, control)))),
  );
}

/** The units left out of the analysis, and why. */
function exclusionsNotice(results: ExperimentResults): HTMLElement {
  const excluded = results.multipleExposures.units;
  const overrides = results.overrides.units;
  return h(
    'p',
    { class: excluded > 0 ? 'notice' : 'muted', id: 'multiple-exposures' },
    excluded === 1
      ? '1 unit saw more than one variant and is excluded from the analysis.'
      : `${formatCount(excluded)} units saw more than one variant and are excluded from the analysis.`,
    overrides > 0 ? ` ${formatCount(overrides)} units with a forced override (QA) are excluded too.` : '',
  );
}

function rateFigure(variants: readonly VariantResult[]): ReturnType<typeof chartFigure> {
  return chartFigure({
    id: 'rate-chart',
    caption: 'Conversion rate per variant: bar = 95% interval, tick = observed rate',
    summary: `Conversion rate per variant. ${variants.map((v) => `${v.key}: ${describeRate(v)}`).join('; ')}.`,
    rows: variants.length,
  });
}

function liftFigure(options: {
  control: VariantResult | undefined;
  treatments: readonly VariantResult[];
}): ReturnType<typeof chartFigure> {
  const { control, treatments } = options;
  const lifts = treatments.map((t) => `${t.key}: ${t.liftRel === undefined ? 'n/a' : formatEstimate(t.liftRel)}`);
  return chartFigure({
    id: 'lift-chart',
    caption: 'Relative lift over the control: bar = 95% interval, tick = estimate, dark line = no change',
    summary: `Relative lift over ${control?.key ?? 'control'}. ${lifts.join('; ')}.`,
    rows: treatments.length,
  });
}

function timeseriesFigure(series: ExperimentTimeseries): ReturnType<typeof chartFigure> {
  return chartFigure({
    id: 'timeseries-chart',
    caption: 'Cumulative conversion rate per variant, by day (UTC)',
    summary: `Cumulative conversion rate per day for ${series.variants.map((v) => v.key).join(', ')}.`,
    rows: TIMESERIES_CHART_ROWS,
  });
}

/** What the results section shows: the results, and the time series or why it is missing. */
interface ResultsView {
  readonly results: ExperimentResults;
  readonly series: ExperimentTimeseries | null;
  readonly seriesError: unknown;
}

/** Renders results into `container` and draws its charts (the canvases must be in the document). */
function renderResults(container: HTMLElement, view: ResultsView): void {
  const { results, series, seriesError } = view;
  const [control, ...treatments] = results.variants;
  const rate = rateFigure(results.variants);
  const lift = treatments.length === 0 ? null : liftFigure({ control, treatments });
  const timeline = series === null ? null : timeseriesFigure(series);
  replaceChildren(
    container,
    sampleRatioWarning(results),
    verdictPanel(results),
    exclusionsNotice(results),
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

/** The results of one metric, with the time series when it can be read (it is not required). */
async function readResults(context: AppContext, key: string, metric: string): Promise<ResultsView> {
  const [results, series] = await Promise.all([
    context.api.results(key, metric),
    context.api.timeseries(key, metric).then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: null, error }),
    ),
  ]);
  return { results, series: series.value, seriesError: series.error };
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
      const view = await readResults(context, experiment.key, select.value);
      destroyCharts();
      renderResults(container, view);
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
  if (!isAdmin(context.session)) return null;
  const actions = ACTIONS[experiment.status];
  if (actions.length === 0) return null;
  const error = h('p', { class: 'field-error', 'aria-live': 'polite' });
  const buttons = actions.map(({ action, label, tone }) =>
    h(
      'button',
      {
        type: 'button',
        class: tone,
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

function definitionSection(experiment: Experiment): HTMLElement {
  const { metrics } = experiment;
  return section(
    'definition',
    'Definition',
    definitionList([
      ['Key', h('span', { class: 'mono' }, experiment.key)],
      ['Owner', experiment.owner ?? '—'],
      ['Primary metric', h('span', { class: 'mono' }, metrics.primary)],
      ['Secondary metrics', metrics.secondary.length === 0 ? '—' : metrics.secondary.join(', ')],
      ['Guardrails', metrics.guardrails.length === 0 ? '—' : metrics.guardrails.join(', ')],
      [
        'Conversion window',
        metrics.conversionWindowHours === undefined ? "each metric's own" : `${metrics.conversionWindowHours} hours`,
      ],
      ['Coverage', formatBasisPoints(experiment.coverage)],
      ['Unit attribute', h('span', { class: 'mono' }, experiment.unitAttribute)],
      ['Sticky', experiment.sticky ? 'yes' : 'no'],
      ['Started', formatInstant(experiment.startedAt)],
      ['Stopped', formatInstant(experiment.stoppedAt)],
      ['Version', String(experiment.version)],
    ]),
    experiment.description === null ? null : h('p', {}, experiment.description),
  );
}

function renderExperiment(context: AppContext, root: HTMLElement, experiment: Experiment): void {
  destroyCharts();
  const rerender = (updated: Experiment) => {
    renderExperiment(context, root, updated);
    root.querySelector<HTMLElement>('.lifecycle button, h1')?.focus();
  };
  replaceChildren(
    root,
    backLink(),
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
    definitionSection(experiment),
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
    (error: unknown) => replaceChildren(root, backLink(), h('h1', { tabindex: '-1' }, key), errorBox(error)),
  );
  return root;
}
