/**
 * The objective against each searched hyperparameter, one small chart per dimension (small multiples): every voting
 * trial as a faint dot at its value, and per value the mean over those trials with its 95% t interval as an error
 * bar. Numbers go on a linear axis, or a log axis when they span more than ×20 (a learning rate); choices and
 * booleans on a categorical one. The cards sit in one section that spans the chart grid.
 *
 * For tests (the e2e suite reads these, never pixels): each chart is `[data-chart="hyperparameter"][data-hp="NAME"]`;
 * its `data-series` is the usual SeriesSummary list (`kind` "mean" and "trials"), and its `data-values` is JSON
 *   { name, axis: 'linear' | 'log' | 'categorical', objective, select,
 *     points: [{ value, mean, low?, high?, n, configs, best }], trials: number }
 * with one point per planned value (mean null while no trial of it has voted; low/high only when n ≥ 2).
 */
import type { ChartDataset, Plugin, Scale } from 'chart.js';
import type { SweepSnapshot } from '../../src/protocol/webview';
import type { RateSummary } from '../../src/core/summary';
import { el } from '../dom';
import { toCss } from '../model/colours';
import { formatMetric, formatValue } from '../model/format';
import { hyperparameterSeries, type HyperparameterSeries } from '../model/hyperparameterSeries';
import { formatObjective, goodnessOf, objectiveRampOn } from '../model/heatmap';
import type { Point } from '../model/series';
import { ChartCard } from './chartCard';
import { axisStyle, baseOptions, logTickLabel, tooltipStyle } from './options';
import type { ChartTheme } from './theme';

type LineDataset = ChartDataset<'line', Point[]>;

/** The interval of each mean, beside the dataset that draws the means (Chart.js datasets take no extra fields). */
const intervals = new WeakMap<object, ({ low: number; high: number } | undefined)[]>();

