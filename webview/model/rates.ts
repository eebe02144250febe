/** Per-rate comparisons of one sweep, from the store's `summarizeByRate` (one definition of every aggregate). */
import type { SweepSnapshot } from '../../src/protocol/webview';
import type { MeanStd } from '../../src/core/statistics';
import type { SweepObjective, SweepSelect } from '../../src/core/spec';
import { bestRate, summarizeSweepTrials, type RateSummary } from '../../src/core/summary';
import { configOf, searchesInputRate, type DropoutConfig } from '../../src/core/dropoutConfig';
import { keepOf } from './format';
import type { Point } from './series';
import { toTrialRecord } from './sweeps';
import { verdictSpecOf } from './verdict';

/** One configuration's comparison; `inputRate` is set when the sweep searched it too. */
export interface RateComparison extends DropoutConfig {
  rate: number;
  keep: number;
  /** Trials of this rate with at least one epoch. */
  seeds: number;
  /** Each trial's lowest val_loss, mean ± sample std over seeds. */
  bestValLoss: MeanStd;
  /** The objective and select rule the sweep ranks by (sweep.objective, sweep.select). */
  objective: SweepObjective;
  select: SweepSelect;
  /** The objective at each trial's selected epoch, mean ± sample std over seeds: what the verdict ranks. */
  selected: MeanStd;
  /** The ±1 std band around the mean selected value. */
  band: { lower: number; upper: number };
  /**
   * The objective under the other rule, beside it: at the final epoch when trials count at their best (so a user
   * sees whether dropout helps on its own or only with early stopping), at the best epoch when they count at their last.
   */
  other: { rule: SweepSelect; value?: MeanStd };
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
  /** Last-epoch mc_entropy: mean predictive entropy (nats) of the MC prediction; regression: predictive variance. */
  entropy?: MeanStd;
}

/**
 * Per-rate summaries over the compared trials (Hyperband: those trained to maxEpochs) by the sweep's objective and
 * select rule, as the CLI's table and the verdict summarise them.
 */
export function summarizeSweep(sweep: SweepSnapshot): RateSummary[] {
  return summarizeSweepTrials(sweep.trials.map(toTrialRecord), verdictSpecOf(sweep));
}

/** What an across-rate chart says while it has no rate to compare: Hyperband compares only fully trained trials. */
export function emptyComparisonNote(sweep: SweepSnapshot | undefined): string {
  return sweep?.hyperband
    ? `No trial has reached maxEpochs (${sweep.hyperband.maxEpochs}) yet: Hyperband compares rates over fully trained trials.`
    : 'No epochs yet.';
}

/** The names the inference-rule chart gives its series: the style's deterministic rule, the MC average, its uncertainty. */
export interface InferenceRuleNames {
  deterministic: string;
  monteCarlo: string;
  uncertainty: string;
}

export function inferenceRuleNames(sweep: Pick<SweepSnapshot, 'dropoutStyle' | 'mcSamples' | 'task'>): InferenceRuleNames {
  return {
    // inverted scales by 1/keep while training, so the test-time rule is the identity; standard scales W by p = keep.
    deterministic: sweep.dropoutStyle === 'standard' ? 'weight scaling W·p (standard)' : 'identity (inverted)',
    monteCarlo: `MC average, T = ${sweep.mcSamples}`,
    uncertainty: sweep.task === 'regression' ? 'MC predictive variance' : 'MC predictive entropy (nats)',
  };
}

/** The objective at the final epoch (the last epoch's val_loss or val_acc) or at the best epoch, over seeds. */
function objectiveUnder(summary: RateSummary, objective: SweepObjective, rule: SweepSelect): MeanStd | undefined {
  if (rule === 'final-epoch') return objective === 'val_acc' ? summary.valAcc : summary.finalValLoss;
  return objective === 'val_acc' ? summary.bestValAcc : summary.bestValLoss;
}

