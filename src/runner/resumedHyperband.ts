/**
 * Resuming a Hyperband sweep: the scheduler is planned again from the stored spec (the plan is deterministic) and
 * fast-forwarded through what the store holds. Each job it hands out whose trial already stored that round (its
 * summary reached the round's epochs, completed) ends at once with the trial's stored epochs up to the round, so
 * each round is ranked on what it had when it was first ranked and the same trials are promoted; the first job the
 * store cannot answer is where training resumes.
 */
import type { TrialRecord } from '../core/records';
import type { EpochMetrics, Rung } from '../core/trial';
import type { Scheduler, SweepJob } from './scheduler';

export class ResumedHyperband implements Scheduler {
  /** Epochs already told to the inner scheduler, per trial (stored ones, fed round by round). */
  private readonly fed = new Map<string, number>();
  private readonly replayed: Rung[] = [];

  /**
   * Hears each round ranked again: `stored` false for one the interrupted run had not recorded (it was killed
   * between the round's last trial and its ranking), which the runner records now.
   */
  onRung: (rung: Rung, stored: boolean, unmarked: TrialRecord[]) => void = () => undefined;
  onMismatch: (message: string) => void = () => undefined;

  constructor(private readonly inner: Scheduler, private readonly stored: ReadonlyMap<string, TrialRecord>, private readonly storedRungs: readonly Rung[]) {}

  get trialCount(): number {
    return this.inner.trialCount;
  }

  get maxParallel(): number {
    return this.inner.maxParallel;
  }

  get exhausted(): boolean {
    return this.inner.exhausted;
  }

  next(): SweepJob | undefined {
    for (let job = this.inner.next(); job; job = this.inner.next()) {
      const record = this.stored.get(job.trial.id);
      const until = job.untilEpoch ?? Number.POSITIVE_INFINITY;
      if (record) this.feed(record, until);
      // Its last summary says it completed this round: a summary of an earlier round has fewer epochs.
      const done = record?.summary?.status === 'completed' && record.summary.epochs >= until;
      // A trial the interrupted run had started trains again from its seed rather than from its checkpoint, which
      // may be ahead of the store (the runner was killed after a trainer saved it, before its epochs were stored).
      // Training is deterministic for a seed and backend: the stored epochs come again and are kept, not rewritten.
      if (!done) return record && record.status !== 'pending' && job.resume ? { ...job, resume: false } : job;
      const rung = this.inner.jobEnded(job.trial.id, true);
      if (rung) this.replay(rung);
    }
    return undefined;
  }

  epoch(trialId: string, metrics: EpochMetrics): void {
    this.inner.epoch(trialId, metrics);
  }

  jobEnded(trialId: string, completed: boolean): Rung | undefined {
    return this.inner.jobEnded(trialId, completed);
  }

  stop(): void {
    this.inner.stop();
  }

  /** The trial's stored epochs up to `until` that the scheduler has not heard yet. */
  private feed(record: TrialRecord, until: number): void {
    const from = this.fed.get(record.plan.id) ?? 0;
    for (const metrics of record.epochs) if (metrics.epoch > from && metrics.epoch <= until) this.inner.epoch(record.plan.id, metrics);
    this.fed.set(record.plan.id, Math.max(from, Math.min(until, record.epochs.at(-1)?.epoch ?? 0)));
  }

  private replay(rung: Rung): void {
    const stored = this.storedRungs[this.replayed.length];
    this.replayed.push(rung);
    // Trials the round stopped whose file lacks the mark (the run was killed between the rung and the marks).
    const unmarked = rung.stopped.map((id) => this.stored.get(id)).filter((record): record is TrialRecord =>
      record?.summary !== undefined && !record.summary.stoppedByStrategy);
    this.onRung(rung, stored !== undefined, unmarked);
    if (stored && JSON.stringify(stored.promoted) !== JSON.stringify(rung.promoted)) {
      this.onMismatch(`hyperband bracket ${rung.bracket} round ${rung.round}: ranked again from the store it promotes [${rung.promoted.join(', ')}], `
        + `the interrupted run promoted [${stored.promoted.join(', ')}]; the resumed sweep goes on from this ranking`);
    }
  }
}
