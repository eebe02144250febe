/**
 * Across-rate charts: the objective at each trial's selected epoch (mean ± 1 std over seeds), beside it at the final
 * (or best) epoch and the final train_loss; and deterministic vs Monte-Carlo dropout validation loss. A handful of
 * points each, recomputed from the summaries once per frame.
 */
import type { ChartDataset } from 'chart.js';
import type { MeanStd } from '../../src/core/statistics';
import type { SweepObjective } from '../../src/core/spec';
import type { RateSummary } from '../../src/core/summary';
import { searchesInputRate } from '../../src/core/dropoutConfig';
import { colourOf, mixColours, toCss, type Rgb, type TrialColours } from '../model/colours';
import { formatMetric, formatRate, keepOf, rateLabel } from '../model/format';
import { byInputRate, compareRates, emptyComparisonNote, inferenceInputRate, inferenceRuleChart, type McComparison, type RateComparison } from '../model/rates';
import type { Point } from '../model/series';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { ChartCard, type LineStyle, type SeriesSummary } from './chartCard';
import { axisStyle, baseOptions, rateAxis, tooltipStyle } from './options';
import type { ChartTheme } from './theme';

type LineDataset = ChartDataset<'line', Point[]>;

/** What a tooltip line says about one point, kept beside the datasets (Chart.js datasets take no extra fields). */
type PointText = (index: number) => string;

/** A sweep's per-rate summaries, as the across-rate charts draw them. */
export interface SummarizedSweep {
  sweep: SweepSnapshot;
  summaries: RateSummary[];
  overlay: boolean;
  prefix: string;
}

const finitePoints = (rows: readonly { rate: number }[], value: (index: number) => number): Point[] =>
  rows.flatMap((row, index) => (Number.isFinite(value(index)) ? [{ x: row.rate, y: value(index) }] : []));

const seedsText = (n: number): string => `${n} seed${n === 1 ? '' : 's'}`;

abstract class AcrossRateChart {
  readonly card: ChartCard;
  protected texts = new Map<LineDataset, PointText>();

  constructor(kind: 'rates' | 'mc', title: string, subtitle: string, theme: ChartTheme, onSavePng?: (dataUrl: string) => void) {
    this.card = new ChartCard({
      kind, title, subtitle, onSavePng, config: { type: 'line', data: { datasets: [] }, options: this.chartOptions(theme, [], 'Loss') },
    });
  }

  /** `rightTitle`: a second y axis on the right (datasets with yAxisID 'y1'), its grid left to the first. */
  protected show(datasets: LineDataset[], theme: ChartTheme, rates: number[], yTitle: string, rightTitle?: string): void {
    this.card.background = theme.background;
    this.card.chart.options = this.chartOptions(theme, rates, yTitle, rightTitle);
    this.card.chart.data.datasets = datasets;
    this.card.redraw();
  }

  private chartOptions(theme: ChartTheme, rates: number[], yTitle: string, rightTitle?: string) {
    const right = rightTitle === undefined ? {} : {
      y1: {
        type: 'linear' as const, position: 'right' as const, ...axisStyle(theme, rightTitle),
        grid: { drawOnChartArea: false, color: theme.grid, tickColor: theme.grid },
      },
    };
    return {
      ...baseOptions(theme),
      interaction: { mode: 'nearest' as const, axis: 'x' as const, intersect: false },
      scales: { x: rateAxis(theme, rates), y: { type: 'linear' as const, ...axisStyle(theme, yTitle) }, ...right },
      plugins: {
        tooltip: {
          ...tooltipStyle(theme),
          // The band's edges are described by the mean's line ("± std"), not on their own.
          filter: (item: { dataset: object }) => this.texts.has(item.dataset as LineDataset),
          callbacks: {
            title: (items: { parsed: { x: number | null } }[]) => (items[0] ? rateLabel(items[0].parsed.x ?? 0) : ''),
            label: (item: { dataset: object; dataIndex: number }) => this.texts.get(item.dataset as LineDataset)?.(item.dataIndex) ?? '',
          },
        },
      },
    };
  }
}

