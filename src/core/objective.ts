/**
 * The sweep objective on one epoch's metrics: `val_loss` is minimised, `val_acc` maximised. One rule for the
 * trainer (which epoch's weights a trial keeps) and the runner (which trial is the sweep's best model).
 */
import { assertNever } from './assertNever';
import type { EpochMetrics } from './trial';
import type { SweepObjective } from './spec';

/** Lower is better for losses, higher for accuracies. */
export function objectiveDirection(objective: SweepObjective): 'min' | 'max' {
  switch (objective) {
    case 'val_loss': return 'min';
    case 'val_acc': return 'max';
    default: return assertNever(objective, 'objective');
  }
}

/** The objective's value at an epoch; undefined when missing or not finite (a diverged loss is stored as null). */
export function objectiveValue(metrics: Pick<EpochMetrics, 'val_loss' | 'val_acc'>, objective: SweepObjective): number | undefined {
  const value = objective === 'val_acc' ? metrics.val_acc : metrics.val_loss;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Strictly better, as Keras's ModelCheckpoint(save_best_only) decides: ties keep the earlier epoch. */
export function improves(objective: SweepObjective, candidate: number | undefined, best: number | undefined): boolean {
  if (candidate === undefined) return false;
  if (best === undefined) return true;
  return objectiveDirection(objective) === 'max' ? candidate > best : candidate < best;
}

/** The epoch with the best objective value (the first of equals), or undefined when no epoch has one. */
export function bestEpochBy<T extends Pick<EpochMetrics, 'val_loss' | 'val_acc'>>(epochs: T[], objective: SweepObjective): T | undefined {
  let best: T | undefined;
  for (const epoch of epochs) {
    if (improves(objective, objectiveValue(epoch, objective), best && objectiveValue(best, objective))) best = epoch;
  }
  return best;
}
