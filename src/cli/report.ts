/** What a finished sweep prints: the `--json` summary and the terminal table. Pure functions of stored records. */
import { taskOf, type ExperimentSpec, type SweepObjective, type SweepSelect, type SweepStrategy } from '../core/spec';
import { configEntries, configKey, configOf, searchedNames, type DropoutConfig } from '../core/dropoutConfig';
import { formatHpValue, type HpAssignment, type HpSpace } from '../core/hyperparameters';
import type { BackendInfo } from '../core/backend';
import type { Rung, SelectedEpoch } from '../core/trial';
import { bestModelDir } from '../store/layout';
import type { MeanStd } from '../core/statistics';
import { epochsUsed, objectiveOf, summarizeSweepTrials, sweepSettings, type RateSummary } from '../core/summary';
import { verdictOfSweep } from '../core/sweepVerdict';
import type { Verdict } from '../core/verdict';
import { excludedTrials, exclusionOf, selectedOf, selectionSettingsOf, testSplitOf, type ExcludedTrial, type TestSplitInfo } from '../core/selection';
import type { BestModelChoice, SweepRecord } from '../core/records';

export interface JsonSummary {
  experiment: string;
  sweepId: string;
  dir: string;
  status: string;
  backend?: string;
  backendFallbacks?: string[];
  /** Every rate below is a drop probability (Keras convention); keep = 1 − rate. */
  rateConvention: 'drop';
  strategy: SweepStrategy;
  objective: SweepObjective;
  /** Which epoch of each trial counts: its best by the objective, or its last (trials' `selected`). */
  select: SweepSelect;
  /** Whether trials score a held-out test split; without one, `warning` says what every figure then is. */
  testSplit: TestSplitInfo;
  /** Trials that do not vote (failed, cancelled, interrupted, diverged), with why: left out of `rates` and `best`. */
  excluded: ExcludedTrial[];
  /** Epochs trained over all trials (a resumed trial's earlier epochs count once): the sweep's cost. */
  epochsUsed: number;
  /** The best configuration's best seed, at its selected epoch: a TF.js Layers model (model.json + weights.bin) in `dir`. */
  bestModel?: BestModelChoice & { dir: string };
  /** Hyperband: every round, who was promoted and who was stopped, at which cumulative epoch. */
  rungs?: Rung[];
  budgetExhausted?: 'maxTrials' | 'maxMinutes';
  /** Present when the sweep searched the input drop rate too: every trial, rate and best then carries `inputRate`. */
  inputRates?: number[];
  /** Present when the sweep searched named hyperparameters: every trial, rate, best and verdict summary then carries `hp`. */
  space?: HpSpace;
  trials: {
    id: string; inputRate?: number; rate?: number; hp?: HpAssignment; seed: number; status: string; epochs: number; durationMs: number; stoppedEarly: boolean;
    stoppedByStrategy?: boolean;
    error?: string;
    /** The epoch the trial counts at (sweep.select by the objective), with the test figures scored there; absent when excluded. */
    selected?: SelectedEpoch;
    /** Why the trial does not vote (it is then in no summary); the top-level `excluded` lists the same. */
    excluded?: Omit<ExcludedTrial, 'trialId'>;
    /** The last epoch trained. */
    final?: {
      epoch: number; loss: number; train_loss: number; val_loss: number; gap: number; acc?: number; train_acc?: number; val_acc?: number;
      mc_val_loss?: number; mc_val_acc?: number; mc_entropy?: number;
    };
    /** val_loss sweeps only: the epoch with the lowest val_loss (`selected` is that epoch with select best-epoch). */
    best?: { epoch: number; val_loss: number; val_acc?: number };
  }[];
  /**
   * Per rate (per (inputRate, rate) pair when both are searched), over the compared trials (Hyperband: those trained
   * to maxEpochs); MeanStd carries the 95% interval.
   */
  rates: RateSummary[];
  best?: {
    inputRate?: number; rate?: number; hp?: HpAssignment; seeds: number;
    /**
     * Named by the objective: the mean (and std over seeds) of the objective at the trials' selected epochs, as
     * `val_loss`/`val_loss_std` in a val_loss sweep and `val_acc`/`val_acc_std` in a val_acc sweep.
     */
    val_loss?: number; val_loss_std?: number; val_acc?: number; val_acc_std?: number;
    /** The objective's value at the best rate (mean, std, n, 95% interval). */
    objective: MeanStd;
    /** The test figures at the selected epochs, over the seeds that have them. */
    test?: RateSummary['test'];
    /** The verdict's sentence (same as `verdict.text`). */
    explanation: string;
  };
  /**
   * The one verdict (core/sweepVerdict.ts), as the panel, side view and CodeLens show it: the best configuration by
   * validation, its test figures, and its comparisons with every other configuration (paired over seeds when they
   * share seeds; Welch otherwise), `distinguishable` only when the best beats each of them at 95%.
   */
  verdict: Verdict;
}

function ratesOf(record: SweepRecord): { rates: RateSummary[]; verdict: Verdict } {
  const rates = summarizeSweepTrials(record.trials, record.manifest.spec);
  return { rates, verdict: verdictOfSweep(record.trials, record.manifest.spec, rates) };
}

