/**
 * Where trials run. The runner decides what runs (a Scheduler) and keeps what happens (the run store); an executor
 * runs the jobs it is given and reports back. Today's executor is a pool of trainer processes on this machine
 * (localTrainerPool.ts); a job queue served by workers elsewhere fits the same interface.
 */
import type { SweepEvent } from '../protocol/sweepEvents';
import type { SweepJob } from './scheduler';

/**
 * What an executor reports. A job's events (trialStarted, epoch) come between run(job) and the job's trialEnded,
 * which comes exactly once, whatever happens to the worker running it.
 */
export type ExecutorEvent =
  | Extract<SweepEvent, { type: 'backendReady' | 'trialStarted' | 'epoch' | 'trialEnded' | 'log' }>
  /** No worker could start (e.g. the backend does not load): every job left would fail the same way. */
  | { type: 'unavailable'; reason: string }
  /** Every worker has gone: nothing more will be reported. */
  | { type: 'stopped' };

export interface Executor {
  /** How many jobs it can start now (the local pool: trainers that are up and have no trial). */
  readonly freeSlots: number;
  /** Starts `job` in a free slot (call only while `freeSlots` > 0). */
  run(job: SweepJob): void;
  /** No more jobs will come: free workers go now, busy ones once their job has ended; none is replaced. */
  close(): void;
  /**
   * Graceful stop (implies close): running jobs stop at their next batch and end `cancelled`, keeping what they
   * trained; whatever still runs after the grace period is killed.
   */
  cancel(): void;
  /** Immediate stop (implies close): running jobs are killed and end `cancelled` (the run store failed). */
  abort(): void;
  /** Releases what the executor still holds (timers, workers) once the sweep has ended. */
  dispose(): void;
}
