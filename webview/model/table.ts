/** The trials table: one row per trial, sortable by any column, the best trial marked. */
import { compareConfigs, configOf } from '../../src/core/dropoutConfig';
import type { SweepObjective } from '../../src/core/spec';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import type { TrialState } from '../../src/core/trial';
import { objectiveDirection } from '../../src/core/objective';
import { isFiniteNumber, keepOf } from './format';
import { comparedOf } from './sweeps';

export interface TrialRow {
  trialId: string;
  /** Drop probability on the input features, when the sweep searches it. */
  inputRate?: number;
  rate: number;
  keep: number;
  seed: number;
  state: TrialState;
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

export const sortColumns = [
  'inputRate', 'rate', 'keep', 'seed', 'state', 'epochs', 'bestValLoss', 'testLoss', 'testAcc', 'finalTrainLoss', 'finalValLoss', 'gap', 'valAcc',
  'mcValLoss', 'mcEntropy',
] as const;
export type SortColumn = (typeof sortColumns)[number];
export type SortDirection = 'asc' | 'desc';
export interface TableSort {
  column: SortColumn;
  direction: SortDirection;
}

export const defaultSort: TableSort = { column: 'rate', direction: 'asc' };

export function isSortColumn(value: unknown): value is SortColumn {
  return typeof value === 'string' && (sortColumns as readonly string[]).includes(value);
}

function finite(value: unknown): number | undefined {
  return isFiniteNumber(value) ? value : undefined;
}

export function trialRow(trial: TrialSnapshot): TrialRow {
  const row: TrialRow = {
    trialId: trial.plan.id,
    ...configOf(trial.plan),
    keep: keepOf(trial.plan.rate),
    seed: trial.plan.seed,
    state: trial.state,
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

function sortValue(row: TrialRow, column: SortColumn): number | undefined {
  return column === 'state' ? stateOrder[row.state] : row[column];
}

/** A sorted copy. Missing values go last in either direction; ties keep input rate, rate, then seed, ascending. */
export function sortRows(rows: readonly TrialRow[], sort: TableSort): TrialRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else if (x !== y) return sign * (x - y);
    return compareConfigs(a, b) || a.seed - b.seed;
  });
}

/** Clicking a header: a new column sorts ascending, the same column flips. */
export function toggleSort(current: TableSort, column: SortColumn): TableSort {
  if (current.column !== column) return { column, direction: 'asc' };
  return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}
