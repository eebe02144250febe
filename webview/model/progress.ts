/** How far a sweep has got and how long it still needs. */
import { progressOf, queueText, type SweepProgress } from '../../src/core/progress';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { isTrialEnded } from './sweeps';

/** A snapshot's progress: every trial it holds (a pending one has no epochs yet and plans `sweep.epochs`). */
export function sweepProgress(sweep: SweepSnapshot): SweepProgress {
  return progressOf(sweep.trials.map((trial) => ({ epochs: trial.epochs.length, ended: isTrialEnded(trial.state) })), sweep.trials.length, sweep.epochs);
}

/**
 * The queue's depth while the sweep runs on `dropout-lab worker` processes — "2 workers, 3 queued, 4 running", as
 * the status bar says it — once a queue event came; undefined for the local pool and once the sweep is not running.
 */
export function queueLine(sweep: SweepSnapshot): string | undefined {
  return sweep.status === 'running' && sweep.queue ? queueText(sweep.queue) : undefined;
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