export class RateChart extends AcrossRateChart {
  constructor(theme: ChartTheme, onSavePng?: (dataUrl: string) => void) {
    super('rates', 'Validation objective by dropout rate',
      'mean ± 1 std over seeds · solid: at the selected epoch · dashed: at the other epoch · dotted: final train_loss (the gap shows overfitting)',
      theme, onSavePng);
  }

  update(drawn: readonly SummarizedSweep[], theme: ChartTheme, colours: TrialColours): void {
    this.texts.clear();
    const datasets: LineDataset[] = [];
    const series: SeriesSummary[] = [];
    const tableRows: string[][] = [];
    const allRates = new Set<number>();
    const inputRateOf = (summary: RateSummary) => (summary.inputRate === undefined ? [] : [summary.inputRate]);
    const inputRates = [...new Set(drawn.flatMap(({ summaries }) => summaries.flatMap(inputRateOf)))].sort((a, b) => a - b);
    let objective: SweepObjective = 'val_loss';
    let legend: ObjectiveNames | undefined;
    for (const { sweep, summaries, overlay, prefix } of drawn) {
      const rows = compareRates(summaries);
      // The axis spans every planned rate from the first epoch on, so it does not shift as trials start.
      sweep.trials.forEach((trial) => trial.plan.rate !== undefined && allRates.add(trial.plan.rate));
      const labelPrefix = prefix ? `${prefix} · ` : '';
      const pointColours = rows.map((row) => toCss(colourOf(colours, row) ?? theme.neutral));
      const add = (dataset: LineDataset, kind: string, text?: PointText): void => {
        datasets.push(dataset);
        if (text) this.texts.set(dataset, text);
        series.push({
          label: dataset.label ?? kind, rate: null, kind, points: dataset.data.length, x: dataset.data.map((point) => point.x), ...(overlay ? { overlay } : {}),
        });
      };
      if (rows.some(searchesInputRate)) {
        // Two rates searched: one series per input rate, over the hidden rates.
        this.inputRateSeries(rows, inputRates, { overlay, labelPrefix, theme, add });
        if (!overlay) tableRows.push(...rows.map((row) => rateTableRow(row, true)));
        continue;
      }
      const names = objectiveNames(rows[0]);
      const selected = (index: number): number => rows[index].selected.mean;
      const rowsWithSelected = rows.filter((_, index) => Number.isFinite(selected(index)));
      const selectedText: PointText = (index) => {
        const row = rowsWithSelected[index];
        return `${labelPrefix}${names.selected} ${formatMetric(row.selected.mean)} ± ${formatMetric(row.selected.std)} (${seedsText(row.seeds)})`;
      };
      if (overlay) {
        const grey = toCss(theme.neutral, 0.45);
        const overlayLine = this.line(`${labelPrefix}${names.selected}`, finitePoints(rows, selected), grey, [2, 3], grey, 1.25);
        add(overlayLine, 'selected', selectedText);
        continue;
      }
      objective = names.objective;
      legend = names;
      const upper = finitePoints(rows, (index) => rows[index].band.upper);
      const lower = finitePoints(rows, (index) => rows[index].band.lower);
      add(
        { type: 'line', label: `${names.selected} + 1 std`, data: upper, borderWidth: 0, pointRadius: 0, pointHoverRadius: 0, fill: false },
        'selected_plus_std');
      add(
        {
          type: 'line', label: `${names.selected} − 1 std`, data: lower, borderWidth: 0, pointRadius: 0, pointHoverRadius: 0, fill: '-1',
          backgroundColor: theme.band,
        },
        'selected_minus_std');
      const selectedLine = this.line(
        names.selected, finitePoints(rows, selected), toCss(theme.neutral, 0.8), [], rowsWithSelected.map((row) => pointColours[rows.indexOf(row)]), 2);
      selectedLine.pointRadius = 4.5;
      selectedLine.pointHoverRadius = 6;
      selectedLine.pointBorderColor = theme.background;
      add(selectedLine, 'selected', selectedText);
      const other = (index: number): number => rows[index].other.value?.mean ?? NaN;
      const rowsWithOther = rows.filter((_, index) => Number.isFinite(other(index)));
      const otherLine = this.line(
        names.other, finitePoints(rows, other), toCss(theme.neutral, 0.7), [6, 3], rowsWithOther.map((row) => pointColours[rows.indexOf(row)]), 2);
      otherLine.pointRadius = 4;
      otherLine.pointStyle = 'triangle';
      add(otherLine, names.otherKind, (index) => {
        const value = rowsWithOther[index].other.value!;
        return `${names.other} ${formatMetric(value.mean)} ± ${formatMetric(value.std)} (${seedsText(rowsWithOther[index].seeds)})`;
      });
      const rowsWithTrain = rows.filter((row) => Number.isFinite(row.finalTrainLoss.mean));
      const trainLine = this.line(
        'final train_loss (mean)', finitePoints(rows, (index) => rows[index].finalTrainLoss.mean), toCss(theme.neutral, 0.6), [2, 3],
        rowsWithTrain.map((row) => pointColours[rows.indexOf(row)]), 1.5);
      trainLine.pointRadius = 3.5;
      trainLine.pointStyle = 'rectRot';
      // On the objective's axis for val_loss; an accuracy objective puts the loss on the right axis.
      if (names.objective === 'val_acc') trainLine.yAxisID = 'y1';
      add(trainLine, 'final_train_loss', (index) => {
        const row = rowsWithTrain[index];
        return `final train_loss ${formatMetric(row.finalTrainLoss.mean)} · gap ${formatMetric(row.gap.mean)}`;
      });
      tableRows.push(...rows.map((row) => rateTableRow(row, inputRates.length > 0)));
    }
    const rates = [...allRates].sort((a, b) => a - b);
    const accuracy = objective === 'val_acc';
    this.show(datasets, theme, rates, accuracy ? 'Accuracy' : 'Loss', accuracy && !primaryInputRatesOf(drawn) ? 'train_loss' : undefined);
    const selectedColumn = legend?.selected ?? 'selected';
    this.card.describe(
      series,
      {
        caption: 'Validation objective by dropout rate, at the selected and at the other epoch',
        columns: [
          ...(inputRates.length > 0 ? ['Input rate'] : []), 'Rate', 'Keep', 'Seeds', `${selectedColumn} (mean)`, 'Std', `${legend?.other ?? 'other'} (mean)`,
          'Final train_loss (mean)', 'Gap (mean)',
        ],
        rows: tableRows,
      },
      `Validation objective by dropout rate: ${tableRows.length} ${inputRates.length > 0 ? 'configurations' : 'rates'}`,
    );
    this.card.setNote(tableRows.length === 0 ? emptyComparisonNote(drawn.find((entry) => !entry.overlay)?.sweep) : undefined);
    const primaryInputRates = primaryInputRatesOf(drawn);
    const withBand = drawn.some((entry) => !entry.overlay && entry.summaries.some((summary) => summary.seeds > 1));
    this.card.setLegend(primaryInputRates
      ? inputRates.map((inputRate) => ({ label: `input rate ${formatRate(inputRate)}`, ...inputRateStyle(inputRate, inputRates, theme) }))
      : [
        { label: `${legend?.selected ?? 'selected epoch'}, mean`, style: 'solid', colour: theme.foreground },
        ...(withBand ? [{ label: '±1 std over seeds', style: 'band' as const, colour: theme.foreground }] : []),
        { label: `${legend?.other ?? 'other epoch'}, mean`, style: 'dashed', colour: theme.foreground },
        { label: `final train_loss, mean${accuracy ? ' (right axis)' : ''}`, style: 'dotted', colour: theme.foreground },
        ...drawn.filter((entry) => entry.overlay).map((entry) => ({ label: `sweep of ${entry.prefix}`, style: 'dotted' as const, colour: theme.foreground })),
      ]);
  }

