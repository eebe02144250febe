/**
 * Per-configuration aggregates of a sweep's trials (per rate, or per (input rate, rate) pair when the sweep searches
 * both): what the CLI table, the JSON summary and the panels compare. Rates are drop probabilities. "gap" is the
 * overfitting gap val_loss − train_loss at the last epoch, both under the deterministic inference rule.
 *
 * Only trials that vote are summarised (core/selection.ts: failed, cancelled, interrupted and diverged trials do
 * not); configurations are ranked by the mean of their trials' selected (validation) values, and report the test
 * figures measured at those epochs.
 */
import type { ExperimentSpec, SweepObjective, SweepSelect, SweepSpec, SweepStrategy } from './spec';
import { compareConfigs, configKey, configLabel, configOf, type DropoutConfig } from './dropoutConfig';
import { exclusionOf, selectedOf, selectionSettingsOf, votingTrials, type SelectionSettings, type TrialOutcomeInput } from './selection';
import type { TestMetrics } from './trial';

export interface MeanStd {
  mean: number;
  /** Sample standard deviation over seeds (n − 1); 0 for a single seed. */
  std: number;
  n: number;
  /** 95% Student-t confidence interval of the mean, mean ± t(0.975, n − 1)·std/√n; only when n > 1. */
  ci95?: { low: number; high: number };
}

/**
 * Two-sided 95% quantiles t(0.975, df) of Student's t distribution, df = 1…30, then 40, 60, 120 and ∞ (the normal
 * 1.960). Values as printed in the standard tables, e.g. the NIST/SEMATECH e-Handbook of Statistical Methods,
 * section 1.3.6.7.2 "Critical values of the Student's t distribution" (column 0.025 upper tail).
 */
const T_975: ReadonlyArray<readonly [df: number, t: number]> = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365], [8, 2.306], [9, 2.262], [10, 2.228],
  [11, 2.201], [12, 2.179], [13, 2.160], [14, 2.145], [15, 2.131], [16, 2.120], [17, 2.110], [18, 2.101], [19, 2.093], [20, 2.086],
  [21, 2.080], [22, 2.074], [23, 2.069], [24, 2.064], [25, 2.060], [26, 2.056], [27, 2.052], [28, 2.048], [29, 2.045], [30, 2.042],
  [40, 2.021], [60, 2.000], [120, 1.980], [Infinity, 1.960],
];

/**
 * t(0.975, df) for df ≥ 1, fractional df included (Welch). Between tabulated values it takes the next lower df,
 * whose quantile is larger: intervals come out slightly wide and tests slightly strict, never the other way.
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  let quantile = T_975[0]![1];
  for (const [tableDf, t] of T_975) {
    if (tableDf <= df) quantile = t;
    else break;
  }
  return quantile;
}

/** One seed's trial of a configuration, at its selected epoch: what paired comparisons over seeds are made of. */
export interface SeedResult {
  seed: number;
  trialId: string;
  /** The selected epoch (1-based). */
  epoch: number;
  /** The objective's validation value at that epoch. */
  value: number;
  /** Scored on the test split at that epoch; absent without a test split or for a trial stored before it. */
  test?: TestMetrics;
}

/** One configuration's aggregates over its seeds; `inputRate` is present when the sweep searched it. */
export interface RateSummary extends DropoutConfig {
  /** Trials of this configuration that vote (finished, not diverged, with a selected epoch). */
  seeds: number;
  /** The objective and select rule the trials' epochs were selected by. */
  selection: SelectionSettings;
  /** The objective's validation value at each trial's selected epoch, over seeds: what ranks configurations. */
  selected: MeanStd;
  /** Test figures at the selected epochs, over the seeds that have them (mean loss; accuracy for classification). */
  test?: { loss: MeanStd; acc?: MeanStd };
  /** Each voting trial, by ascending seed. */
  perSeed: SeedResult[];
  /** Each trial's lowest val_loss over its epochs (whatever the objective and select rule). */
  bestValLoss: MeanStd;
  /** Best (highest) val_acc over each trial's epochs (classification only). */
  bestValAcc?: MeanStd;
  finalLoss: MeanStd;
  finalTrainLoss: MeanStd;
  finalValLoss: MeanStd;
  gap: MeanStd;
  valAcc?: MeanStd;
  mcValLoss?: MeanStd;
  /** Last-epoch mc_entropy: mean predictive entropy of the MC prediction (nats; regression: predictive variance). */
  mcEntropy?: MeanStd;
}

export function meanStd(values: number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(variance);
  if (n < 2) return { mean, std, n };
  const halfWidth = tQuantile975(n - 1) * std / Math.sqrt(n);
  return { mean, std, n, ci95: { low: mean - halfWidth, high: mean + halfWidth } };
}

