/**
 * How far a sweep has got, counted one way for the status bar, the progress notification, the CLI and the
 * webviews, and said in one text.
 */

/** A trial that has started: the epochs it has trained so far, and whether it has ended. */
export interface TrialProgress {
  epochs: number;
  ended: boolean;
}

export interface SweepProgress {
  epochsDone: number;
  /** Ended trials count the epochs they ran (early stopping and Hyperband shorten the plan); others count the planned epochs. */
  epochsPlanned: number;
  trialsDone: number;
  trialsTotal: number;
  /** epochsDone / epochsPlanned, 0 … 1. */
  fraction: number;
}

/**
 * `started`: the trials that have begun; `trialsTotal` counts those not started yet too. A trial plans
 * `epochsPerTrial` epochs (the most any trial runs) until it ends, or more when it has already run more.
 */
export function progressOf(started: Iterable<TrialProgress>, trialsTotal: number, epochsPerTrial: number): SweepProgress {
  let epochsDone = 0;
  let epochsPlanned = 0;
  let trialsDone = 0;
  let trialsStarted = 0;
  for (const trial of started) {
    trialsStarted += 1;
    epochsDone += trial.epochs;
    if (trial.ended) {
      trialsDone += 1;
      epochsPlanned += trial.epochs;
    } else {
      epochsPlanned += Math.max(epochsPerTrial, trial.epochs);
    }
  }
  epochsPlanned += Math.max(0, trialsTotal - trialsStarted) * epochsPerTrial;
  return { epochsDone, epochsPlanned, trialsDone, trialsTotal, fraction: epochsPlanned > 0 ? epochsDone / epochsPlanned : 0 };
}

/** "epoch 450/1350 · trial 3/9": epochs trained of those planned, trials ended of all. */
export function progressText(progress: SweepProgress): string {
  return `epoch ${progress.epochsDone}/${progress.epochsPlanned} · trial ${progress.trialsDone}/${progress.trialsTotal}`;
}

/** A queue executor's state: how many workers are alive, how many jobs wait and run. */
export interface QueueDepth {
  workers: number;
  waiting: number;
  active: number;
}

/** "3 workers, 12 queued, 6 running": the status bar's and the CLI's words for a queue executor's state. */
export function queueText(queue: QueueDepth): string {
  return `${queue.workers} worker${queue.workers === 1 ? '' : 's'}, ${queue.waiting} queued, ${queue.active} running`;
}

/** A running sweep's progress, counted from its trials' events as they arrive (the status bar's, the CLI's). */
export class ProgressTally {
  private readonly started = new Map<string, TrialProgress>();

  constructor(private readonly trialsTotal: number, private readonly epochsPerTrial: number) {}

  /** A Hyperband trial starts again for each round it is promoted to: it goes on from the epochs it has. */
  trialStarted(trialId: string): void {
    this.started.set(trialId, { epochs: this.started.get(trialId)?.epochs ?? 0, ended: false });
  }

  epoch(trialId: string): void {
    const trial = this.started.get(trialId);
    if (trial) trial.epochs += 1;
    else this.started.set(trialId, { epochs: 1, ended: false });
  }

  trialEnded(trialId: string): void {
    this.started.set(trialId, { epochs: this.started.get(trialId)?.epochs ?? 0, ended: true });
  }

  get progress(): SweepProgress {
    return progressOf(this.started.values(), this.trialsTotal, this.epochsPerTrial);
  }
}