/** The summaries of configurations that have a hidden rate: what the across-rate charts draw (shorthand sweeps). */
export function withRate(summaries: readonly RateSummary[]): (RateSummary & { rate: number })[] {
  return summaries.filter((summary): summary is RateSummary & { rate: number } => summary.rate !== undefined);
}

export function compareRates(summaries: readonly RateSummary[]): RateComparison[] {
  return withRate(summaries).map((summary) => ({
    ...configOf(summary),
    rate: summary.rate,
    keep: keepOf(summary.rate),
    seeds: summary.seeds,
    bestValLoss: summary.bestValLoss,
    objective: summary.selection.objective,
    select: summary.selection.select,
    selected: summary.selected,
    band: { lower: summary.selected.mean - summary.selected.std, upper: summary.selected.mean + summary.selected.std },
    other: ((rule: SweepSelect) => ({ rule, value: objectiveUnder(summary, summary.selection.objective, rule) }))(
      summary.selection.select === 'best-epoch' ? 'final-epoch' : 'best-epoch'),
    finalTrainLoss: summary.finalTrainLoss,
    finalValLoss: summary.finalValLoss,
    gap: summary.gap,
  }));
}

/**
 * Deterministic vs MC-dropout validation loss per rate; empty when the sweep ran without MC samples. When the input
 * rate is searched too, the hidden rates at the best configuration's input rate (one value per rate on the x axis).
 */
export function compareMonteCarlo(sweep: SweepSnapshot, summaries: readonly RateSummary[]): McComparison[] {
  if (!(sweep.mcSamples > 0)) return [];
  const inputRate = inferenceInputRate(sweep, summaries);
  return withRate(summaries).filter((summary) => summary.inputRate === inputRate).flatMap((summary) => summary.mcValLoss
    ? [{
      rate: summary.rate, keep: keepOf(summary.rate), seeds: summary.seeds, deterministic: summary.finalValLoss, monteCarlo: summary.mcValLoss,
      ...(summary.mcEntropy ? { entropy: summary.mcEntropy } : {}),
    }]
    : []);
}

/** The input rate the inference-rule chart shows: the best configuration's, when the sweep searched input rates. */
export function inferenceInputRate(sweep: SweepSnapshot, summaries: readonly RateSummary[]): number | undefined {
  return summaries.some(searchesInputRate) ? bestRate(summaries, sweep.objective)?.inputRate : undefined;
}

/** Comparisons grouped by input rate, ascending: one group (key undefined) for a sweep of one rate. */
export function byInputRate(rows: readonly RateComparison[]): Map<number | undefined, RateComparison[]> {
  const groups = new Map<number | undefined, RateComparison[]>();
  for (const row of [...rows].sort((a, b) => (a.inputRate ?? -1) - (b.inputRate ?? -1))) {
    groups.set(row.inputRate, [...(groups.get(row.inputRate) ?? []), row]);
  }
  return groups;
}

/** What the inference-rule chart draws: per rate, the mean over seeds of each series (missing values left out). */
export interface InferenceRuleChart {
  names: InferenceRuleNames;
  rows: McComparison[];
  /** Left axis: final val_loss under the deterministic rule and under the MC average. */
  deterministic: Point[];
  monteCarlo: Point[];
  /** Right axis: final mc_entropy. */
  uncertainty: Point[];
}

export function inferenceRuleChart(sweep: SweepSnapshot, summaries: readonly RateSummary[]): InferenceRuleChart {
  const rows = compareMonteCarlo(sweep, summaries);
  const points = (pick: (row: McComparison) => MeanStd | undefined): Point[] => rows.flatMap((row) => {
    const value = pick(row)?.mean;
    return value !== undefined && Number.isFinite(value) ? [{ x: row.rate, y: value }] : [];
  });
  return {
    names: inferenceRuleNames(sweep),
    rows,
    deterministic: points((row) => row.deterministic),
    monteCarlo: points((row) => row.monteCarlo),
    uncertainty: points((row) => row.entropy),
  };
}
