/**
 * The objective over any two searched dimensions, drawn as a table: Chart.js has no heatmap, and a table gives every
 * cell a text value, a focus stop and a label for screen readers. The arrow keys move between cells (one tab stop
 * for the whole grid); Home and End go to the ends of a row. Two pickers (native selects: keyboard and screen
 * reader work as everywhere) choose the rows' and the columns' dimension; input rate × hidden rate by default.
 *
 * For tests: `data-rows` and `data-columns` name the dimensions shown, `data-best` is the best cell's
 * `[row value, column value]` as JSON, and each cell has `data-row-value`, `data-column-value` (JSON) and `data-value`.
 */
import { el } from '../dom';
import { toCss } from '../model/colours';
import type { Dimension } from '../model/dimensions';
import { formatValue, valueLabel } from '../model/format';
import { renderObjectiveLegend } from './objectiveLegend';
import { objectiveColour, textColourOn, type Heatmap, type HeatmapCell, type HeatmapPick } from '../model/heatmap';

const objectiveNames = { val_loss: 'val_loss (lower is better)', val_acc: 'val_acc (higher is better)' } as const;

/** How a dimension is named in headings: the rates in words, a space's names as the spec spells them. */
const dimensionTitle = (name: string): string => (name === 'input_rate' ? 'input rate' : name === 'rate' ? 'hidden rate' : name);

export class HeatmapCard {
  readonly element: HTMLElement;
  private readonly title = el('h2', { text: 'Objective over two hyperparameters', attrs: { id: 'chart-heatmap-title' } });
  private readonly subtitle = el('p', { class: 'chart-card-subtitle' });
  private readonly grid = el('table', { class: 'heatmap', attrs: { role: 'grid', 'aria-labelledby': 'chart-heatmap-title' } });
  private readonly legend = el('div', { class: 'heatmap-legend' });
  private readonly pickers = el('div', { class: 'heatmap-pickers' });
  private readonly rowPicker = el('select', { attrs: { id: 'heatmap-rows' } });
  private readonly columnPicker = el('select', { attrs: { id: 'heatmap-columns' } });
  private pickerKey = '';
  /** The dimensions the grid shows now (before a pick changes them). */
  private shown = { rows: '', columns: '' };
  /** The cell that holds the grid's tab stop, kept across redraws. */
  private active = { row: 0, column: 0 };

  constructor(private readonly onPick: (pick: HeatmapPick) => void) {
    const attrs = { 'data-chart': 'heatmap', 'aria-labelledby': 'chart-heatmap-title', hidden: true };
    this.element = el('section', { class: 'chart-card heatmap-card', attrs }, [
      el('header', { class: 'chart-card-header' }, [
        el('div', { class: 'chart-card-heading' }, [
          this.title, this.subtitle,
        ]),
      ]),
      this.pickers,
      el('div', { class: 'heatmap-scroll' }, [this.grid]),
      this.legend,
    ]);
    this.grid.addEventListener('keydown', (event) => this.onKey(event));
    this.pickers.append(
      el('label', { text: 'Rows', attrs: { for: 'heatmap-rows' } }), this.rowPicker,
      el('label', { text: 'Columns', attrs: { for: 'heatmap-columns' } }), this.columnPicker,
    );
    // Picking for one side the dimension the other shows swaps them: the grid never has one dimension twice.
    const picked = (changed: HTMLSelectElement, other: HTMLSelectElement, previous: () => string) => () => {
      if (changed.value === other.value) other.value = previous();
      this.onPick({ rows: this.rowPicker.value, columns: this.columnPicker.value });
    };
    this.rowPicker.addEventListener('change', picked(this.rowPicker, this.columnPicker, () => this.shown.rows));
    this.columnPicker.addEventListener('change', picked(this.columnPicker, this.rowPicker, () => this.shown.columns));
  }