export function jsonSummary(record: SweepRecord): JsonSummary {
  const { rates, verdict } = ratesOf(record);
  const best = rates.find((rate) => configKey(rate) === verdict.best);
  const { inputRates, space } = record.manifest.spec.sweep ?? {};
  const selection = selectionSettingsOf(record.manifest.spec);
  const { objective } = selection;
  const backend: BackendInfo | undefined = record.manifest.backend;
  return {
    experiment: record.manifest.experiment,
    sweepId: record.manifest.id,
    dir: record.dir,
    status: record.status,
    backend: backend?.name,
    backendFallbacks: backend?.fallbacks,
    rateConvention: 'drop',
    ...sweepSettings(record.manifest.spec),
    select: selection.select,
    testSplit: testSplitOf(record.manifest.spec),
    excluded: excludedTrials(record.trials, selection),
    epochsUsed: epochsUsed(record.trials),
    ...(inputRates ? { inputRates } : {}),
    ...(space && Object.keys(space).length > 0 ? { space } : {}),
    ...(record.manifest.bestModel ? { bestModel: { ...record.manifest.bestModel, dir: bestModelDir(record.dir) } } : {}),
    ...(record.manifest.rungs ? { rungs: record.manifest.rungs } : {}),
    ...(record.manifest.budgetExhausted ? { budgetExhausted: record.manifest.budgetExhausted } : {}),
    trials: record.trials.map((trial) => {
      const last = trial.epochs[trial.epochs.length - 1];
      const bestEpoch = objective === 'val_loss'
        ? trial.epochs.reduce<typeof last | undefined>((b, e) => (!b || e.val_loss < b.val_loss ? e : b), undefined) : undefined;
      const excluded = exclusionOf(trial, selection);
      const selected = excluded ? undefined : selectedOf(trial, selection);
      return {
        id: trial.plan.id, ...configOf(trial.plan), seed: trial.plan.seed, status: trial.status,
        epochs: trial.epochs.length, durationMs: trial.summary?.durationMs ?? 0, stoppedEarly: trial.summary?.stoppedEarly ?? false,
        ...(trial.summary?.stoppedByStrategy ? { stoppedByStrategy: true } : {}),
        ...(trial.summary?.error ? { error: trial.summary.error } : {}),
        ...(selected ? { selected } : {}),
        ...(excluded ? { excluded } : {}),
        ...(last ? {
          final: {
            epoch: last.epoch, loss: last.loss, train_loss: last.train_loss, val_loss: last.val_loss, gap: last.val_loss - last.train_loss,
            ...pick(last, ['acc', 'train_acc', 'val_acc', 'mc_val_loss', 'mc_val_acc', 'mc_entropy']),
          },
        } : {}),
        ...(bestEpoch ? { best: { epoch: bestEpoch.epoch, val_loss: bestEpoch.val_loss, ...pick(bestEpoch, ['val_acc']) } } : {}),
      };
    }),
    rates,
    ...(best ? {
      best: {
        ...configOf(best), seeds: best.seeds, ...objectiveNamed(objective, objectiveOf(best, objective)!),
        objective: objectiveOf(best, objective)!, ...(best.test ? { test: best.test } : {}), explanation: verdict.text,
      },
    } : {}),
    verdict,
  };
}

/** `val_loss`/`val_loss_std` or `val_acc`/`val_acc_std`: a figure named by what it measures. */
function objectiveNamed(objective: SweepObjective, value: MeanStd): { val_loss: number; val_loss_std: number } | { val_acc: number; val_acc_std: number } {
  return objective === 'val_acc' ? { val_acc: value.mean, val_acc_std: value.std } : { val_loss: value.mean, val_loss_std: value.std };
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>;
}

const number = (value: number | undefined, digits = 4): string => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const withStd = (value: MeanStd | undefined): string => {
  if (!value) return '–';
  return value.n > 1 ? `${number(value.mean)} ± ${number(value.std)}` : number(value.mean);
};

const interval = (value: MeanStd | undefined): string => (value?.ci95 ? `[${number(value.ci95.low)}, ${number(value.ci95.high)}]` : '–');

/**
 * The end-of-sweep table: one row per rate (per input rate × rate when both are searched) over its finished trials,
 * the best marked, with the test figures at the selected epochs; then the strategy, its cost, the trials left out
 * and the best configuration in words.
 */
