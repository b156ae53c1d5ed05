import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type Plugin,
} from 'chart.js';
import type { ExperimentTimeseries, VariantResult } from './api-types.js';
import { formatCount, formatEstimate, formatInterval, formatPercent, formatTickPercent } from './format.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

const PERCENT = 100;
const GRID_COLOR = '#d0d4da';
const AXIS_TEXT = '#1f2933';
const ZERO_LINE = '#1f2933';
const MARKER_WIDTH = 3;
/** Okabe–Ito: told apart by colour-blind readers, and dark enough on white. */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C6D00', '#56B4E9'] as const;
const WIN_COLOR = '#1a7f37';
const LOSS_COLOR = '#b42318';
const NEUTRAL_COLOR = '#5b6470';

Chart.defaults.color = AXIS_TEXT;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.animation = false;

const charts = new Set<Chart>();

/** Keeps `chart` until the next `destroyCharts`. */
function track<TChart extends { destroy(): void }>(chart: TChart): TChart {
  charts.add(chart as unknown as Chart);
  return chart;
}

/** Destroys every chart drawn so far (on navigation), releasing their canvases and listeners. */
export function destroyCharts(): void {
  for (const chart of charts) chart.destroy();
  charts.clear();
}

export function colorOf(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? NEUTRAL_COLOR;
}

/** Draws a tick at each bar's point estimate, inside its interval bar. */
function estimateMarkers(estimates: readonly number[]): Plugin<'bar'> {
  return {
    id: 'estimateMarkers',
    afterDatasetsDraw(chart) {
      const scale = chart.scales['x'];
      if (scale === undefined) return;
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = ZERO_LINE;
      chart.getDatasetMeta(0).data.forEach((bar, index) => {
        const estimate = estimates[index];
        if (estimate === undefined) return;
        const { y, height } = bar.getProps(['y', 'height'], true) as { y: number; height: number };
        ctx.fillRect(scale.getPixelForValue(estimate) - MARKER_WIDTH / 2, y - height / 2 - 2, MARKER_WIDTH, height + 4);
      });
      ctx.restore();
    },
  };
}

function intervalChart(
  canvas: HTMLCanvasElement,
  options: {
    labels: string[];
    intervals: [number, number][];
    estimates: number[];
    colors: string[];
    tickFormat: (value: number) => string;
    describe: (index: number) => string;
  },
): Chart<'bar'> {
  return track(
    new Chart<'bar', [number, number][], string>(canvas, {
      type: 'bar',
      data: {
        labels: options.labels,
        datasets: [
          {
            label: '95% interval',
            data: options.intervals,
            backgroundColor: options.colors.map((color) => `${color}55`),
            borderColor: options.colors,
            borderWidth: 2,
            borderSkipped: false,
            barPercentage: 0.6,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => options.describe(item.dataIndex) } },
        },
        scales: {
          x: {
            grid: {
              color: (context) => (context.tick?.value === 0 ? ZERO_LINE : GRID_COLOR),
              lineWidth: (context) => (context.tick?.value === 0 ? 2 : 1),
            },
            ticks: { callback: (value) => options.tickFormat(Number(value)) },
          },
          y: { grid: { display: false }, ticks: { font: { weight: 'bold' } } },
        },
      },
      plugins: [estimateMarkers(options.estimates)],
    }),
  );
}

/** Conversion rate per variant: the 95% Wilson interval as a bar, the rate as a tick. */
export function drawRateChart(canvas: HTMLCanvasElement, variants: readonly VariantResult[]): void {
  intervalChart(canvas, {
    labels: variants.map((v) => v.key),
    intervals: variants.map((v) => [v.rateCI[0] * PERCENT, v.rateCI[1] * PERCENT]),
    estimates: variants.map((v) => v.rate * PERCENT),
    colors: variants.map((_, index) => colorOf(index)),
    tickFormat: (value) => formatTickPercent(value),
    describe: (index) => {
      const v = variants[index];
      return v === undefined
        ? ''
        : `${formatPercent(v.rate)} (${formatInterval(v.rateCI, formatPercent)}), ${formatCount(v.conversions)} of ${formatCount(v.units)} units`;
    },
  });
}

/** Relative lift of each treatment over the control: interval bar, estimate tick, zero line. */
export function drawLiftChart(canvas: HTMLCanvasElement, treatments: readonly VariantResult[]): void {
  const lifts = treatments.map((t) => t.liftRel ?? { estimate: 0, ci: [0, 0] as const });
  intervalChart(canvas, {
    labels: treatments.map((t) => t.key),
    intervals: lifts.map((l) => [l.ci[0] * PERCENT, l.ci[1] * PERCENT]),
    estimates: lifts.map((l) => l.estimate * PERCENT),
    colors: lifts.map((l) => (l.ci[0] > 0 ? WIN_COLOR : l.ci[1] < 0 ? LOSS_COLOR : NEUTRAL_COLOR)),
    tickFormat: (value) => formatTickPercent(value, { signed: true }),
    describe: (index) => {
      const lift = lifts[index];
      return lift === undefined ? '' : formatEstimate(lift);
    },
  });
}

/** The cumulative conversion rate per variant, one point per day. */
export function drawTimeseriesChart(canvas: HTMLCanvasElement, series: ExperimentTimeseries): void {
  const dates = [...new Set(series.variants.flatMap((v) => v.points.map((p) => p.date)))].sort();
  track(
    new Chart<'line', (number | null)[], string>(canvas, {
      type: 'line',
      data: {
        labels: dates,
        datasets: series.variants.map((variant, index) => {
          const byDate = new Map(variant.points.map((p) => [p.date, p]));
          return {
            label: variant.key,
            data: dates.map((date) => {
              const point = byDate.get(date);
              return point === undefined ? null : point.rate * PERCENT;
            }),
            borderColor: colorOf(index),
            backgroundColor: colorOf(index),
            borderWidth: 2,
            pointRadius: 3,
            spanGaps: true,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) => {
                const point = series.variants[item.datasetIndex]?.points.find((p) => p.date === item.label);
                return point === undefined
                  ? ''
                  : `${item.dataset.label ?? ''}: ${formatPercent(point.rate)} (${formatCount(point.conversions)} of ${formatCount(point.units)})`;
              },
            },
          },
        },
        scales: {
          x: { grid: { color: GRID_COLOR } },
          y: {
            beginAtZero: true,
            grid: { color: GRID_COLOR },
            ticks: { callback: (value) => formatTickPercent(Number(value)) },
            title: { display: true, text: 'Cumulative conversion rate' },
          },
        },
      },
    }),
  );
}