/** Draws each mean's interval as a vertical bar with caps, in the mean line's colour. */
const intervalBars: Plugin<'line'> = {
  id: 'intervalBars',
  afterDatasetsDraw(chart) {
    const { ctx, scales } = chart;
    chart.data.datasets.forEach((dataset, index) => {
      const bars = intervals.get(dataset);
      if (!bars || !chart.isDatasetVisible(index)) return;
      ctx.save();
      // A wide interval (two seeds: t = 12.7) runs off the plot rather than squash every other value into a line.
      const { left, top: areaTop, width, height } = chart.chartArea;
      ctx.beginPath();
      ctx.rect(left, areaTop, width, height);
      ctx.clip();
      ctx.strokeStyle = String(dataset.borderColor ?? 'currentColor');
      ctx.lineWidth = 1.5;
      (dataset.data as Point[]).forEach((point, pointIndex) => {
        const bar = bars[pointIndex];
        if (!bar) return;
        const x = scales.x!.getPixelForValue(point.x);
        const [top, bottom] = [scales.y!.getPixelForValue(bar.high), scales.y!.getPixelForValue(bar.low)];
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - 4, top);
        ctx.lineTo(x + 4, top);
        ctx.moveTo(x - 4, bottom);
        ctx.lineTo(x + 4, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** A linear x axis padded around the values, ticked at each value while there are few (a grid's), else evenly. */
function valueAxis(series: HyperparameterSeries, theme: ChartTheme) {
  const values = series.points.map((point) => point.x);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const pad = high > low ? (high - low) * 0.08 : 0.05;
  return {
    type: 'linear' as const, min: low - pad, max: high + pad, ...axisStyle(theme, series.name),
    ...(values.length <= 8 ? { afterBuildTicks: (axis: Scale) => { axis.ticks = values.map((value) => ({ value })); } } : {}),
    ticks: { ...axisStyle(theme, '').ticks, maxRotation: 0, callback: (value: number | string) => formatValue(Number(Number(value).toPrecision(3))) },
  };
}

export class HyperparameterCharts {
  readonly element: HTMLElement;
  private readonly grid = el('div', { class: 'hp-grid' });
  private readonly cards = new Map<string, ChartCard>();

  constructor(private readonly onSavePng?: (name: string, dataUrl: string) => void) {
    this.element = el('section', { class: 'hp-section', attrs: { 'aria-labelledby': 'hp-section-title', hidden: true } }, [
      el('header', { class: 'chart-card-heading' }, [
        el('h2', { text: 'Objective by hyperparameter', attrs: { id: 'hp-section-title' } }),
        el('p', {
          class: 'chart-card-subtitle',
          text: 'each dot a trial at its selected epoch · line: mean over the trials with that value (whatever the others) · bars: 95% interval of the mean',
        }),
      ]),
      this.grid,
    ]);
  }

  /** Hidden for a sweep without named hyperparameters (its rates have their own charts). */
  update(primary: { sweep: SweepSnapshot; summaries: RateSummary[] } | undefined, shown: boolean, theme: ChartTheme): void {
    this.element.hidden = !primary || !shown;
    if (!primary || !shown) return;
    const all = hyperparameterSeries(primary.sweep, primary.summaries);
    for (const [name, card] of this.cards) {
      if (all.some((series) => series.name === name)) continue;
      card.chart.destroy();
      card.element.remove();
      this.cards.delete(name);
    }
    all.forEach((series) => this.draw(this.cardOf(series.name, theme), series, theme));
    this.grid.replaceChildren(...all.map((series) => this.cards.get(series.name)!.element));
  }

  private cardOf(name: string, theme: ChartTheme): ChartCard {
    let card = this.cards.get(name);
    if (!card) {
      const save = this.onSavePng;
      card = new ChartCard({
        kind: 'hyperparameter', name, title: name, subtitle: '',
        ...(save ? { onSavePng: (dataUrl: string) => save(name, dataUrl) } : {}),
        config: { type: 'line', data: { datasets: [] }, options: baseOptions(theme), plugins: [intervalBars] },
      });
      card.element.classList.add('chart-card-small');
      this.cards.set(name, card);
    }
    return card;
  }

  private draw(card: ChartCard, series: HyperparameterSeries, theme: ChartTheme): void {
    const means = series.points.filter((point) => Number.isFinite(point.objective.mean));
    const values = series.trials.map((trial) => trial.y);
    const range = values.length ? { low: Math.min(...values), high: Math.max(...values) } : undefined;
    const ramp = objectiveRampOn(theme.background);
    // Past a handful of values (random search over a continuous range) a value is one configuration: its mean is
    // marked, but a line through them would zigzag over seed noise.
    const joined = series.kind !== 'categorical' && series.points.length <= 8;
    const trialDots: LineDataset = {
      type: 'line', label: 'trials', data: series.trials.map((trial) => ({ x: trial.x, y: trial.y })), showLine: false,
      pointRadius: 3, pointHoverRadius: 5, borderWidth: 0,
      pointBackgroundColor: series.trials.map((trial) => toCss(ramp.colour(range ? goodnessOf(series.objective, trial.y, range) : 1), 0.75)),
      pointBorderColor: series.trials.map(() => 'transparent'),
    };
    const meanLine: LineDataset = {
      type: 'line', label: 'mean', data: means.map((point) => ({ x: point.x, y: point.objective.mean })),
      borderColor: toCss(theme.neutral, 0.85), backgroundColor: toCss(theme.neutral, 0.85), borderWidth: 1.75,
      // Categories have no order between them: their means are not joined.
      showLine: joined, pointRadius: means.map((point) => (point.isBest ? 6 : 4)),
      pointStyle: means.map((point) => (point.isBest ? 'rectRot' : 'circle')), pointBorderColor: theme.background, pointHoverRadius: 6,
    };
    intervals.set(meanLine, means.map((point) => point.objective.ci95));
    card.background = theme.background;
    card.chart.options = this.options(series, theme, trialDots, meanLine);
    card.chart.data.datasets = [trialDots, meanLine];
    card.redraw();
    this.describe(card, series, means.length);
  }

  private options(series: HyperparameterSeries, theme: ChartTheme, trialDots: LineDataset, meanLine: LineDataset) {
    const categories = series.categories ?? [];
    const x = series.kind === 'categorical'
      ? {
        type: 'linear' as const, min: -0.5, max: categories.length - 0.5, ...axisStyle(theme, series.name),
        afterBuildTicks: (axis: Scale) => { axis.ticks = categories.map((_, value) => ({ value })); },
        ticks: { ...axisStyle(theme, '').ticks, callback: (value: number | string) => categories[Number(value)] ?? '' },
      }
      : series.kind === 'log'
        ? {
          type: 'logarithmic' as const, ...axisStyle(theme, `${series.name} (log scale)`),
          ticks: { ...axisStyle(theme, '').ticks, maxRotation: 0, autoSkip: true, callback: logTickLabel },
        }
        : valueAxis(series, theme);
    const label = (item: { dataset: object; dataIndex: number }): string => {
      if (item.dataset === trialDots) {
        const trial = series.trials[item.dataIndex]!;
        return `${trial.label}: ${formatObjective(series.objective, trial.y)}`;
      }
      const point = series.points.filter((entry) => Number.isFinite(entry.objective.mean))[item.dataIndex]!;
      const interval = point.objective.ci95
        ? ` (95% CI ${formatObjective(series.objective, point.objective.ci95.low)} … ${formatObjective(series.objective, point.objective.ci95.high)})` : '';
      return `mean ${formatObjective(series.objective, point.objective.mean)}${interval} over ${point.objective.n} trial${point.objective.n === 1 ? '' : 's'}`
        + `${point.isBest ? ' · the best configuration has this value' : ''}`;
    };
    return {
      ...baseOptions(theme),
      interaction: { mode: 'nearest' as const, intersect: true },
      scales: { x, y: { type: 'linear' as const, ...axisStyle(theme, series.objective), grace: '5%' } },
      plugins: {
        tooltip: {
          ...tooltipStyle(theme),
          filter: (item: { dataset: object }) => item.dataset === trialDots || item.dataset === meanLine,
          callbacks: {
            title: (items: { parsed: { x: number | null } }[]) => {
              const at = items[0]?.parsed.x ?? NaN;
              return `${series.name} ${series.kind === 'categorical' ? categories[at] ?? '' : formatValue(at)}`;
            },
            label,
          },
        },
      },
    };
  }

  private describe(card: ChartCard, series: HyperparameterSeries, meansDrawn: number): void {
    const { objective } = series;
    const axis = series.kind === 'log' ? 'log axis' : series.kind === 'categorical' ? 'categories' : 'linear axis';
    card.setSubtitle(`${objective} at the ${series.select === 'best-epoch' ? 'best' : 'final'} epoch · ${axis}`);
    card.element.dataset.values = JSON.stringify({
      name: series.name, axis: series.kind, objective, select: series.select, trials: series.trials.length,
      points: series.points.map((point) => ({
        value: point.value, mean: Number.isFinite(point.objective.mean) ? point.objective.mean : null, n: point.objective.n, configs: point.configs,
        best: point.isBest, ...(point.objective.ci95 ? { low: point.objective.ci95.low, high: point.objective.ci95.high } : {}),
      })),
    });
    card.describe(
      [
        { label: 'mean', rate: null, kind: 'mean', points: meansDrawn, x: series.points.filter((p) => Number.isFinite(p.objective.mean)).map((p) => p.x) },
        { label: 'trials', rate: null, kind: 'trials', points: series.trials.length },
      ],
      {
        caption: `${objective} by ${series.name}: mean and 95% interval over the trials with each value`,
        columns: [series.name, 'Trials', `${objective} (mean)`, '95% CI low', '95% CI high', 'Best configuration'],
        rows: series.points.map((point) => [
          formatValue(point.value), String(point.objective.n), formatMetric(point.objective.mean), formatMetric(point.objective.ci95?.low),
          formatMetric(point.objective.ci95?.high), point.isBest ? 'yes' : '',
        ]),
      },
      `${objective} by ${series.name}: ${series.points.length} values, ${series.trials.length} trials`,
    );
    card.setNote(series.trials.length === 0 ? 'No trial has a selected epoch yet.' : undefined);
  }
}