/**
 * Welch's two-sample t-test (unequal variances), two-sided at 5%: whether two rates' means differ by more than
 * seed noise explains. Welch rather than "the intervals do not overlap", which is far stricter than a 5% test.
 * Undefined when either side has a single seed: there is no estimate of the noise.
 */
export function welchDistinguishable(a: MeanStd, b: MeanStd): boolean | undefined {
  if (a.n < 2 || b.n < 2 || !Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return undefined;
  const va = a.std ** 2 / a.n;
  const vb = b.std ** 2 / b.n;
  if (va + vb === 0) return a.mean !== b.mean;
  const t = Math.abs(a.mean - b.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return t > tQuantile975(df);
}

function optionalMeanStd(values: (number | undefined)[]): MeanStd | undefined {
  const present = values.filter((value): value is number => value !== undefined && value !== null);
  return present.length ? meanStd(present) : undefined;
}

/** What a summary reads of a trial: stored records and the webviews' live snapshots both fit. */
export type SummarizedTrial = TrialOutcomeInput;

const DEFAULT_SELECTION: SelectionSettings = { objective: 'val_loss', select: 'best-epoch' };

/**
 * Summarises the trials that vote (see core/selection.ts) by configuration: their selected epochs (by `selection`,
 * default val_loss at the best epoch) and test figures, and their last epochs (`final*`, `gap`). A running trial
 * (live views) counts with its epochs so far.
 */
export function summarizeByRate(trials: SummarizedTrial[], selection: SelectionSettings = DEFAULT_SELECTION): RateSummary[] {
  const byConfig = new Map<string, SummarizedTrial[]>();
  for (const trial of votingTrials(trials, selection)) {
    const key = configKey(trial.plan);
    byConfig.set(key, [...(byConfig.get(key) ?? []), trial]);
  }
  const groups = [...byConfig.values()].map((group) => ({ config: configOf(group[0]!.plan), group }));
  return groups.sort((a, b) => compareConfigs(a.config, b.config)).map(({ config, group }) => {
    const finals = group.map((trial) => trial.epochs[trial.epochs.length - 1]);
    const best = group.map((trial) => Math.min(...trial.epochs.map((epoch) => epoch.val_loss).filter((loss) => Number.isFinite(loss))));
    const perSeed = group.map((trial): SeedResult => {
      const selected = selectedOf(trial, selection)!;
      return { seed: trial.plan.seed, trialId: trial.plan.id, epoch: selected.epoch, value: selected.value, ...(selected.test ? { test: selected.test } : {}) };
    }).sort((a, b) => a.seed - b.seed);
    const tested = perSeed.flatMap((result) => (result.test ? [result.test] : []));
    const testAcc = optionalMeanStd(tested.map((test) => test.acc));
    const summary: RateSummary = {
      ...config,
      seeds: group.length,
      selection,
      selected: meanStd(perSeed.map((result) => result.value)),
      ...(tested.length > 0 ? { test: { loss: meanStd(tested.map((test) => test.loss)), ...(testAcc ? { acc: testAcc } : {}) } } : {}),
      perSeed,
      bestValLoss: meanStd(best),
      finalLoss: meanStd(finals.map((final) => final.loss)),
      finalTrainLoss: meanStd(finals.map((final) => final.train_loss)),
      finalValLoss: meanStd(finals.map((final) => final.val_loss)),
      gap: meanStd(finals.map((final) => final.val_loss - final.train_loss)),
    };
    const valAcc = optionalMeanStd(finals.map((final) => final.val_acc));
    const accuracies = group.map((trial) => trial.epochs.map((epoch) => epoch.val_acc).filter((acc): acc is number => acc !== undefined && Number.isFinite(acc)));
    if (accuracies.every((values) => values.length > 0)) summary.bestValAcc = meanStd(accuracies.map((values) => Math.max(...values)));
    const mcValLoss = optionalMeanStd(finals.map((final) => final.mc_val_loss));
    const mcEntropy = optionalMeanStd(finals.map((final) => final.mc_entropy));
    if (valAcc) summary.valAcc = valAcc;
    if (mcValLoss) summary.mcValLoss = mcValLoss;
    if (mcEntropy) summary.mcEntropy = mcEntropy;
    return summary;
  });
}

/** Strategy and objective of a stored spec; sweeps stored before strategies existed were grids ranked by val_loss. */
export function sweepSettings(spec: ExperimentSpec): { strategy: SweepStrategy; objective: SweepObjective } {
  return { strategy: spec.sweep?.strategy ?? 'grid', objective: spec.sweep?.objective ?? 'val_loss' };
}

/**
 * The per-configuration figure an objective ranks by: the mean selected value when the summary selected by that
 * objective (lower is better for val_loss, higher for val_acc); for another objective, the mean of each trial's
 * best value over its epochs (what best-epoch selection by it would give).
 */
export function objectiveOf(rate: RateSummary, objective: SweepObjective): MeanStd | undefined {
  if (rate.selection?.objective === objective) return rate.selected;
  return objective === 'val_acc' ? rate.bestValAcc : rate.bestValLoss;
}

/** Configurations from best to worst by the objective; those without a finite value for it are left out. */
export function rankRates(rates: readonly RateSummary[], objective: SweepObjective = 'val_loss'): RateSummary[] {
  const sign = objective === 'val_acc' ? -1 : 1;
  return rates.filter((rate) => Number.isFinite(objectiveOf(rate, objective)?.mean))
    .sort((a, b) => sign * (objectiveOf(a, objective)!.mean - objectiveOf(b, objective)!.mean));
}

/** The best configuration by the objective (default: the lowest mean best validation loss). */
export function bestRate(rates: readonly RateSummary[], objective: SweepObjective = 'val_loss'): RateSummary | undefined {
  return rankRates(rates, objective)[0];
}

export interface BestRateExplanation extends DropoutConfig {
  objective: SweepObjective;
  value: MeanStd;
  /** e.g. "rate 0.3: val_loss 0.214 ± 0.011 over 3 seeds" (± one sample std), "input rate 0.1, rate 0.3: …". */
  text: string;
  runnerUp?: DropoutConfig & { value: MeanStd };
  /** Welch's t-test at 5% against the runner-up; undefined when either has a single seed or there is no runner-up. */
  distinguishable?: boolean;
}

/** The best rate, said in words, and whether seed noise could explain its lead over the runner-up. */
export function explainBest(rates: RateSummary[], objective: SweepObjective = 'val_loss'): BestRateExplanation | undefined {
  const [best, runnerUp] = rankRates(rates, objective);
  if (!best) return undefined;
  const value = objectiveOf(best, objective)!;
  const spread = value.n > 1 ? ` ± ${value.std.toFixed(3)} over ${value.n} seeds` : ' (1 seed)';
  let text = `${configLabel(best)}: ${objective} ${value.mean.toFixed(3)}${spread}`;
  const runnerUpValue = runnerUp && objectiveOf(runnerUp, objective)!;
  const distinguishable = runnerUpValue && welchDistinguishable(value, runnerUpValue);
  if (runnerUp && distinguishable === false) {
    text += ` — not distinguishable from ${configLabel(runnerUp)} (${runnerUpValue!.mean.toFixed(3)}; Welch t-test, 5%)`;
  }
  return {
    ...configOf(best), objective, value, text,
    ...(runnerUp ? { runnerUp: { ...configOf(runnerUp), value: runnerUpValue! } } : {}),
    ...(distinguishable !== undefined ? { distinguishable } : {}),
  };
}

/**
 * The trials a sweep's per-rate comparison is made of. Grid and random: all of them. Hyperband: only those trained
 * to maxEpochs (the last round of each bracket), as a trial stopped at a rung after one epoch says little about its
 * rate — keras-tuner likewise reports the best of the fully trained trials.
 */
export function comparedTrials<T extends SummarizedTrial>(
  trials: T[], spec: { sweep?: Pick<SweepSpec, 'strategy' | 'maxEpochs'> & { objective?: SweepObjective; select?: SweepSelect } },
): T[] {
  // Failed, cancelled, interrupted and diverged trials never compare (see core/selection.ts).
  const selection = selectionSettingsOf(spec);
  const finished = trials.filter((trial) => !exclusionOf(trial, selection));
  if (spec.sweep?.strategy !== 'hyperband' || spec.sweep.maxEpochs === undefined) return finished;
  const maxEpochs = spec.sweep.maxEpochs;
  return finished.filter((trial) => trial.epochs.length > 0 && trial.epochs[trial.epochs.length - 1]!.epoch >= maxEpochs);
}

/**
 * A stored sweep's per-configuration summaries over the trials it compares, selected by its objective and rule:
 * what the runner's best configuration, the best model, the CLI table and --json all read.
 */
export function summarizeSweepTrials(trials: SummarizedTrial[], spec: ExperimentSpec): RateSummary[] {
  return summarizeByRate(comparedTrials(trials, spec), selectionSettingsOf(spec));
}

/** Epochs trained over the whole sweep: every stored epoch line once (a resumed trial's earlier epochs are not retrained). */
export function epochsUsed(trials: SummarizedTrial[]): number {
  return trials.reduce((sum, trial) => sum + trial.epochs.length, 0);
}
