/**
 * A sweep's budgets (sweep.maxTrials, sweep.maxMinutes): whether a job may start now. A budget only keeps new work
 * from starting; what runs goes on to its end. It applies whichever scheduler or executor the sweep has.
 */
import type { SweepSpec } from '../core/spec';
import type { SweepJob } from './scheduler';

export type BudgetName = 'maxTrials' | 'maxMinutes';

export class SweepBudget {
  private readonly startedTrials: Set<string>;
  private readonly deadline: number;

  /** `startedBefore`: the trials an interrupted run of the sweep started (a resume); they count towards maxTrials. */
  constructor(private readonly sweep: SweepSpec, startedBefore: Iterable<string> = [], startedAt = Date.now()) {
    this.startedTrials = new Set(startedBefore);
    this.deadline = sweep.maxMinutes === undefined ? Infinity : startedAt + sweep.maxMinutes * 60_000;
  }

  /**
   * The budget that forbids starting `job` now, if any. A trial already started may always go on under maxTrials:
   * a Hyperband promotion, or a resumed sweep's interrupted trial.
   */
  refuses(job: SweepJob): BudgetName | undefined {
    if (Date.now() >= this.deadline) return 'maxMinutes';
    const { maxTrials } = this.sweep;
    if (maxTrials !== undefined && !this.startedTrials.has(job.trial.id) && this.startedTrials.size >= maxTrials) return 'maxTrials';
    return undefined;
  }

  started(job: SweepJob): void {
    this.startedTrials.add(job.trial.id);
  }
}
