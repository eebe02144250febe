/**
 * Per-trial curves over epochs (loss, validation accuracy). Live epochs are appended to the arrays Chart.js already
 * draws; datasets are rebuilt only when what is drawn changes (sweeps, settings, theme).
 */
import type { ChartDataset } from 'chart.js';
import type { EpochMetrics } from '../../src/core/trial';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { colourOf, toCss, type Rgb, type TrialColours } from '../model/colours';
import { configRateLabel, formatMetric, formatPercent } from '../model/format';
import { appendEpoch, curveKey, orderedTrials, trialCurve, type Curve, type CurveKind, type CurveOptions, type Point } from '../model/series';
import { ChartCard, type LegendEntry, type SeriesSummary } from './chartCard';
import { axisStyle, baseOptions, logTickLabel, tooltipStyle } from './options';
import type { ChartTheme } from './theme';

/** A sweep as drawn: the primary one, or an overlay labelled with its start time. */
export interface DrawnSweep {
  sweep: SweepSnapshot;
  overlay: boolean;
  /** "14:03" for overlays, empty for the primary sweep. */
  prefix: string;
}

type LineDataset = ChartDataset<'line', Point[]>;

interface Entry {
  curve: Curve;
  dataset: LineDataset;
  label: string;
  overlay: boolean;
}

const kindNames: Record<CurveKind, string> = { val_loss: 'val_loss', train_loss: 'train_loss', val_acc: 'val_acc' };

export interface CurveChartSettings {
  kind: 'loss' | 'accuracy';
  title: string;
  subtitle: string;
  /** Curves per trial, drawn in this order. */
  curveKinds: CurveKind[];
  onSavePng?: (dataUrl: string) => void;
}

export class CurveChart {
  readonly card: ChartCard;
  private entries = new Map<string, Entry>();
  private options: CurveOptions = { smoothing: 0, logScale: false };

  constructor(private readonly settings: CurveChartSettings, theme: ChartTheme) {
    this.card = new ChartCard({
      kind: settings.kind, title: settings.title, subtitle: settings.subtitle, onSavePng: settings.onSavePng,
      config: { type: 'line', data: { datasets: [] }, options: this.chartOptions(theme, 1) },
    });
  }

  private get isAccuracy(): boolean {
    return this.settings.kind === 'accuracy';
  }

  /** Rebuilds every dataset from the sweeps: after a sweep is added or removed, a setting or the theme changed. */
  rebuild(drawn: readonly DrawnSweep[], options: CurveOptions, theme: ChartTheme, colours: TrialColours): void {
    this.options = options;
    this.entries.clear();
    const datasets: LineDataset[] = [];
    // Overlays first so the primary sweep's curves are drawn on top of them.
    for (const { sweep, overlay, prefix } of [...drawn].sort((a, b) => Number(b.overlay) - Number(a.overlay))) {
      if (this.isAccuracy && sweep.task !== 'classification') continue;
      for (const trial of orderedTrials(sweep)) {
        for (const kind of this.settings.curveKinds) {
          const curve = trialCurve(sweep, trial, kind, options);
          const label = `${prefix ? `${prefix} · ` : ''}${configRateLabel(trial.plan)} · seed ${trial.plan.seed} · ${kindNames[kind]}`;
          const dataset = this.dataset(curve, label, overlay, theme, colourOf(colours, trial.plan) ?? theme.neutral);
          datasets.push(dataset);
          this.entries.set(curve.key, { curve, dataset, label, overlay });
        }
      }
    }
    const maxEpochs = Math.max(1, ...drawn.map(({ sweep }) => sweep.epochs));
    this.card.chart.options = this.chartOptions(theme, maxEpochs);
    this.card.chart.data.datasets = datasets;
    this.card.background = theme.background;
    this.card.setLegend(this.legend(drawn, theme));
  }

  /** Appends a live epoch to the trial's curves; true when a point was added (the chart needs a redraw). */
  extend(sweepDir: string, trial: TrialSnapshot, metrics: EpochMetrics): boolean {
    let added = false;
    for (const kind of this.settings.curveKinds) {
      const entry = this.entries.get(curveKey(sweepDir, trial.plan.id, kind));
      if (entry && appendEpoch(entry.curve, metrics, this.options)) added = true;
    }
    return added;
  }

