/**
 * One chart in its card: title, canvas, legend, and what tests and screen readers read instead of pixels —
 * `data-chart`, `data-series` (JSON) and a visually hidden summary table, kept current with the chart.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ChartConfiguration, Plugin } from 'chart.js';
import { el, summaryTable } from '../dom';
import type { Point } from '../model/series';
import { Chart } from './setup';

export type ChartKind = 'loss' | 'accuracy' | 'rates' | 'mc' | 'hyperparameter';

/** One entry of `data-series`. */
export interface SeriesSummary {
  label: string;
  /** The trial's rate; null for a series across rates. */
  rate: number | null;
  seed?: number;
  kind: string;
  /** Number of data points drawn. */
  points: number;
  /** Across-rate series: the rates (x values) drawn. */
  x?: number[];
  /** Drawn from an overlaid (earlier) sweep. */
  overlay?: boolean;
}

export interface SummaryTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

export type LineStyle = 'solid' | 'dashed' | 'dotted' | 'band' | 'faded';
export interface LegendEntry {
  label: string;
  style: LineStyle;
  colour: string;
}

export type LineChart = Chart<'line', Point[]>;

export interface ChartCardOptions {
  kind: ChartKind;
  /** One of several cards of a kind (a hyperparameter's name): set as `data-hp`, and part of the title's id. */
  name?: string;
  title: string;
  subtitle: string;
  /** Omit for no "Save PNG" button (the side view). */
  onSavePng?: (dataUrl: string) => void;
  config: ChartConfiguration<'line', Point[]>;
}

export class ChartCard {
  readonly element: HTMLElement;
  readonly chart: LineChart;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly note: HTMLElement;
  private readonly subtitle: HTMLElement;
  private table: HTMLElement;
  /** Painted under the chart so a saved PNG has the panel's background instead of transparency. */
  background = 'transparent';

  constructor(options: ChartCardOptions) {
    const titleId = options.name === undefined ? `chart-${options.kind}-title` : `chart-${options.kind}-${options.name.replace(/[^\w-]/g, '_')}-title`;
    this.canvas = el('canvas', { attrs: { role: 'img', 'aria-label': options.title } });
    this.legend = el('div', { class: 'chart-legend', attrs: { 'aria-hidden': 'true' } });
    this.note = el('p', { class: 'chart-note', attrs: { hidden: true } });
    this.table = summaryTable(options.title, [], []);
    this.subtitle = el('p', { class: 'chart-card-subtitle', text: options.subtitle });
    const heading = el('div', { class: 'chart-card-heading' }, [el('h2', { text: options.title, attrs: { id: titleId } }), this.subtitle]);
    const header = el('header', { class: 'chart-card-header' }, [heading]);
    if (options.onSavePng) {
      const onSave = options.onSavePng;
      const save = el('vscode-button', { text: 'Save PNG', attrs: { secondary: true, 'aria-label': `Save “${options.title}” as PNG` } });
      save.addEventListener('click', () => onSave(this.chart.toBase64Image('image/png', 1)));
      header.append(save);
    }
    const attrs = { 'data-chart': options.kind, 'data-hp': options.name, 'data-series': '[]', 'aria-labelledby': titleId };
    this.element = el('section', { class: 'chart-card', attrs }, [
      header, el('div', { class: 'chart-canvas-box' }, [this.canvas]), this.note, this.legend, this.table,
    ]);
    const background: Plugin<'line'> = {
      id: 'themeBackground',
      beforeDraw: (chart) => {
        const { ctx } = chart;
        ctx.save();
        ctx.fillStyle = this.background;
        ctx.fillRect(0, 0, chart.width, chart.height);
        ctx.restore();
      },
    };
    this.chart = new Chart(this.canvas, { ...options.config, plugins: [...(options.config.plugins ?? []), background] });
  }

  /** Redraws without animation; call once per frame at most. */
  redraw(): void {
    this.chart.update('none');
  }

  describe(series: SeriesSummary[], table: SummaryTable, ariaLabel: string): void {
    this.element.dataset.series = JSON.stringify(series);
    this.canvas.setAttribute('aria-label', ariaLabel);
    const next = summaryTable(table.caption, table.columns, table.rows);
    this.table.replaceWith(next);
    this.table = next;
  }

  setSubtitle(text: string): void {
    if (this.subtitle.textContent !== text) this.subtitle.textContent = text;
  }

  setLegend(entries: LegendEntry[]): void {
    this.legend.replaceChildren(...entries.map((entry) => {
      const sample = el('span', { class: `legend-line legend-${entry.style}` });
      sample.style.color = entry.colour;
      return el('span', { class: 'legend-item' }, [sample, entry.label]);
    }));
  }

  /** A message in place of an empty chart ("no epochs yet"); undefined shows the chart. */
  setNote(text: string | undefined): void {
    this.note.textContent = text ?? '';
    this.note.hidden = text === undefined;
    this.element.classList.toggle('is-empty', text !== undefined);
  }
}
