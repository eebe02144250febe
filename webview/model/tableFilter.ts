/**
 * The trials table's filter: a text query of whitespace-separated terms, every one of which a row must match.
 *
 * - `name op value` compares a column: `lr<0.001`, `conv_rate>=0.2`, `dense_rate=0.25`, `state=completed`,
 *   `seed!=2`; op is one of `=`, `!=`, `<`, `<=`, `>`, `>=`, and `:` (contains). Names are a searched dimension's
 *   (`input_rate`, `rate`, a hyperparameter of the space) or a metric column's (`val_loss`, `test_acc`, `gap`…).
 * - any other term matches rows whose configuration, state or trial id contains it (`completed`, `lr 0.01`).
 *
 * Pure: the view keeps the query in its saved state and says which terms it did not understand.
 */
import type { HpValue } from '../../src/core/hyperparameters';
import { configRateLabel } from './format';
import { cellValue, dimensionColumn, type SortColumn, type TrialRow } from './table';

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':';

/** Metric columns by the names the CLI's table and --json use. */
const metricColumns: Record<string, SortColumn> = {
  keep: 'keep', seed: 'seed', state: 'state', worker: 'worker', epochs: 'epochs', best_val_loss: 'bestValLoss', test_loss: 'testLoss', test_acc: 'testAcc',
  train_loss: 'finalTrainLoss', val_loss: 'finalValLoss', gap: 'gap', val_acc: 'valAcc', mc_val_loss: 'mcValLoss', mc_entropy: 'mcEntropy',
};

export interface TableFilter {
  /** The rows that match every term, in the order given. */
  rows: TrialRow[];
  /** Terms naming no column of this sweep, as the user typed them. */
  unknown: string[];
}

const comparison = /^([A-Za-z_][\w.-]*?)(<=|>=|!=|=|<|>|:)(.+)$/;

/** Filters rows by `query`; `dimensions`: the names the sweep searches (configEntries' names). */
export function filterRows(rows: readonly TrialRow[], query: string, dimensions: readonly string[]): TableFilter {
  const unknown: string[] = [];
  const tests: ((row: TrialRow) => boolean)[] = [];
  for (const term of query.trim().split(/\s+/).filter(Boolean)) {
    const match = comparison.exec(term);
    if (!match) {
      const needle = term.toLowerCase();
      tests.push((row) => `${configRateLabel(row)} ${row.state} ${row.trialId} ${row.worker ?? ''}`.toLowerCase().includes(needle));
      continue;
    }
    const [, name, operator, wanted] = match as unknown as [string, string, Operator, string];
    const column = dimensions.includes(name) ? dimensionColumn(name) : metricColumns[name.toLowerCase()];
    if (!column) {
      unknown.push(term);
      continue;
    }
    tests.push((row) => matches(column === 'state' ? row.state : cellValue(row, column), operator, wanted));
  }
  return { rows: rows.filter((row) => tests.every((test) => test(row))), unknown };
}

function matches(value: HpValue | undefined, operator: Operator, wanted: string): boolean {
  if (value === undefined) return operator === '!=';
  const text = String(value).toLowerCase();
  const target = wanted.toLowerCase();
  if (operator === ':') return text.includes(target);
  const number = Number(wanted);
  const numeric = typeof value === 'number' && wanted.trim() !== '' && Number.isFinite(number);
  const order = numeric ? Math.sign((value) - number) : text.localeCompare(target);
  switch (operator) {
    case '=': return order === 0;
    case '!=': return order !== 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
}
