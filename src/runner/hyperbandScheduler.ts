/**
 * Hyperband's successive halving as a state machine, free of processes so it can be tested alone: the runner
 * tells it when an epoch is reported and when a trial's job ends, and it answers with the next jobs and, when a
 * round is complete, the rung it decided (who was promoted, who was stopped).
 *
 * As in keras-tuner, a trial's score is the best value of the objective over the epochs it has trained, and the
 * best size(b, r + 1) trials of round r continue (resumed from their checkpoint) to epochs(b, r + 1).
 */
import type { PlannedBracket, HyperbandPlan } from '../engine/sweep/plan';
import type { SweepObjective } from '../core/spec';
import { improves, objectiveDirection, objectiveValue } from '../core/objective';
import type { EpochMetrics, Rung, TrialPlan } from '../core/trial';

export interface SweepJob {
  trial: TrialPlan;
  /** Train until this epoch; undefined: training.epochs (grid and random). */
  untilEpoch?: number;
  /** Continue from the trial's checkpoint rather than start it. */
  resume: boolean;
  /** Leave a checkpoint when the job completes (the trial may be promoted). */
  checkpoint: boolean;
}

export interface RoundOutcome {
  jobs: SweepJob[];
  rung?: Rung;
}

export class HyperbandScheduler {
  private bracketIndex = -1;
  private round = 0;
  private roundTrials: string[] = [];
  private readonly outstanding = new Set<string>();
  private readonly ranked = new Set<string>();
  private readonly scores = new Map<string, number>();
  private readonly trials: Map<string, TrialPlan>;
  private stopped = false;

  constructor(private readonly plan: HyperbandPlan, private readonly objective: SweepObjective) {
    this.trials = new Map(plan.trials.map((trial) => [trial.id, trial]));
  }

  get done(): boolean {
    return this.stopped || (this.bracketIndex >= this.plan.brackets.length);
  }

  /** The jobs of the first round of the first bracket. */
  start(): SweepJob[] {
    return this.nextBracket();
  }

  /** No more rounds or brackets (cancel, or the time budget): what is running finishes, nothing new is asked for. */
  stop(): void {
    this.stopped = true;
  }

  /** Keeps the trial's score: the best objective value over its epochs so far. */
  epoch(trialId: string, metrics: EpochMetrics): void {
    const value = objectiveValue(metrics, this.objective);
    if (improves(this.objective, value, this.scores.get(trialId))) this.scores.set(trialId, value!);
  }

  /** A job ended; `completed` false for a failed, cancelled or skipped one (it is not ranked). */
  jobEnded(trialId: string, completed: boolean): RoundOutcome {
    if (!this.outstanding.delete(trialId)) return { jobs: [] };
    if (completed) this.ranked.add(trialId);
    if (this.outstanding.size > 0) return { jobs: [] };
    return this.endRound();
  }

  private get bracket(): PlannedBracket {
    return this.plan.brackets[this.bracketIndex]!;
  }

  private endRound(): RoundOutcome {
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
      return { rung, jobs: this.startRound(promoted, next.epochs, true) };
    }
    return { rung, jobs: this.stopped ? [] : this.nextBracket() };
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
    const checkpoint = this.round + 1 < this.bracket.rounds.length;
    return trialIds.map((id) => ({ trial: this.trials.get(id)!, untilEpoch, resume, checkpoint }));
  }
}
