/** The trials table: sortable by any column from the keyboard (headers are buttons), the best trial marked. */
import type { SweepSnapshot } from '../../src/protocol/webview';
import { el } from '../dom';
import { toCss, type Rgb } from '../model/colours';
import { searchesInputRate } from '../../src/core/dropoutConfig';
import { configRateLabel, formatMetric, formatPercent, formatRate } from '../model/format';
import { bestMeaning, sortRows, trialRows, type SortColumn, type TableSort, type TrialRow } from '../model/table';
import { stateLabel } from './statusText';

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

  constructor(private sort: TableSort, private readonly onSort: (column: SortColumn) => void, private colours: () => ReadonlyMap<number, Rgb>) {
    this.columns = [
      {
        id: 'inputRate', title: 'Input rate', description: 'dropout rate on the input features (drop probability)', numeric: true,
        cell: (row) => formatRate(row.inputRate ?? 0), shown: (sweep) => sweep.trials.some((trial) => searchesInputRate(trial.plan)),
      },
      { id: 'rate', title: 'Rate', description: 'dropout rate (drop probability)', numeric: true, cell: (row) => this.rateCell(row) },
      { id: 'keep', title: 'Keep p', description: 'keep probability p = 1 − rate', numeric: true, cell: (row) => formatRate(row.keep) },
      { id: 'seed', title: 'Seed', description: 'random seed of the trial', numeric: true, cell: (row) => String(row.seed) },
      {
        id: 'state', title: 'State', description: 'trial state', numeric: false,
        cell: (row) => el('span', { class: 'state', text: stateLabel(row.state), attrs: { 'data-state': row.state } }),
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
    this.element = el('section', { class: 'trials', attrs: { 'aria-labelledby': 'trials-title' } }, [
      el('h2', { text: 'Trials', attrs: { id: 'trials-title' } }),
      el('div', { class: 'table-scroll' }, [this.table]),
    ]);
  }

  setSort(sort: TableSort): void {
    this.sort = sort;
    this.headerKey = '';
  }

  update(sweep: SweepSnapshot | undefined): void {
    this.element.hidden = !sweep;
    if (!sweep) return;
    const columns = this.columns.filter((column) => column.shown?.(sweep) ?? true);
    this.bestText = `${bestMeaning(sweep)} of the sweep`;
    this.caption.textContent = `Trials of the sweep; the best trial has the ${this.bestText}`;
    this.renderHead(columns);
    const rows = sortRows(trialRows(sweep), this.sort);
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
      button.addEventListener('click', () => this.onSort(column.id));
      if (column.id === focused) queueMicrotask(() => button.focus());
      return el('th', {
        class: column.numeric ? 'numeric' : undefined,
        attrs: { scope: 'col', 'aria-sort': active ? (ascending ? 'ascending' : 'descending') : 'none' },
      }, [button]);
    });
    this.head.replaceChildren(el('tr', {}, cells));
  }

  private rateCell(row: TrialRow): Node {
    const swatch = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    const colour = this.colours().get(row.rate);
    if (colour) swatch.style.backgroundColor = toCss(colour);
    const cell = el('span', { class: 'rate-cell' }, [swatch, formatRate(row.rate)]);
    if (row.isBest) cell.append(el('span', { class: 'best-mark', text: 'best', attrs: { title: this.bestText } }));
    return cell;
  }
}
