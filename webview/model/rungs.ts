/**
 * Hyperband's rounds as the panel lists them: per iteration and bracket, each decided round with its trials, how far
 * each trained and whether it was promoted (resumed in the next round) or stopped. Pure: no DOM.
 */
import { assertNever } from '../../src/core/assertNever';
import type { Rung } from '../../src/core/trial';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { objectiveDirection } from '../../src/core/objective';
import { configRateLabel, keepOf } from './format';

/** completed: trained in a bracket's last round (nobody is promoted or stopped there); unranked: failed, cancelled or never run. */
export type RungOutcome = 'promoted' | 'stopped' | 'completed' | 'unranked';

export interface RungTrialRow {
  trialId: string;
  /** NaN when the sweep searches only a space: `config` names the configuration then. */
  rate: number;
  keep: number;
  /** The configuration in words: `rate 0.3 (keep 0.7)`, `conv_rate 0.2 · lr 0.001`. */
  config: string;
  seed: number;
  /** Epochs the trial had trained when the round was decided (the round's target unless it stopped early or failed). */
  epochs: number;
  /** What Hyperband ranked by: the best value of the objective over those epochs. */
  score?: number;
  outcome: RungOutcome;
}

export interface RoundView {
  round: number;
  /** The cumulative epoch every trial of the round trains to. */
  epochs: number;
  rows: RungTrialRow[];
  promoted: number;
  stopped: number;
}

export interface BracketView {
  iteration: number;
  bracket: number;
  rounds: RoundView[];
}

const outcomeOrder: Record<RungOutcome, number> = { promoted: 0, completed: 1, stopped: 2, unranked: 3 };

function outcomeOf(rung: Rung, trialId: string): RungOutcome {
  if (rung.unranked.includes(trialId)) return 'unranked';
  if (rung.promoted.includes(trialId)) return 'promoted';
  if (rung.stopped.includes(trialId)) return 'stopped';
  return 'completed';
}

function roundRow(rung: Rung, trialId: string, trial: TrialSnapshot | undefined, objective: SweepSnapshot['objective']): RungTrialRow {
  const reached = trial?.epochs.filter((metrics) => metrics.epoch <= rung.epochs) ?? [];
  const values = reached.map((metrics) => metrics[objective]).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const rate = trial?.plan.rate ?? NaN;
  return {
    trialId, rate, keep: keepOf(rate), config: trial ? configRateLabel(trial.plan) : '', seed: trial?.plan.seed ?? NaN,
    epochs: reached.length ? reached[reached.length - 1]!.epoch : 0,
    ...(values.length ? { score: objectiveDirection(objective) === 'min' ? Math.min(...values) : Math.max(...values) } : {}),
    outcome: outcomeOf(rung, trialId),
  };
}

/**
 * Brackets in the order Hyperband ran them, rounds in order; within a round the promoted trials first, then by the
 * score they were ranked by (best first), then rate and seed. Empty for a sweep that is not Hyperband.
 */
export function hyperbandBrackets(sweep: SweepSnapshot): BracketView[] {
  const rungs = sweep.hyperband?.rungs ?? [];
  const trials = new Map(sweep.trials.map((trial) => [trial.plan.id, trial]));
  const sign = objectiveDirection(sweep.objective) === 'min' ? 1 : -1;
  const brackets: BracketView[] = [];
  for (const rung of rungs) {
    let bracket = brackets.find((entry) => entry.iteration === rung.iteration && entry.bracket === rung.bracket);
    if (!bracket) brackets.push(bracket = { iteration: rung.iteration, bracket: rung.bracket, rounds: [] });
    const rows = rung.trials.map((id) => roundRow(rung, id, trials.get(id), sweep.objective)).sort((a, b) => outcomeOrder[a.outcome] - outcomeOrder[b.outcome]
      || sign * ((a.score ?? sign * Infinity) - (b.score ?? sign * Infinity)) || a.rate - b.rate || a.seed - b.seed);
    bracket.rounds.push({ round: rung.round, epochs: rung.epochs, rows, promoted: rung.promoted.length, stopped: rung.stopped.length });
  }
  for (const bracket of brackets) bracket.rounds.sort((a, b) => a.round - b.round);
  return brackets;
}

export function outcomeLabel(row: Pick<RungTrialRow, 'outcome' | 'epochs'>): string {
  switch (row.outcome) {
    case 'promoted': return `promoted at epoch ${row.epochs}`;
    case 'stopped': return `stopped at epoch ${row.epochs}`;
    case 'completed': return `completed (${row.epochs} epochs)`;
    case 'unranked': return 'not ranked';
    default: return assertNever(row.outcome, 'rung outcome');
  }
}
