/**
 * Which trials run next. A scheduler hands out jobs (a trial, and how far to train it) and hears how they end; a
 * strategy that decides between trials (Hyperband) answers a job's end with its decision, and the jobs that decision
 * leads to become ready. A scheduler runs nothing and writes nothing: the runner gives its jobs to an Executor and
 * records what happens, so a strategy can be tested without processes or files.
 */
import type { EpochMetrics, Rung, TrialPlan } from '../core/trial';

/** One piece of work for a trainer: a trial, trained from its start or continued from its checkpoint. */
export interface SweepJob {
  trial: TrialPlan;
  /** Train until this epoch; undefined: training.epochs (grid and random). */
  untilEpoch?: number;
  /** Continue from the trial's checkpoint rather than start it. */
  resume: boolean;
  /** Leave a checkpoint when the job completes (the trial may be promoted). */
  checkpoint: boolean;
}

export interface Scheduler {
  /** How many trials this run may train (what progress counts up to). */
  readonly trialCount: number;
  /** The most jobs ever ready at once: trainers beyond this would only wait. */
  readonly maxParallel: number;
  /** The job to start now, or undefined when none is ready (a round in flight, or nothing left: see `exhausted`). */
  next(): SweepJob | undefined;
  /** No job is ready and none will be: a worker without a job can go. */
  readonly exhausted: boolean;
  /** A trial reported an epoch it had not stored before. */
  epoch(trialId: string, metrics: EpochMetrics): void;
  /**
   * A job ended: `completed` false for a failed or cancelled one, or one a budget kept from starting. When this
   * ends a round, the rung decided (who is promoted, who is stopped) is returned and the promoted are ready.
   */
  jobEnded(trialId: string, completed: boolean): Rung | undefined;
  /**
   * No further rounds or brackets (cancel, the time budget, a store that fails, trainers that cannot start). Jobs
   * already ready stay ready, so the runner can account for each (skip or fail it) and a round in flight is ranked.
   */
  stop(): void;
}

/**
 * Grid and random search: every trial is known before the sweep starts (random drew its configurations when it was
 * planned), each is trained once to training.epochs, in plan order, and no trial's end changes what runs next.
 */
export class TrialQueueScheduler implements Scheduler {
  private readonly queue: SweepJob[];
  readonly trialCount: number;
  readonly maxParallel: number;

  constructor(trials: readonly TrialPlan[]) {
    this.queue = trials.map((trial) => ({ trial, resume: false, checkpoint: false }));
    this.trialCount = trials.length;
    this.maxParallel = trials.length;
  }

  next(): SweepJob | undefined {
    return this.queue.shift();
  }

  get exhausted(): boolean {
    return this.queue.length === 0;
  }

  epoch(): void {}

  jobEnded(): undefined {
    return undefined;
  }

  /** Nothing to stop: there are no rounds, and the queued trials stay for the runner to skip. */
  stop(): void {}
}
