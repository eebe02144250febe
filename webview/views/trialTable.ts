/**
 * The trials table: a column per searched dimension (input rate, rate, each hyperparameter of the space), then the
 * trial's figures; sortable by any column from the keyboard (headers are buttons), filtered by a text query
 * (model/tableFilter.ts), the best trial marked.
 */
import type { SweepSnapshot } from '../../src/protocol/webview';
import { el } from '../dom';
import { colourOf, toCss, type TrialColours } from '../model/colours';
import { dimensionsOf, type Dimension } from '../model/dimensions';
import { configRateLabel, formatMetric, formatPercent, formatRate, formatValue } from '../model/format';
import { bestMeaning, cellValue, dimensionColumn, sortRows, trialRows, type SortColumn, type TableSort, type TrialRow } from '../model/table';
import { filterRows } from '../model/tableFilter';
import { stateLabel } from './statusText';

/** What the table reports back: a header was clicked (or pressed), the filter query changed. */
export interface TrialTableActions {
  sort(column: SortColumn): void;
  filter(query: string): void;
}

interface Column {
  id: SortColumn;
  title: string;
  /** Shown on hover and read by screen readers with the header. */
  description: string;
  numeric: boolean;
  cell(row: TrialRow, sweep: SweepSnapshot): Node | string;
  /** Hidden when the sweep has no such metric. */
  shown?(sweep: SweepSnapshot): boolean;
}

export class TrialTable {
  readonly element: HTMLElement;
  private readonly table = el('table', { class: 'trials-table' });
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly caption = el('caption', { class: 'visually-hidden' });
  private bestText = '';
  private readonly columns: Column[];
  private headerKey = '';
  private readonly filterInput = el('input', {
    class: 'table-filter', attrs: { type: 'search', id: 'trials-filter', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'trials-filter-help' },
  });
  private readonly filterStatus = el('span', { class: 'table-filter-status muted', attrs: { id: 'trials-filter-help', 'aria-live': 'polite' } });

  constructor(private sort: TableSort, filter: string, private readonly actions: TrialTableActions, private colours: () => TrialColours) {
    this.columns = [
      {
        id: 'keep', title: 'Keep p', description: 'keep probability p = 1 − rate', numeric: true,
        cell: (row) => (row.keep === undefined ? '–' : formatRate(row.keep)),
        shown: (sweep) => sweep.trials.some((trial) => trial.plan.rate !== undefined),
      },
      { id: 'seed', title: 'Seed', description: 'random seed of the trial', numeric: true, cell: (row) => String(row.seed) },
      {
        id: 'state', title: 'State', description: 'trial state', numeric: false,
        cell: (row) => el('span', { class: 'state', text: stateLabel(row.state), attrs: { 'data-state': row.state } }),
      },
      {
        id: 'worker', title: 'Worker', description: 'the dropout-lab worker (host/slot) the trial runs on, and its attempt after the first',
        numeric: false, cell: (row) => el('span', { class: 'worker', text: row.worker ?? '–' }),
        shown: (sweep) => sweep.trials.some((trial) => trial.where !== undefined),
      },
      {
        id: 'epochs', title: 'Epochs', description: 'epochs trained', numeric: true,
        cell: (row, sweep) => (row.state === 'running' ? `${row.epochs}/${sweep.epochs}` : String(row.epochs)),
      },
      {
        id: 'bestValLoss', title: 'Best val_loss', description: 'lowest validation loss over epochs, and the epoch it was reached', numeric: true,
        cell: (row) => (row.bestValLoss === undefined
          ? '–'
          : el('span', {}, [formatMetric(row.bestValLoss), el('span', { class: 'muted', text: ` @ ${row.bestEpoch}` })])),
      },
      {
        id: 'testLoss', title: 'test loss', description: 'test split loss at the selected epoch (scored once, never used to choose)', numeric: true,
        cell: (row) => formatMetric(row.testLoss),
      },
      {
        id: 'testAcc', title: 'test acc', description: 'test split accuracy at the selected epoch (scored once, never used to choose)', numeric: true,
        cell: (row) => formatPercent(row.testAcc), shown: (sweep) => sweep.task === 'classification',
      },
      {
        id: 'finalTrainLoss', title: 'train_loss', description: 'last epoch, whole training set, deterministic rule', numeric: true,
        cell: (row) => formatMetric(row.finalTrainLoss),
      },
      {
        id: 'finalValLoss', title: 'val_loss', description: 'last epoch, validation set, deterministic rule', numeric: true,
        cell: (row) => formatMetric(row.finalValLoss),
      },
      { id: 'gap', title: 'Gap', description: 'overfitting gap val_loss − train_loss at the last epoch', numeric: true, cell: (row) => formatMetric(row.gap) },
      {
        id: 'valAcc', title: 'val_acc', description: 'validation accuracy at the last epoch', numeric: true,
        cell: (row) => formatPercent(row.valAcc), shown: (sweep) => sweep.task === 'classification',
      },
      {
        id: 'mcValLoss', title: 'MC val_loss', description: 'validation loss of Monte-Carlo dropout at the last epoch', numeric: true,
        cell: (row) => formatMetric(row.mcValLoss), shown: (sweep) => sweep.mcSamples > 0,
      },
      {
        id: 'mcEntropy', title: 'MC entropy', numeric: true, cell: (row) => formatMetric(row.mcEntropy), shown: (sweep) => sweep.mcSamples > 0,
        description: 'mean predictive entropy (nats) of the Monte-Carlo dropout prediction at the last epoch; regression: predictive variance',
      },
    ];
    this.table.append(this.caption, this.head, this.body);
    this.filterInput.value = filter;
    this.filterInput.addEventListener('input', () => actions.filter(this.filterInput.value));
    this.element = el('section', { class: 'trials', attrs: { 'aria-labelledby': 'trials-title' } }, [
      el('div', { class: 'trials-header' }, [
        el('h2', { text: 'Trials', attrs: { id: 'trials-title' } }),
        el('label', { class: 'visually-hidden', text: 'Filter the trials', attrs: { for: 'trials-filter' } }),
        this.filterInput, this.filterStatus,
      ]),
      el('div', { class: 'table-scroll' }, [this.table]),
    ]);
  }