  /** Hidden when the sweep searches a single dimension (no heatmap). `dimensions`: what the pickers offer. */
  update(heatmap: Heatmap | undefined, dimensions: readonly Dimension[]): void {
    this.element.hidden = heatmap === undefined;
    if (!heatmap) return;
    this.updatePickers(heatmap, dimensions);
    const refocus = this.grid.contains(document.activeElement);
    this.active = {
      row: Math.min(this.active.row, heatmap.rows.values.length - 1),
      column: Math.min(this.active.column, heatmap.columns.values.length - 1),
    };
    const [rowTitle, columnTitle] = [dimensionTitle(heatmap.rows.name), dimensionTitle(heatmap.columns.name)];
    this.title.textContent = `Objective by ${rowTitle} and ${columnTitle}`;
    const others = dimensions.length > 2 ? ', averaged over the other hyperparameters' : '';
    const rates = [heatmap.rows.name, heatmap.columns.name].some((name) => name === 'rate' || name === 'input_rate')
      ? ' (rates are drop probabilities; keep = 1 − rate)' : '';
    this.subtitle.textContent = `${objectiveNames[heatmap.objective]} at the selected epoch, mean over trials${others} · rows: ${rowTitle} · `
      + `columns: ${columnTitle}${rates}`;
    const corner = el('th', { class: 'heatmap-corner', text: `${rowTitle} \\ ${columnTitle}`, attrs: { scope: 'col' } });
    const head = el('tr', {}, [
      corner, ...heatmap.columns.values.map((value) => el('th', {
        text: formatValue(value), attrs: { scope: 'col', title: valueLabel(heatmap.columns.name, value) },
      })),
    ]);
    const rows = heatmap.cells.map((cells, row) => el('tr', {}, [
      el('th', { text: formatValue(heatmap.rows.values[row]!), attrs: { scope: 'row', title: valueLabel(heatmap.rows.name, heatmap.rows.values[row]!) } }),
      ...cells.map((cell, column) => this.cell(cell, row, column)),
    ]));
    this.grid.replaceChildren(
      el('caption', { class: 'visually-hidden', text: `${objectiveNames[heatmap.objective]} by ${rowTitle} (rows) and ${columnTitle} (columns)` }),
      el('thead', {}, [head]), el('tbody', {}, rows));
    this.element.dataset.rows = heatmap.rows.name;
    this.element.dataset.columns = heatmap.columns.name;
    this.element.dataset.best = heatmap.best ? JSON.stringify([heatmap.best.row, heatmap.best.column]) : '';
    this.renderLegend(heatmap);
    if (refocus) this.cellAt(this.active.row, this.active.column)?.focus();
  }

  private cell(cell: HeatmapCell, row: number, column: number): HTMLElement {
    const active = row === this.active.row && column === this.active.column;
    const td = el('td', {
      class: `heatmap-cell${cell.isBest ? ' is-best' : ''}${cell.value === undefined ? ' is-empty' : ''}`,
      attrs: {
        role: 'gridcell', tabindex: active ? 0 : -1, 'aria-label': cell.label, title: cell.label,
        'data-row-value': JSON.stringify(cell.row), 'data-column-value': JSON.stringify(cell.column), 'data-value': cell.value,
        'data-row': row, 'data-column': column,
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

  /** Rebuilt only when the dimensions or the pick change, so an open or focused select is left alone. */
  private updatePickers(heatmap: Heatmap, dimensions: readonly Dimension[]): void {
    const key = JSON.stringify([dimensions.map((dimension) => dimension.name), heatmap.rows.name, heatmap.columns.name]);
    if (key === this.pickerKey) return;
    this.pickerKey = key;
    this.shown = { rows: heatmap.rows.name, columns: heatmap.columns.name };
    const options = (selected: string) => dimensions.map((dimension) => el('option', {
      text: dimensionTitle(dimension.name), attrs: { value: dimension.name, selected: dimension.name === selected },
    }));
    this.rowPicker.replaceChildren(...options(heatmap.rows.name));
    this.columnPicker.replaceChildren(...options(heatmap.columns.name));
    this.rowPicker.value = heatmap.rows.name;
    this.columnPicker.value = heatmap.columns.name;
  }

  private renderLegend(heatmap: Heatmap): void {
    const best = heatmap.best && heatmap.best.configs > 1 ? '★ outlined: holds the best configuration' : '★ outlined: best configuration';
    renderObjectiveLegend(this.legend, heatmap.objective, heatmap.range, [best]);
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
