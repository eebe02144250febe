/**
 * Hyperband's successive halving as a Scheduler: bracket after bracket, each a series of rounds in which every
 * trial of the round trains to the round's epochs, then the best of them continue (resumed from their checkpoint)
 * to the next round's epochs and the others stop. A round starts only when the last one has ended, so while it
 * runs there may be no job ready even though the sweep is not over.
 *
 * As in keras-tuner, a trial's score is the best value of the objective over the epochs it has trained, and the
 * best size(b, r + 1) trials of round r continue to epochs(b, r + 1).
 */
import type { PlannedBracket, HyperbandPlan } from '../engine/sweep/plan';
import type { SweepObjective } from '../core/spec';
import { improves, objectiveDirection, objectiveValue } from '../core/objective';
import type { EpochMetrics, Rung, TrialPlan } from '../core/trial';
import type { Scheduler, SweepJob } from './scheduler';

export class HyperbandScheduler implements Scheduler {
  readonly trialCount: number;
  readonly maxParallel: number;
  private bracketIndex = -1;
  private round = 0;
  private roundTrials: string[] = [];
  /** Jobs of the round in flight not yet handed out. */
  private readonly ready: SweepJob[] = [];
  /** Trials of the round in flight whose job has not ended. */
  private readonly outstanding = new Set<string>();
  /** Trials of the round in flight whose job completed: only they are ranked. */
  private readonly ranked = new Set<string>();
  private readonly scores = new Map<string, number>();
  private readonly trials: Map<string, TrialPlan>;
  private stopped = false;

  constructor(private readonly plan: HyperbandPlan, private readonly objective: SweepObjective) {
    this.trials = new Map(plan.trials.map((trial) => [trial.id, trial]));
    this.trialCount = plan.trials.length;
    // Later rounds are smaller than the first: the largest first round is the most ever in flight.
    this.maxParallel = Math.max(...plan.brackets.map((bracket) => bracket.rounds[0]!.trials));
    this.ready.push(...this.nextBracket());
  }

  next(): SweepJob | undefined {
    return this.ready.shift();
  }

  get exhausted(): boolean {
    return this.ready.length === 0 && this.done;
  }

  /** No round or bracket is left to start. */
  private get done(): boolean {
    return this.stopped || this.bracketIndex >= this.plan.brackets.length;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Keeps the trial's score: the best objective value over its epochs so far. */
  epoch(trialId: string, metrics: EpochMetrics): void {
    const value = objectiveValue(metrics, this.objective);
    if (improves(this.objective, value, this.scores.get(trialId))) this.scores.set(trialId, value!);
  }

  jobEnded(trialId: string, completed: boolean): Rung | undefined {
    if (!this.outstanding.delete(trialId)) return undefined;
    if (completed) this.ranked.add(trialId);
    if (this.outstanding.size > 0) return undefined;
    return this.endRound();
  }

  private get bracket(): PlannedBracket {
    return this.plan.brackets[this.bracketIndex]!;
  }

  /** Ranks the round that just ended; its promoted trials, else the next bracket's first round, become ready. */
  private endRound(): Rung {
    const bracket = this.bracket;
    const { epochs } = bracket.rounds[this.round]!;
    const sign = objectiveDirection(this.objective) === 'min' ? 1 : -1;
    const candidates = this.roundTrials.filter((id) => this.ranked.has(id) && this.scores.has(id))
      .sort((a, b) => sign * (this.scores.get(a)! - this.scores.get(b)!));
    const next = bracket.rounds[this.round + 1];
    const promoted = next && !this.stopped ? candidates.slice(0, next.trials) : [];
    const rung: Rung = {
      iteration: bracket.iteration, bracket: bracket.bracket, round: this.round, epochs, trials: [...this.roundTrials],
      promoted, stopped: next ? candidates.filter((id) => !promoted.includes(id)) : [],
      unranked: this.roundTrials.filter((id) => !candidates.includes(id)),
    };
    if (promoted.length > 0 && next) {
      this.round += 1;
      this.ready.push(...this.startRound(promoted, next.epochs, true));
    } else if (!this.stopped) {
      this.ready.push(...this.nextBracket());
    }
    return rung;
  }

  private nextBracket(): SweepJob[] {
    this.bracketIndex += 1;
    this.round = 0;
    if (this.done) return [];
    const bracket = this.bracket;
    return this.startRound(bracket.trialIds, bracket.rounds[0]!.epochs, false);
  }

  private startRound(trialIds: string[], untilEpoch: number, resume: boolean): SweepJob[] {
    this.roundTrials = [...trialIds];
    this.ranked.clear();
    for (const id of trialIds) this.outstanding.add(id);
    // A trial that may be promoted keeps a checkpoint to resume from; the last round's trials have nowhere to go.
    const checkpoint = this.round + 1 < this.bracket.rounds.length;
    return trialIds.map((id) => ({ trial: this.trials.get(id)!, untilEpoch, resume, checkpoint }));
  }
}