export function rateTable(record: SweepRecord): string {
  const { rates, verdict } = ratesOf(record);
  const { strategy, objective } = sweepSettings(record.manifest.spec);
  const selection = selectionSettingsOf(record.manifest.spec);
  const classification = taskOf(record.manifest.spec.dataset) === 'classification';
  const withSeeds = rates.some((rate) => rate.seeds > 1);
  const searched = searchedNames(rates.length ? rates : record.trials.map((trial) => trial.plan));
  // best val_loss is the selected figure itself when val_loss picks each trial's best epoch; otherwise both show.
  const withSelected = objective !== 'val_loss' || selection.select !== 'best-epoch';
  const header = [...searched.flatMap(configHeaders), 'seeds', 'best val_loss',
    ...(withSelected ? [`${objective} @ ${selection.select}`] : []), ...(withSeeds ? [`${objective} 95% CI`] : []),
    'test loss', ...(classification ? ['test acc'] : []),
    'final loss', 'train_loss', 'val_loss', 'gap', 'val_acc', 'mc_val_loss', 'mc_entropy', ''];
  const rows = rates.map((rate) => [
    ...configCells(rate, searched), String(rate.seeds), withStd(rate.bestValLoss),
    ...(withSelected ? [withStd(objectiveOf(rate, objective))] : []), ...(withSeeds ? [interval(objectiveOf(rate, objective))] : []),
    withStd(rate.test?.loss), ...(classification ? [withStd(rate.test?.acc)] : []), withStd(rate.finalLoss),
    withStd(rate.finalTrainLoss), withStd(rate.finalValLoss), withStd(rate.gap), withStd(rate.valAcc), withStd(rate.mcValLoss),
    withStd(rate.mcEntropy), configKey(rate) === verdict.best ? (verdict.distinguishable ? '◀ best' : '◀ best (not distinguishable)') : '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padStart(widths[column])).join('  ').trimEnd();
  const withRate = searched.includes('rate');
  const notes = [
    ...(withRate ? ['rate = drop probability (Keras); keep p = 1 − rate (Srivastava et al.).'] : []),
    ...(searched.includes('input_rate') ? ['input rate = drop probability on the input features; rate = on the hidden layers.'] : []),
    ...(searched.length > (withRate ? 1 : 0) + (searched.includes('input_rate') ? 1 : 0)
      ? ['named hyperparameters (sweep.space) as the spec names them; a dropout rate among them is a drop probability.'] : []),
    'loss = training batches with dropout on; train_loss, val_loss = deterministic inference rule; gap = val_loss − train_loss (last epoch).',
    `each trial counts at its ${selection.select === 'best-epoch' ? `best epoch by ${objective}` : 'last epoch'} (sweep.select ${selection.select}), `
      + 'chosen on validation; '
      + 'test loss/acc = the held-out test split, scored once per finished trial at that epoch (it chooses nothing).',
    ...(rates.some((rate) => rate.mcValLoss) ? [mcNote(record.manifest.spec)] : []),
  ];
  const budget = record.manifest.budgetExhausted ? `; stopped by sweep.${record.manifest.budgetExhausted}` : '';
  const sweepLines = [`strategy ${strategy}, objective ${objective}: ${epochsUsed(record.trials)} epochs trained over ${record.trials.length} trials${budget}`];
  const compared = searched.every((name) => name === 'rate' || name === 'input_rate') ? 'rates' : 'configurations';
  if (strategy === 'hyperband') {
    sweepLines.push(`${compared} compared over the trials trained to maxEpochs; rounds:`, ...rungLines(record.manifest.rungs ?? []));
  }
  const excluded = excludedTrials(record.trials, selection);
  if (excluded.length > 0) {
    const reasons = excluded.map((trial) => `${trial.trialId} (${trial.reason}${trial.detail ? `: ${trial.detail}` : ''})`);
    sweepLines.push(`left out (${excluded.length}): ${reasons.join('; ')}`);
  }
  const { warning } = testSplitOf(record.manifest.spec);
  if (warning) sweepLines.push(`warning: ${warning}`);
  if (verdict.best) sweepLines.push(`verdict: ${verdict.text}`);
  return [line(header), ...rows.map(line), '', ...sweepLines, '', ...notes].join('\n');
}

/** The columns of one searched dimension: the shorthand's rate shows its keep probability beside it. */
function configHeaders(name: string): string[] {
  if (name === 'input_rate') return ['input rate'];
  if (name === 'rate') return ['rate', 'keep p'];
  return [name];
}

function configCells(config: DropoutConfig, searched: readonly string[]): string[] {
  const values = new Map(configEntries(config));
  return searched.flatMap((name) => {
    const value = values.get(name);
    const text = value === undefined ? '–' : formatHpValue(value);
    return name === 'rate' ? [text, typeof value === 'number' ? number(1 - value, 2) : '–'] : [text];
  });
}

function mcNote(spec: ExperimentSpec): string {
  const uncertainty = taskOf(spec.dataset) === 'regression' ? 'variance across the passes' : 'entropy (nats)';
  return `mc_val_loss = the mean prediction of ${spec.evaluation.mcSamples} dropout passes; mc_entropy = its mean predictive ${uncertainty}.`;
}

function rungLines(rungs: Rung[]): string[] {
  return rungs.map((rung) => `  ${rungLine(rung)}`);
}

/** One Hyperband round in a line: the table's list of rounds and the live progress. */
export function rungLine(rung: Rung): string {
  return `bracket ${rung.bracket} round ${rung.round}: ${rung.trials.length} trials to epoch ${rung.epochs}`
    + (rung.promoted.length + rung.stopped.length > 0 ? `, ${rung.promoted.length} promoted, ${rung.stopped.length} stopped` : ', completed')
    + (rung.unranked.length > 0 ? `, ${rung.unranked.length} not ranked` : '');
}