  /** Best val_loss over the hidden rates, one line per input rate: coloured and dashed by input rate, or dotted grey for an overlay. */
  private inputRateSeries(rows: RateComparison[], inputRates: number[], context: SeriesContext): void {
    const { overlay, labelPrefix, theme, add } = context;
    for (const [inputRate, group] of byInputRate(rows)) {
      const label = `${labelPrefix}input rate ${formatRate(inputRate ?? 0)} · ${objectiveNames(group[0]).selected}`;
      const present = group.filter((row) => Number.isFinite(row.selected.mean));
      const points = present.map((row) => ({ x: row.rate, y: row.selected.mean }));
      const { colour, dash } = overlay ? { colour: toCss(theme.neutral, 0.45), dash: [2, 3] } : inputRateStyle(inputRate ?? 0, inputRates, theme);
      const line = this.line(label, points, colour, dash, colour, overlay ? 1.25 : 2);
      line.pointBorderColor = theme.background;
      add(line, 'selected', (index) => {
        const { selected, seeds } = present[index];
        return `${label} ${formatMetric(selected.mean)} ± ${formatMetric(selected.std)} (${seedsText(seeds)})`;
      });
    }
  }

  private line(label: string, data: Point[], colour: string, dash: number[], pointColours: string | string[], width: number): LineDataset {
    return {
      type: 'line', label, data, borderColor: colour, borderWidth: width, borderDash: dash, backgroundColor: pointColours, pointBackgroundColor: pointColours,
      pointBorderColor: pointColours, pointRadius: 3, pointHoverRadius: 5, fill: false,
    };
  }
}