  /** Redraws and refreshes data-series and the summary table. */
  refresh(): void {
    this.card.redraw();
    const entries = [...this.entries.values()];
    const series: SeriesSummary[] = entries.map(({ curve, label, overlay }) => ({
      label, rate: curve.rate ?? null, seed: curve.seed, kind: curve.kind, points: curve.points.length, ...(overlay ? { overlay } : {}),
    }));
    const format = this.isAccuracy ? formatPercent : (value: number | undefined) => formatMetric(value);
    const rows = entries.map(({ curve, label }) => {
      const last = curve.points[curve.points.length - 1];
      return [label, String(curve.points.length), last ? String(last.x) : '–', format(last?.y)];
    });
    const primaryCurves = entries.filter((entry) => !entry.overlay).length;
    this.card.describe(
      series,
      { caption: this.settings.title, columns: ['Series', 'Points', 'Last epoch', this.isAccuracy ? 'Last value' : 'Last value (smoothed)'], rows },
      `${this.settings.title}: ${primaryCurves} curves${entries.length > primaryCurves ? `, ${entries.length - primaryCurves} overlaid` : ''}`,
    );
    this.card.setNote(entries.length === 0 ? (this.isAccuracy ? 'Accuracy applies to classification sweeps.' : 'No sweep to show yet.') : undefined);
  }

  private dataset(curve: Curve, label: string, overlay: boolean, theme: ChartTheme, colour: Rgb): LineDataset {
    const alpha = overlay ? (theme.highContrast ? 0.6 : 0.4) : 1;
    const width = (theme.highContrast ? 0.5 : 0) + (overlay ? 1.1 : curve.kind === 'train_loss' ? 1.4 : 1.8);
    return {
      type: 'line',
      label,
      data: curve.points,
      borderColor: toCss(colour, alpha),
      backgroundColor: toCss(colour, alpha),
      borderWidth: width,
      borderDash: curve.kind === 'train_loss' ? [5, 4] : [],
      pointRadius: 0,
      pointHoverRadius: 3,
      fill: false,
      spanGaps: true,
      order: overlay ? 1 : 0,
    };
  }

  private chartOptions(theme: ChartTheme, maxEpochs: number) {
    const base = baseOptions(theme);
    const valueTitle = this.isAccuracy ? 'Validation accuracy' : this.options.logScale ? 'Loss (log scale)' : 'Loss';
    const yAxis = this.isAccuracy
      ? {
        type: 'linear' as const, max: 1, ...axisStyle(theme, valueTitle),
        ticks: { ...axisStyle(theme, '').ticks, callback: (value: number | string) => `${Math.round(Number(value) * 100)}%` },
      }
      : this.options.logScale
        ? { type: 'logarithmic' as const, ...axisStyle(theme, valueTitle), ticks: { ...axisStyle(theme, '').ticks, autoSkip: false, callback: logTickLabel } }
        : { type: 'linear' as const, ...axisStyle(theme, valueTitle) };
    return {
      ...base,
      interaction: { mode: 'nearest' as const, intersect: false },
      scales: {
        x: {
          type: 'linear' as const, min: 1, max: maxEpochs, ...axisStyle(theme, 'Epoch'),
          ticks: { ...axisStyle(theme, '').ticks, precision: 0, maxRotation: 0 },
        },
        y: yAxis,
      },
      plugins: {
        // Long series (more points than 4× the plot's width in pixels) are drawn from each pixel column's first,
        // last, min and max points: spikes and divergences stay visible, the work stays bounded.
        decimation: { enabled: true, algorithm: 'min-max' as const },
        tooltip: {
          ...tooltipStyle(theme),
          callbacks: {
            title: (items: { parsed: { x: number | null } }[]) => (items[0] ? `Epoch ${items[0].parsed.x}` : ''),
            label: (item: { dataset: { label?: string }; parsed: { y: number | null } }) =>
              `${item.dataset.label ?? ''}: ${this.isAccuracy ? formatPercent(item.parsed.y ?? undefined) : formatMetric(item.parsed.y ?? undefined)}`,
          },
        },
      },
    };
  }

  private legend(drawn: readonly DrawnSweep[], theme: ChartTheme): LegendEntry[] {
    const entries: LegendEntry[] = this.settings.curveKinds.map((kind) => ({
      label: kind === 'train_loss' ? 'train_loss (dashed)' : kindNames[kind],
      style: kind === 'train_loss' ? 'dashed' : 'solid',
      colour: theme.foreground,
    }));
    for (const { overlay, prefix } of drawn) {
      if (overlay) entries.push({ label: `sweep of ${prefix} (faded)`, style: 'faded', colour: theme.foreground });
    }
    return entries;
  }
}
