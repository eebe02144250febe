/**
 * Where trials run. The runner decides what runs (a Scheduler) and keeps what happens (the run store); an executor
 * runs the jobs it is given and reports back. Today's executor is a pool of trainer processes on this machine
 * (localTrainerPool.ts); the other, a BullMQ queue on Redis served by `dropout-lab worker` processes anywhere
 * (queueExecutor.ts), fits the same interface.
 */
import type { SweepEvent } from '../protocol/sweepEvents';
import type { SweepJob } from './scheduler';

/**
 * What an executor reports. A job's events (trialStarted, epoch) come between run(job) and the job's trialEnded,
 * which comes exactly once, whatever happens to the worker running it.
 */
export type ExecutorEvent =
  | Extract<SweepEvent, { type: 'backendReady' | 'trialStarted' | 'epoch' | 'log' }>
  /** `crashed`: the trainer process died under the trial (not the trial's own error): another attempt may succeed. */
  | (Extract<SweepEvent, { type: 'trialEnded' }> & { crashed?: boolean })
  /** No worker could start (e.g. the backend does not load): every job left would fail the same way. */
  | { type: 'unavailable'; reason: string }
  /** Every worker has gone: nothing more will be reported. */
  | { type: 'stopped' }
  /** A queue executor's state: workers alive, jobs waiting and running (the runner passes it on). */
  | Extract<SweepEvent, { type: 'queue' }>
  /**
   * The executor lost its workers' channel (Redis went away) with jobs in flight: what they do now cannot be kept.
   * The runner ends the sweep as interrupted; `resume` collects or re-runs those jobs.
   */
  | { type: 'lost'; reason: string };

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