interface SeriesContext {
  overlay: boolean;
  labelPrefix: string;
  theme: ChartTheme;
  add(dataset: LineDataset, kind: string, text?: PointText): void;
}

/** One dash pattern per input rate (cycled), so the series differ without relying on colour alone. */
const inputRateDashes: ReadonlyArray<{ dash: number[]; style: LineStyle }> = [
  { dash: [], style: 'solid' }, { dash: [6, 3], style: 'dashed' }, { dash: [2, 3], style: 'dotted' }, { dash: [10, 4], style: 'dashed' },
];

/** An input rate's line: colour along the blue–orange chart pair by its place among the input rates, and a dash. */
function inputRateStyle(inputRate: number, inputRates: readonly number[], theme: ChartTheme): { colour: string; dash: number[]; style: LineStyle } {
  const index = Math.max(0, inputRates.indexOf(inputRate));
  const colour = toCss(mixColours(theme.deterministic, theme.monteCarlo, inputRates.length > 1 ? index / (inputRates.length - 1) : 0));
  return { colour, ...inputRateDashes[index % inputRateDashes.length]! };
}

function rateTableRow(row: RateComparison, withInput: boolean): string[] {
  return [
    ...(withInput ? [formatRate(row.inputRate ?? 0)] : []), formatRate(row.rate), formatRate(row.keep), String(row.seeds),
    formatMetric(row.selected.mean), formatMetric(row.selected.std), formatMetric(row.other.value?.mean), formatMetric(row.finalTrainLoss.mean),
    formatMetric(row.gap.mean),
  ];
}

interface ObjectiveNames {
  objective: SweepObjective;
  /** e.g. `val_loss at selected epoch (best-epoch)`. */
  selected: string;
  /** e.g. `val_loss at final epoch` (or `at best epoch` when trials count at their last). */
  other: string;
  otherKind: 'final_epoch' | 'best_epoch';
}

/** The two curves' names: the objective at the epoch the sweep selects, and at the other rule's epoch. */
export function objectiveNames(row: Pick<RateComparison, 'objective' | 'select' | 'other'> | undefined): ObjectiveNames {
  const objective = row?.objective ?? 'val_loss';
  const select = row?.select ?? 'best-epoch';
  const final = row ? row.other.rule === 'final-epoch' : true;
  return {
    objective,
    selected: `${objective} at selected epoch (${select})`,
    other: `${objective} at ${final ? 'final' : 'best'} epoch`,
    otherKind: final ? 'final_epoch' : 'best_epoch',
  };
}

function primaryInputRatesOf(drawn: readonly SummarizedSweep[]): boolean {
  return drawn.some((entry) => !entry.overlay && entry.summaries.some(searchesInputRate));
}

/**
 * The inference-rule chart: per rate, final val_loss under the style's deterministic rule against the MC average of
 * T stochastic passes (left axis), and the MC prediction's mean predictive entropy (right axis).
 */
export class McChart extends AcrossRateChart {
  constructor(theme: ChartTheme, onSavePng?: (dataUrl: string) => void) {
    super('mc', 'Inference rules: deterministic vs Monte-Carlo dropout',
      'final val_loss per rate, mean over seeds · dotted, right axis: MC predictive uncertainty', theme, onSavePng);
  }

