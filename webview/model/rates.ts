/** Per-rate comparisons of one sweep, from the store's `summarizeByRate` (one definition of every aggregate). */
import type { SweepSnapshot } from '../../src/protocol/messages';
import { bestRate, summarizeByRate, type MeanStd, type RateSummary } from '../../src/store/summary';
import { configOf, type DropoutConfig } from '../../src/engine/sweep/dropoutConfig';
import { keepOf } from './format';
import { toTrialRecord } from './sweeps';

/** One configuration's comparison; `inputRate` is set when the sweep searched it too. */
export interface RateComparison extends DropoutConfig {
  keep: number;
  /** Trials of this rate with at least one epoch. */
  seeds: number;
  /** Each trial's lowest val_loss, mean ± sample std over seeds. */
  bestValLoss: MeanStd;
  /** The ±1 std band around the mean best val_loss. */
  band: { lower: number; upper: number };
  /** Last-epoch train_loss under the inference rule: beside best val_loss, the overfitting gap shows. */
  finalTrainLoss: MeanStd;
  finalValLoss: MeanStd;
  gap: MeanStd;
}

export interface McComparison {
  rate: number;
  keep: number;
  seeds: number;
  /** Last-epoch val_loss under the deterministic inference rule. */
  deterministic: MeanStd;
  /** Last-epoch val_loss of the Monte-Carlo dropout prediction. */
  monteCarlo: MeanStd;
}

export function summarizeSweep(sweep: SweepSnapshot): RateSummary[] {
  return summarizeByRate(sweep.trials.map(toTrialRecord));
}

export function compareRates(summaries: readonly RateSummary[]): RateComparison[] {
  return summaries.map((summary) => ({
    ...configOf(summary),
    keep: keepOf(summary.rate),
    seeds: summary.seeds,
    bestValLoss: summary.bestValLoss,
    band: { lower: summary.bestValLoss.mean - summary.bestValLoss.std, upper: summary.bestValLoss.mean + summary.bestValLoss.std },
    finalTrainLoss: summary.finalTrainLoss,
    finalValLoss: summary.finalValLoss,
    gap: summary.gap,
  }));
}

/** Deterministic vs MC-dropout validation loss per rate; empty when the sweep ran without MC samples. */
export function compareMonteCarlo(sweep: SweepSnapshot, summaries: readonly RateSummary[]): McComparison[] {
  if (!(sweep.mcSamples > 0)) return [];
  return summaries.flatMap((summary) => summary.mcValLoss
    ? [{ rate: summary.rate, keep: keepOf(summary.rate), seeds: summary.seeds, deterministic: summary.finalValLoss, monteCarlo: summary.mcValLoss }]
    : []);
}

/** Comparisons grouped by input rate, ascending: one group (key undefined) for a sweep of one rate. */
export function byInputRate(rows: readonly RateComparison[]): Map<number | undefined, RateComparison[]> {
  const groups = new Map<number | undefined, RateComparison[]>();
  for (const row of [...rows].sort((a, b) => (a.inputRate ?? -1) - (b.inputRate ?? -1))) {
    groups.set(row.inputRate, [...(groups.get(row.inputRate) ?? []), row]);
  }
  return groups;
}

export function bestRateOf(summaries: readonly RateSummary[]): RateSummary | undefined {
  return bestRate([...summaries]);
}
