/**
 * The trials table: one row per trial, a column per searched dimension (input rate, rate, each hyperparameter of the
 * space), sortable by any column and filtered by a text query, the best trial marked.
 */
import { compareConfigs, configOf } from '../../src/core/dropoutConfig';
import type { HpAssignment, HpValue } from '../../src/core/hyperparameters';
import type { SweepObjective } from '../../src/core/spec';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import type { TrialPlacement, TrialState } from '../../src/core/trial';
import { objectiveDirection } from '../../src/core/objective';
import { isFiniteNumber, keepOf } from './format';
import { comparedOf } from './sweeps';

export interface TrialRow {
  trialId: string;
  /** Drop probability on the input features, when the sweep searches it. */
  inputRate?: number;
  /** The hidden rate, when the sweep searches it (shorthand sweeps), and its keep probability. */
  rate?: number;
  keep?: number;
  /** The named hyperparameters of a space sweep. */
  hp?: HpAssignment;
  seed: number;
  state: TrialState;
  /** Queue executor: the worker's host and slot it runs (or ran) on, and its attempt when not the first (workerLabel). */
  worker?: string;
  /** Epochs done. */
  epochs: number;
  /** The lowest finite val_loss and the (first) epoch it was reached at. */
  bestValLoss?: number;
  bestEpoch?: number;
  /** The highest finite val_acc over epochs (classification). */
  bestValAcc?: number;
  /** Test split figures at the trial's selected epoch (its summary's `selected.test`): reported, never chosen by. */
  testLoss?: number;
  testAcc?: number;
  finalTrainLoss?: number;
  finalValLoss?: number;
  /** Overfitting gap at the last epoch: val_loss − train_loss. */
  gap?: number;
  valAcc?: number;
  mcValLoss?: number;
  mcEntropy?: number;
  /** The best trial by the sweep's objective (see bestMeaning), among the compared trials. */
  isBest: boolean;
}

/** The columns other than the searched dimensions. */
export const sortColumns = [
  'inputRate', 'rate', 'keep', 'seed', 'state', 'worker', 'epochs', 'bestValLoss', 'testLoss', 'testAcc', 'finalTrainLoss', 'finalValLoss', 'gap', 'valAcc',
  'mcValLoss', 'mcEntropy',
] as const;
/** A fixed column, or `hp:name` for a hyperparameter of the space (the rates keep their ids `inputRate` and `rate`). */
export type SortColumn = (typeof sortColumns)[number] | `hp:${string}`;
export type SortDirection = 'asc' | 'desc';
export interface TableSort {
  column: SortColumn;
  direction: SortDirection;
}

export const defaultSort: TableSort = { column: 'rate', direction: 'asc' };

export function isSortColumn(value: unknown): value is SortColumn {
  return typeof value === 'string' && ((sortColumns as readonly string[]).includes(value) || (value.startsWith('hp:') && value.length > 3));
}

/** The column of a searched dimension (configEntries' names): the rates keep their ids, a space's names are `hp:name`. */
export function dimensionColumn(name: string): SortColumn {
  return name === 'input_rate' ? 'inputRate' : name === 'rate' ? 'rate' : `hp:${name}`;
}

function finite(value: unknown): number | undefined {
  return isFiniteNumber(value) ? value : undefined;
}

/** "gpu-box/2", or "gpu-box/2 · attempt 3" once a trial was taken up again: where a queue executor's trial runs. */
export function workerLabel(where: TrialPlacement): string {
  return `${where.host}/${where.slot}${where.attempt > 1 ? ` · attempt ${where.attempt}` : ''}`;
}