  /** One column per searched dimension, in configEntries order; the colour dimension's cells carry their swatch. */
  private dimensionColumns(dimensions: readonly Dimension[]): Column[] {
    return dimensions.map((dimension, index) => ({
      id: dimensionColumn(dimension.name),
      title: dimension.name === 'input_rate' ? 'Input rate' : dimension.name === 'rate' ? 'Rate' : dimension.name,
      description: dimension.name === 'input_rate' ? 'dropout rate on the input features (drop probability)'
        : dimension.name === 'rate' ? 'dropout rate (drop probability)' : `the hyperparameter ${dimension.name} of the search space`,
      numeric: dimension.kind !== 'categorical',
      cell: (row) => this.dimensionCell(row, dimension, index === 0),
    }));
  }

  setSort(sort: TableSort): void {
    this.sort = sort;
    this.headerKey = '';
  }

  update(sweep: SweepSnapshot | undefined, query: string): void {
    this.element.hidden = !sweep;
    if (!sweep) return;
    const dimensions = dimensionsOf(sweep.trials.map((trial) => trial.plan));
    const columns = [...this.dimensionColumns(dimensions), ...this.columns.filter((column) => column.shown?.(sweep) ?? true)];
    this.bestText = `${bestMeaning(sweep)} of the sweep`;
    this.caption.textContent = `Trials of the sweep; the best trial has the ${this.bestText}`;
    this.renderHead(columns);
    const example = dimensions[dimensions.length - 1];
    this.filterInput.placeholder = example
      ? `Filter, e.g. ${example.name}${example.kind === 'categorical' ? '=' : '>='}`
        + `${formatValue(example.values[Math.floor(example.values.length / 2)]!)} state=completed`
      : 'Filter';
    const all = trialRows(sweep);
    const filtered = filterRows(all, query, dimensions.map((dimension) => dimension.name));
    this.filterStatus.textContent = [
      query.trim() ? `${filtered.rows.length} of ${all.length} trials` : '',
      filtered.unknown.length ? `not a column: ${filtered.unknown.join(' ')} (columns: ${dimensions.map((dimension) => dimension.name).join(', ')}, `
        + 'seed, state, worker, epochs, val_loss, train_loss, gap, test_loss, test_acc, val_acc)' : '',
    ].filter(Boolean).join(' · ');
    const rows = sortRows(filtered.rows, this.sort);
    this.body.replaceChildren(...rows.map((row) => {
      const tr = el('tr', {
        class: row.isBest ? 'is-best' : undefined, attrs: { 'data-trial': row.trialId, title: `${configRateLabel(row)} · seed ${row.seed}` },
      });
      tr.append(...columns.map((column, index) => {
        const content = column.cell(row, sweep);
        return index === 0
          ? el('th', { class: 'numeric', attrs: { scope: 'row' } }, [content])
          : el('td', { class: column.numeric ? 'numeric' : undefined }, [content]);
      }));
      return tr;
    }));
  }

  /** Rebuilt only when the columns or the sort change, so a focused header button keeps its focus. */
  private renderHead(columns: Column[]): void {
    const key = `${columns.map((column) => column.id).join()}|${this.sort.column}|${this.sort.direction}`;
    if (key === this.headerKey) return;
    this.headerKey = key;
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.sort;
    const cells = columns.map((column) => {
      const active = column.id === this.sort.column;
      const ascending = this.sort.direction === 'asc';
      const button = el('button', { class: 'sort-button', attrs: { type: 'button', 'data-sort': column.id, title: `Sort by ${column.description}` } }, [
        column.title,
        el('span', { class: 'sort-indicator', text: active ? (ascending ? '▲' : '▼') : '', attrs: { 'aria-hidden': 'true' } }),
      ]);
      button.addEventListener('click', () => this.actions.sort(column.id));
      if (column.id === focused) queueMicrotask(() => button.focus());
      return el('th', {
        class: column.numeric ? 'numeric' : undefined,
        attrs: { scope: 'col', 'aria-sort': active ? (ascending ? 'ascending' : 'descending') : 'none' },
      }, [button]);
    });
    this.head.replaceChildren(el('tr', {}, cells));
  }

  private dimensionCell(row: TrialRow, dimension: Dimension, first: boolean): Node | string {
    const value = cellValue(row, dimensionColumn(dimension.name));
    const text = value === undefined ? '–' : formatValue(value);
    const colours = this.colours();
    if (!first && colours.dimension?.name !== dimension.name) return text;
    const cell = el('span', { class: 'rate-cell' });
    if (colours.dimension?.name === dimension.name) {
      const swatch = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
      const colour = colourOf(colours, row);
      if (colour) swatch.style.backgroundColor = toCss(colour);
      cell.append(swatch);
    }
    cell.append(text);
    if (first && row.isBest) cell.append(el('span', { class: 'best-mark', text: 'best', attrs: { title: this.bestText } }));
    return cell;
  }
}
