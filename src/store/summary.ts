/**
 * Per-rate aggregates of a sweep's trials: what the CLI table, the JSON summary and the panels compare.
 * Rates are drop probabilities. "gap" is the overfitting gap val_loss − train_loss at the last epoch, both under
 * the deterministic inference rule.
 */
import type { TrialRecord } from './types';

export interface MeanStd {
  mean: number;
  /** Sample standard deviation over seeds (n − 1); 0 for a single seed. */
  std: number;
  n: number;
}

export interface RateSummary {
  rate: number;
  /** Trials of this rate that produced at least one epoch. */
  seeds: number;
  bestValLoss: MeanStd;
  finalLoss: MeanStd;
  finalTrainLoss: MeanStd;
  finalValLoss: MeanStd;
  gap: MeanStd;
  valAcc?: MeanStd;
  mcValLoss?: MeanStd;
}

export function meanStd(values: number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

function optionalMeanStd(values: (number | undefined)[]): MeanStd | undefined {
  const present = values.filter((value): value is number => value !== undefined && value !== null);
  return present.length ? meanStd(present) : undefined;
}

/** What a summary reads of a trial: stored records and the webviews' live snapshots both fit. */
export type SummarizedTrial = Pick<TrialRecord, 'plan' | 'epochs'>;

/**
 * Uses each trial's last recorded epoch, so interrupted trials still count with what they reached. A diverged
 * loss is stored as null (JSON has no NaN): the best val_loss is taken over finite values only.
 */
export function summarizeByRate(trials: SummarizedTrial[]): RateSummary[] {
  const byRate = new Map<number, SummarizedTrial[]>();
  for (const trial of trials) {
    if (trial.epochs.length === 0) continue;
    byRate.set(trial.plan.rate, [...(byRate.get(trial.plan.rate) ?? []), trial]);
  }
  return [...byRate.entries()].sort(([a], [b]) => a - b).map(([rate, group]) => {
    const finals = group.map((trial) => trial.epochs[trial.epochs.length - 1]);
    const best = group.map((trial) => Math.min(...trial.epochs.map((epoch) => epoch.val_loss).filter((loss) => Number.isFinite(loss))));
    const summary: RateSummary = {
      rate,
      seeds: group.length,
      bestValLoss: meanStd(best),
      finalLoss: meanStd(finals.map((final) => final.loss)),
      finalTrainLoss: meanStd(finals.map((final) => final.train_loss)),
      finalValLoss: meanStd(finals.map((final) => final.val_loss)),
      gap: meanStd(finals.map((final) => final.val_loss - final.train_loss)),
    };
    const valAcc = optionalMeanStd(finals.map((final) => final.val_acc));
    const mcValLoss = optionalMeanStd(finals.map((final) => final.mc_val_loss));
    if (valAcc) summary.valAcc = valAcc;
    if (mcValLoss) summary.mcValLoss = mcValLoss;
    return summary;
  });
}

/** The rate with the lowest mean best validation loss. */
export function bestRate(rates: RateSummary[]): RateSummary | undefined {
  return rates.reduce<RateSummary | undefined>(
    (best, candidate) => (Number.isFinite(candidate.bestValLoss.mean) && (!best || candidate.bestValLoss.mean < best.bestValLoss.mean) ? candidate : best),
    undefined,
  );
}
