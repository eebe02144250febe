/**
 * The parallel-coordinates view, drawn as SVG (Chart.js has none): a vertical axis per searched dimension and one
 * for the objective, one polyline per voting trial coloured by its objective (viridis, as the heatmap), the best
 * configuration's trials outlined and drawn on top. Axes and text take VS Code's theme colours from the
 * stylesheet (`.pc-*` classes); hovering a line brings it forward and its `<title>` names the trial. The same data
 * is a table below it (a disclosure, open to everyone, and what screen readers read).
 *
 * For tests (the e2e suite reads this, never pixels): `[data-chart="parallel"]` has `data-series` JSON
 *   { objective, axes: [{ name, kind, min?, max?, categories? }], lines: [{ trialId, values, objective, best }] }
 * with one line per voting trial (its values in axis order, the objective last) and the objective as the last axis.
 */
import type { SweepObjective } from '../../src/core/spec';
import { el, summaryTable } from '../dom';
import { toCss } from '../model/colours';
import { formatValue } from '../model/format';
import { formatObjective, objectiveRampOn } from '../model/heatmap';
import type { ParallelCoordinates } from '../model/parallelCoordinates';
import type { ChartTheme } from '../charts/theme';
import { renderObjectiveLegend } from './objectiveLegend';

const svgNs = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, children: (Node | string)[] = []): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** Space around the axes: names above, the lowest tick below, tick labels left of each axis. */
const margin = { top: 34, right: 64, bottom: 18, left: 64 };
const height = 300;


export class ParallelCoordinatesCard {
  readonly element: HTMLElement;
  private readonly figure = el('div', { class: 'pc-figure' });
  private readonly legend = el('div', { class: 'heatmap-legend' });
  private readonly subtitle = el('p', { class: 'chart-card-subtitle' });
  private table: HTMLElement = el('div');
  private readonly details = el('details', { class: 'pc-details' }, [el('summary', { text: 'The lines as a table' })]);
  private model: ParallelCoordinates | undefined;
  private theme: ChartTheme | undefined;
  private width = 0;

  constructor() {
    this.element = el('section', {
      class: 'chart-card pc-card', attrs: { 'data-chart': 'parallel', 'data-series': '{}', 'aria-labelledby': 'chart-parallel-title', hidden: true },
    }, [
      el('header', { class: 'chart-card-header' }, [
        el('div', { class: 'chart-card-heading' }, [el('h2', { text: 'Parallel coordinates', attrs: { id: 'chart-parallel-title' } }), this.subtitle]),
      ]),
      this.figure, this.legend, this.details,
    ]);
    this.details.append(this.table);
    // Drawn at the figure's own width in pixels, so text keeps the panel's size whatever the width.
    new ResizeObserver(() => {
      const width = Math.round(this.figure.clientWidth);
      if (width === this.width) return;
      this.width = width;
      this.render();
    }).observe(this.figure);
  }

  /** Hidden unless `shown` (the sweep searches more than two dimensions). */
  update(model: ParallelCoordinates | undefined, shown: boolean, theme: ChartTheme): void {
    this.element.hidden = !shown;
    if (!shown) return;
    this.model = model;
    this.theme = theme;
    this.element.dataset.series = JSON.stringify(model ? {
      objective: model.objective,
      axes: model.axes.map(({ name, kind, min, max, categories }) => ({ name, kind, min, max, categories })),
      lines: model.lines.map((line) => ({ trialId: line.trialId, values: line.values, objective: line.objective, best: line.isBest })),
    } : { axes: [], lines: [] });
    this.subtitle.textContent = model
      ? `one line per trial through its values, coloured by ${model.objective} at its selected epoch · hover a line to single it out`
      : '';
    const ramp = objectiveRampOn(theme.background);
    renderObjectiveLegend(this.legend, model?.objective ?? 'val_loss', model?.range, ['outlined: the best configuration’s trials'], ramp);
    this.renderTable(model);
    this.render();
  }

