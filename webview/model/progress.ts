/** How far a sweep has got and how long it still needs. */
import type { SweepSnapshot } from '../../src/protocol/webview';
import { isTrialEnded } from './sweeps';

export interface SweepProgress {
  epochsDone: number;
  /** Ended trials count the epochs they ran (early stopping shortens the plan); others count training.epochs. */
  epochsPlanned: number;
  trialsDone: number;
  trialsTotal: number;
  /** epochsDone / epochsPlanned, 0 … 1. */
  fraction: number;
}

export function sweepProgress(sweep: SweepSnapshot): SweepProgress {
  let epochsDone = 0;
  let epochsPlanned = 0;
  let trialsDone = 0;
  for (const trial of sweep.trials) {
    epochsDone += trial.epochs.length;
    if (isTrialEnded(trial.state)) {
      trialsDone += 1;
      epochsPlanned += trial.epochs.length;
    } else {
      epochsPlanned += Math.max(sweep.epochs, trial.epochs.length);
    }
  }
  return { epochsDone, epochsPlanned, trialsDone, trialsTotal: sweep.trials.length, fraction: epochsPlanned > 0 ? epochsDone / epochsPlanned : 0 };
}

/**
 * Milliseconds left, at the wall-clock epoch rate since the sweep started (which already includes parallel workers
 * and trainer start-up); undefined before the first epoch or once the sweep is not running.
 */
export function estimateRemainingMs(sweep: SweepSnapshot, progress: SweepProgress, nowMs: number): number | undefined {
  if (sweep.status !== 'running' || progress.epochsDone === 0) return undefined;
  const elapsed = nowMs - Date.parse(sweep.startedAt);
  if (!(elapsed > 0)) return undefined;
  return ((progress.epochsPlanned - progress.epochsDone) * elapsed) / progress.epochsDone;
}