export function trialRow(trial: TrialSnapshot): TrialRow {
  const row: TrialRow = {
    trialId: trial.plan.id,
    ...configOf(trial.plan),
    ...(trial.plan.rate !== undefined ? { keep: keepOf(trial.plan.rate) } : {}),
    seed: trial.plan.seed,
    state: trial.state,
    ...(trial.where ? { worker: workerLabel(trial.where) } : {}),
    epochs: trial.epochs.length,
    isBest: false,
  };
  for (const metrics of trial.epochs) {
    const valLoss = finite(metrics.val_loss);
    if (valLoss !== undefined && (row.bestValLoss === undefined || valLoss < row.bestValLoss)) {
      row.bestValLoss = valLoss;
      row.bestEpoch = metrics.epoch;
    }
    const valAcc = finite(metrics.val_acc);
    if (valAcc !== undefined && (row.bestValAcc === undefined || valAcc > row.bestValAcc)) row.bestValAcc = valAcc;
  }
  const test = trial.summary?.selected?.test;
  if (test) {
    row.testLoss = finite(test.loss);
    row.testAcc = finite(test.acc);
  }
  const final = trial.epochs[trial.epochs.length - 1];
  if (final) {
    row.finalTrainLoss = finite(final.train_loss);
    row.finalValLoss = finite(final.val_loss);
    row.gap = row.finalValLoss !== undefined && row.finalTrainLoss !== undefined ? row.finalValLoss - row.finalTrainLoss : undefined;
    row.valAcc = finite(final.val_acc);
    row.mcValLoss = finite(final.mc_val_loss);
    row.mcEntropy = finite(final.mc_entropy);
  }
  return row;
}

/** What the best mark means, in words: "lowest best val_loss" or "highest best val_acc" (+ Hyperband's restriction). */
export function bestMeaning(sweep: Pick<SweepSnapshot, 'objective' | 'strategy'>): string {
  const words = `${objectiveDirection(sweep.objective) === 'min' ? 'lowest' : 'highest'} best ${sweep.objective}`;
  return sweep.strategy === 'hyperband' ? `${words} of the trials trained to maxEpochs` : words;
}

const objectiveValue = (row: TrialRow, objective: SweepObjective): number | undefined => (objective === 'val_acc' ? row.bestValAcc : row.bestValLoss);

/** Rows in plan order, the best one by the sweep's objective marked among the compared trials (ties: the first in plan order). */
export function trialRows(sweep: SweepSnapshot): TrialRow[] {
  const rows = sweep.trials.map(trialRow);
  const compared = new Set(comparedOf(sweep).map((trial) => trial.plan.id));
  const sign = objectiveDirection(sweep.objective) === 'min' ? 1 : -1;
  let best: { row: TrialRow; value: number } | undefined;
  for (const row of rows) {
    const value = objectiveValue(row, sweep.objective);
    if (value !== undefined && compared.has(row.trialId) && (!best || sign * value < sign * best.value)) best = { row, value };
  }
  if (best) best.row.isBest = true;
  return rows;
}

/** Lifecycle order, so sorting by state groups what is moving before what is done. */
const stateOrder: Record<TrialState, number> = { running: 0, pending: 1, completed: 2, cancelled: 3, interrupted: 4, failed: 5 };

/** A row's value in a column: numbers, a hyperparameter's value (a string or boolean for a choice), the state's rank. */
export function cellValue(row: TrialRow, column: SortColumn): HpValue | undefined {
  if (column === 'state') return stateOrder[row.state];
  if (column === 'worker') return row.worker;
  if (column.startsWith('hp:')) return row.hp?.[column.slice(3)];
  return row[column as (typeof sortColumns)[number]] as number | undefined;
}

/** Numbers by value; strings and booleans as text (a choice's values), numbers before them. */
function compareCells(x: HpValue, y: HpValue): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'number' || typeof y === 'number') return typeof x === 'number' ? -1 : 1;
  return String(x).localeCompare(String(y));
}

/**
 * A sorted copy. Missing values go last in either direction; ties keep the configuration order (input rate, rate,
 * the space's names), then seed, ascending.
 */
export function sortRows(rows: readonly TrialRow[], sort: TableSort): TrialRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = cellValue(a, sort.column);
    const y = cellValue(b, sort.column);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else if (x !== y) return sign * compareCells(x, y);
    return compareConfigs(a, b) || a.seed - b.seed;
  });
}

/** Clicking a header: a new column sorts ascending, the same column flips. */
export function toggleSort(current: TableSort, column: SortColumn): TableSort {
  if (current.column !== column) return { column, direction: 'asc' };
  return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}
