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
import { compareConfigs, configKey, configOf, type DropoutConfig } from './dropoutConfig';
import { exclusionOf, selectedOf, selectionSettingsOf, votingTrials, type SelectionSettings, type TrialOutcomeInput } from './selection';
import { meanStd, type MeanStd } from './statistics';
import type { TestMetrics } from './trial';

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

function optionalMeanStd(values: (number | undefined)[]): MeanStd | undefined {
  const present = values.filter((value): value is number => value !== undefined && value !== null);
  return present.length ? meanStd(present) : undefined;
}

/** What of a spec's sweep the summaries read: a stored spec's, or a live view's snapshot of it. */
export type SummarySweepSpec = Pick<SweepSpec, 'strategy' | 'maxEpochs'> & { objective?: SweepObjective; select?: SweepSelect };

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
    const accuracies = group.map((trial) => trial.epochs.map((epoch) => epoch.val_acc)
      .filter((acc): acc is number => acc !== undefined && Number.isFinite(acc)));
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

/**
 * The trials a sweep's per-rate comparison is made of. Grid and random: all of them. Hyperband: only those trained
 * to maxEpochs (the last round of each bracket), as a trial stopped at a rung after one epoch says little about its
 * rate — keras-tuner likewise reports the best of the fully trained trials.
 */
export function comparedTrials<T extends SummarizedTrial>(trials: T[], spec: { sweep?: SummarySweepSpec }): T[] {
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
export function summarizeSweepTrials(trials: SummarizedTrial[], spec: { sweep: SummarySweepSpec }): RateSummary[] {
  return summarizeByRate(comparedTrials(trials, spec), selectionSettingsOf(spec));
}

/** Epochs trained over the whole sweep: every stored epoch line once (a resumed trial's earlier epochs are not retrained). */
export function epochsUsed(trials: SummarizedTrial[]): number {
  return trials.reduce((sum, trial) => sum + trial.epochs.length, 0);
}
