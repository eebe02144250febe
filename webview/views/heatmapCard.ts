/**
 * The objective over input rate × hidden rate, drawn as a table: Chart.js has no heatmap, and a table gives every
 * cell a text value, a focus stop and a label for screen readers. The arrow keys move between cells (one tab stop
 * for the whole grid); Home and End go to the ends of a row.
 */
import { objectiveDirection } from '../../src/core/objective';
import { el } from '../dom';
import { toCss } from '../model/colours';
import { formatRate } from '../model/format';
import { formatObjective, objectiveColour, textColourOn, type Heatmap, type HeatmapCell } from '../model/heatmap';

const objectiveNames = { val_loss: 'best val_loss (lower is better)', val_acc: 'best val_acc (higher is better)' } as const;

export class HeatmapCard {
  readonly element: HTMLElement;
  private readonly subtitle = el('p', { class: 'chart-card-subtitle' });
  private readonly grid = el('table', { class: 'heatmap', attrs: { role: 'grid', 'aria-labelledby': 'chart-heatmap-title' } });
  private readonly legend = el('div', { class: 'heatmap-legend' });
  /** The cell that holds the grid's tab stop, kept across redraws. */
  private active = { row: 0, column: 0 };

  constructor() {
    const attrs = { 'data-chart': 'heatmap', 'aria-labelledby': 'chart-heatmap-title', hidden: true };
    this.element = el('section', { class: 'chart-card heatmap-card', attrs }, [
      el('header', { class: 'chart-card-header' }, [
        el('div', { class: 'chart-card-heading' }, [
          el('h2', { text: 'Objective by input and hidden dropout', attrs: { id: 'chart-heatmap-title' } }), this.subtitle,
        ]),
      ]),
      el('div', { class: 'heatmap-scroll' }, [this.grid]),
      this.legend,
    ]);
    this.grid.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Hidden when the sweep searches a single rate (no heatmap). */
  update(heatmap: Heatmap | undefined): void {
    this.element.hidden = heatmap === undefined;
    if (!heatmap) return;
    const refocus = this.grid.contains(document.activeElement);
    this.active = {
      row: Math.min(this.active.row, heatmap.inputRates.length - 1),
      column: Math.min(this.active.column, heatmap.rates.length - 1),
    };
    this.subtitle.textContent = `${objectiveNames[heatmap.objective]}, mean over seeds · rows: input rate · columns: hidden rate `
      + '(drop probabilities; keep = 1 − rate)';
    const corner = el('th', { class: 'heatmap-corner', text: 'input \\ hidden', attrs: { scope: 'col' } });
    const head = el('tr', {}, [
      corner, ...heatmap.rates.map((rate) => el('th', { text: formatRate(rate), attrs: { scope: 'col', title: `hidden rate ${formatRate(rate)}` } })),
    ]);
    const rows = heatmap.cells.map((cells, row) => el('tr', {}, [
      el('th', { text: formatRate(heatmap.inputRates[row]!), attrs: { scope: 'row', title: `input rate ${formatRate(heatmap.inputRates[row]!)}` } }),
      ...cells.map((cell, column) => this.cell(cell, row, column)),
    ]));
    this.grid.replaceChildren(
      el('caption', { class: 'visually-hidden', text: `${objectiveNames[heatmap.objective]} by input rate (rows) and hidden rate (columns)` }),
      el('thead', {}, [head]), el('tbody', {}, rows));
    this.element.dataset.best = heatmap.best ? JSON.stringify([heatmap.best.inputRate, heatmap.best.rate]) : '';
    this.renderLegend(heatmap);
    if (refocus) this.cellAt(this.active.row, this.active.column)?.focus();
  }

  private cell(cell: HeatmapCell, row: number, column: number): HTMLElement {
    const active = row === this.active.row && column === this.active.column;
    const td = el('td', {
      class: `heatmap-cell${cell.isBest ? ' is-best' : ''}${cell.value === undefined ? ' is-empty' : ''}`,
      attrs: {
        role: 'gridcell', tabindex: active ? 0 : -1, 'aria-label': cell.label, title: cell.label,
        'data-input-rate': cell.inputRate, 'data-rate': cell.rate, 'data-value': cell.value, 'data-row': row, 'data-column': column,
      },
    }, [cell.text]);
    if (cell.isBest) td.append(el('span', { class: 'heatmap-best-mark', text: '★', attrs: { 'aria-hidden': 'true' } }));
    if (cell.goodness !== undefined) {
      const background = objectiveColour(cell.goodness);
      td.style.backgroundColor = toCss(background);
      td.style.color = textColourOn(background);
    }
    td.addEventListener('focus', () => this.setActive(row, column));
    return td;
  }

  private renderLegend(heatmap: Heatmap): void {
    if (!heatmap.range) {
      this.legend.replaceChildren(el('span', { class: 'muted', text: 'No epochs yet.' }));
      return;
    }
    const { low, high } = heatmap.range;
    const [worst, best] = objectiveDirection(heatmap.objective) === 'max' ? [low, high] : [high, low];
    const ramp = el('span', { class: 'heatmap-ramp', attrs: { 'aria-hidden': 'true' } });
    ramp.append(...[0, 0.25, 0.5, 0.75, 1].map((goodness) => {
      const stop = el('span', { class: 'heatmap-ramp-stop' });
      stop.style.backgroundColor = toCss(objectiveColour(goodness));
      return stop;
    }));
    this.legend.replaceChildren(
      el('span', { text: `worst ${formatObjective(heatmap.objective, worst)}` }), ramp,
      el('span', { text: `best ${formatObjective(heatmap.objective, best)}` }),
      el('span', { class: 'muted', text: '★ outlined: best configuration' }),
    );
  }

  private cellAt(row: number, column: number): HTMLElement | null {
    return this.grid.querySelector<HTMLElement>(`td[data-row="${row}"][data-column="${column}"]`);
  }

  private setActive(row: number, column: number): void {
    if (row === this.active.row && column === this.active.column) return;
    this.cellAt(this.active.row, this.active.column)?.setAttribute('tabindex', '-1');
    this.active = { row, column };
    this.cellAt(row, column)?.setAttribute('tabindex', '0');
  }

  private onKey(event: KeyboardEvent): void {
    const rows = this.grid.tBodies[0]?.rows.length ?? 0;
    const columns = (this.grid.tHead?.rows[0]?.cells.length ?? 1) - 1;
    let { row, column } = this.active;
    switch (event.key) {
      case 'ArrowUp': row -= 1; break;
      case 'ArrowDown': row += 1; break;
      case 'ArrowLeft': column -= 1; break;
      case 'ArrowRight': column += 1; break;
      case 'Home': column = 0; break;
      case 'End': column = columns - 1; break;
      default: return;
    }
    event.preventDefault();
    row = Math.max(0, Math.min(rows - 1, row));
    column = Math.max(0, Math.min(columns - 1, column));
    this.setActive(row, column);
    this.cellAt(row, column)?.focus();
  }
}