  update(primary: SummarizedSweep | undefined, theme: ChartTheme): void {
    this.texts.clear();
    const model = primary ? inferenceRuleChart(primary.sweep, primary.summaries) : undefined;
    const rows = model?.rows ?? [];
    const samples = primary?.sweep.mcSamples ?? 0;
    const enabled = samples > 0;
    const names = model?.names;
    const make = (
      label: string, kind: string, colour: Rgb, dash: number[], pointStyle: 'circle' | 'rectRot' | 'triangle', data: Point[],
      pick: (row: McComparison) => MeanStd | undefined, axis: 'y' | 'y1',
    ) => {
      const present = rows.filter((row) => Number.isFinite(pick(row)?.mean));
      const dataset: LineDataset = {
        type: 'line', label, data, yAxisID: axis, borderColor: toCss(colour), backgroundColor: toCss(colour),
        borderWidth: 2, borderDash: dash, pointStyle, pointRadius: 4, pointHoverRadius: 6, pointBorderColor: theme.background, fill: false,
      };
      this.texts.set(dataset, (index) => {
        const value = pick(present[index])!;
        return `${label}: ${formatMetric(value.mean)} ± ${formatMetric(value.std)} (${seedsText(present[index].seeds)})`;
      });
      return { dataset, summary: { label, rate: null, kind, points: data.length, x: data.map((point) => point.x) } satisfies SeriesSummary };
    };
    const series = model && names ? [
      make(names.deterministic, 'final_val_loss', theme.deterministic, [], 'circle', model.deterministic, (row) => row.deterministic, 'y'),
      make(names.monteCarlo, 'final_mc_val_loss', theme.monteCarlo, [6, 3], 'rectRot', model.monteCarlo, (row) => row.monteCarlo, 'y'),
      make(names.uncertainty, 'final_mc_entropy', theme.neutral, [2, 3], 'triangle', model.uncertainty, (row) => row.entropy, 'y1'),
    ] : [];
    this.card.element.hidden = primary !== undefined && !enabled;
    const plannedRates = [...new Set(primary?.sweep.trials.flatMap((trial) => (trial.plan.rate === undefined ? [] : [trial.plan.rate])) ?? [])]
      .sort((a, b) => a - b);
    const drawn = enabled ? series : [];
    this.show(drawn.map((entry) => entry.dataset), theme, plannedRates, 'Final val_loss', enabled && names ? names.uncertainty : undefined);
    this.card.describe(
      drawn.map((entry) => entry.summary),
      {
        caption: 'Validation loss under the deterministic inference rule and under Monte-Carlo dropout, and the MC predictive uncertainty',
        columns: [
          'Rate', 'Keep', 'Seeds', `val_loss, ${names?.deterministic ?? 'deterministic'}`, `val_loss, ${names?.monteCarlo ?? 'MC'}`, 'MC − deterministic',
          names?.uncertainty ?? 'MC uncertainty',
        ],
        rows: rows.map((row) => [
          formatRate(row.rate), formatRate(keepOf(row.rate)), String(row.seeds), formatMetric(row.deterministic.mean), formatMetric(row.monteCarlo.mean),
          formatMetric(row.monteCarlo.mean - row.deterministic.mean), formatMetric(row.entropy?.mean),
        ]),
      },
      `Inference rules, deterministic vs Monte-Carlo dropout validation loss: ${rows.length} rates`,
    );
    const inputRate = primary ? inferenceInputRate(primary.sweep, primary.summaries) : undefined;
    this.card.setNote(rows.length === 0
      ? (enabled ? emptyComparisonNote(primary?.sweep) : 'Monte-Carlo dropout is off (evaluation.mcSamples = 0).')
      : inputRate !== undefined ? `Hidden rates at input rate ${formatRate(inputRate)}, the best configuration's.` : undefined);
    this.card.setLegend(names ? [
      { label: `deterministic: ${names.deterministic}`, style: 'solid', colour: toCss(theme.deterministic) },
      { label: names.monteCarlo, style: 'dashed', colour: toCss(theme.monteCarlo) },
      { label: `${names.uncertainty} (right axis)`, style: 'dotted', colour: toCss(theme.neutral) },
    ] : []);
  }
}