  private render(): void {
    const { model, theme } = this;
    if (!model || !theme || this.width === 0) {
      this.figure.replaceChildren(el('p', { class: 'chart-note', text: 'No trial has a selected epoch yet.' }));
      return;
    }
    const width = Math.max(320, this.width);
    const step = (width - margin.left - margin.right) / Math.max(1, model.axes.length - 1);
    const xOf = (index: number) => margin.left + index * step;
    const yOf = (position: number) => margin.top + (1 - position) * (height - margin.top - margin.bottom);
    const ramp = objectiveRampOn(theme.background);
    const lines = model.lines.map((line) => {
      const d = line.positions.map((position, index) => `${index === 0 ? 'M' : 'L'}${xOf(index).toFixed(1)} ${yOf(position).toFixed(1)}`).join(' ');
      const colour = toCss(ramp.colour(line.goodness));
      const title = `${line.label}: ${model.objective} ${formatObjective(model.objective, line.objective)}${line.isBest ? ' (best configuration)' : ''}`;
      const group = svg('g', { class: `pc-line${line.isBest ? ' is-best' : ''}`, 'data-trial': line.trialId }, [svg('title', {}, [title])]);
      if (line.isBest) group.append(svg('path', { class: 'pc-line-casing', d }));
      group.append(svg('path', { class: 'pc-line-stroke', d, stroke: colour }));
      return group;
    });
    const axes = model.axes.map((axis, index) => {
      const x = xOf(index);
      // The objective's ticks go right of its axis, where no line crosses them.
      const tickSide = axis.isObjective ? 1 : -1;
      const anchor = index === 0 ? 'start' : 'middle';
      const nameX = anchor === 'start' ? x - 8 : x;
      const title = axis.isObjective ? `${axis.name} (objective)` : axis.kind === 'log' ? `${axis.name} (log)` : axis.name;
      return svg('g', { class: `pc-axis${axis.isObjective ? ' is-objective' : ''}` }, [
        svg('line', { class: 'pc-axis-line', x1: x, x2: x, y1: yOf(0), y2: yOf(1) }),
        svg('text', { class: 'pc-axis-name', x: nameX, y: margin.top - 16, 'text-anchor': anchor }, [title]),
        ...axis.ticks.flatMap((tick) => [
          svg('line', { class: 'pc-tick', x1: x + 4 * tickSide, x2: x, y1: yOf(tick.position), y2: yOf(tick.position) }),
          svg('text', {
            class: 'pc-tick-label', x: x + 7 * tickSide, y: yOf(tick.position),
            'text-anchor': axis.isObjective ? 'start' : 'end', 'dominant-baseline': 'middle',
          }, [tick.label]),
        ]),
      ]);
    });
    const label = `Parallel coordinates: ${model.lines.length} trials over ${model.axes.map((axis) => axis.name).join(', ')}; `
      + 'the same data is in the table below';
    this.figure.replaceChildren(svg('svg', { class: 'pc-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label }, [
      svg('g', { class: 'pc-lines' }, lines), ...axes,
    ]));
  }

  private renderTable(model: ParallelCoordinates | undefined): void {
    const objective: SweepObjective = model?.objective ?? 'val_loss';
    const next = summaryTable(
      'Each trial’s hyperparameters and objective (the lines of the parallel-coordinates view), best first',
      ['Trial', ...(model?.axes.map((axis) => axis.name) ?? [])],
      [...(model?.lines ?? [])].reverse().map((line) => [
        `${line.trialId}${line.isBest ? ' (best configuration)' : ''}`,
        ...line.values.map((value, index) => (index === line.values.length - 1 ? formatObjective(objective, value as number) : formatValue(value))),
      ]),
    );
    // The disclosure shows the table to everyone: not visually hidden there.
    next.className = 'table-scroll pc-table';
    this.table.replaceWith(next);
    this.table = next;
  }
}
