/**
 * The sweep's verdict: which configuration is best, by how much, and whether seed noise could explain it — in words
 * and as data. One function for every place that shows it (CLI table, --json, panel header, side view, CodeLens),
 * so they cannot disagree. Pure: its input is plain numbers per seed, no store or engine types.
 *
 * Rules:
 * - Validation chooses: configurations are ranked by the mean over seeds of each trial's selected objective value
 *   (val_loss lowest first, val_acc highest first). Test figures are reported, never used to choose.
 * - The best is compared with every other configuration (never with itself): by the paired t-test over the seeds
 *   they share when the sweep's trials are paired (same seed, same split, initial weights and batch order) and they
 *   share at least two seeds; by Welch's test otherwise. Δ is always best − other, on the objective.
 * - A comparison counts as "better" when the 95% interval of Δ excludes 0 on the side that favours the best (for a
 *   t-test the same as p < 0.05 two-sided with the right sign). The verdict is `distinguishable` only when the best
 *   is better than every other configuration — the runner-up and the no-dropout baseline (see isBaseline) included — so a
 *   CodeLens never names a winner the data cannot tell apart. No correction for multiple comparisons: with a
 *   handful of rates this is a statement about the runner-up and the baseline, the others trail further.
 * - One seed: nothing is tested. Two seeds: tested (t with 1 df needs a very consistent difference) but the text
 *   says the evidence is thin.
 */
import { compareConfigs, configOf, type DropoutConfig } from './dropoutConfig';
import {
  meanStd, pairedComparison, seedMap, welchComparison,
  type Comparison, type Direction, type Interval, type MeanStd, type NoTestReason, type PerSeed,
} from './statistics';
import { objectiveDirection } from './objective';
import type { SweepObjective } from './spec';

export type VerdictObjective = SweepObjective;

/** One configuration (a point of the search space) and its per-seed figures. */
export interface VerdictConfiguration extends DropoutConfig {
  /** Stable identifier, e.g. `rate-0.5` (what `best` and comparisons refer to). */
  key: string;
  /** How it reads in a sentence, e.g. `rate 0.5` or `input rate 0.1, rate 0.5`. */
  label: string;
  /** Each seed's selected value of the objective, measured on validation data: what ranks the configurations. */
  values: PerSeed;
  /** Each seed's test loss at its selected epoch (reported only); absent when the sweep has no test split. */
  testLoss?: PerSeed;
  /** Each seed's test accuracy at its selected epoch (classification); absent without a test split. */
  testAcc?: PerSeed;
}

export interface VerdictInput {
  objective: VerdictObjective;
  configurations: readonly VerdictConfiguration[];
  /** Whether trials of different configurations with the same seed are paired (grid and random sweeps). */
  paired: boolean;
  /** Trials left out before this point (failed, cancelled, diverged); only reported. */
  excludedTrials?: number;
  /**
   * The named hyperparameters that are drop rates (core/spec.ts dropoutRateNames): with the shorthand's rates, what
   * a configuration must have at 0 to be the no-dropout baseline.
   */
  dropoutRates?: readonly string[];
  /**
   * The sweep holds out a test split: a best without test figures then has them still to come (a live sweep), and
   * the text says so instead of warning that there is no test split.
   */
  heldOutTest?: boolean;
}

/** What a comparison of the best with another configuration found. */
export type ComparisonOutcome = 'better' | 'worse' | 'not distinguishable' | 'not tested';

export interface VerdictComparison {
  /** The other configuration. */
  key: string;
  label: string;
  runnerUp: boolean;
  /** The other is the no-dropout baseline (see isBaseline). */
  baseline: boolean;
  outcome: ComparisonOutcome;
  /** best − other on the objective, paired over shared seeds or Welch. */
  test: Comparison;
}

export interface ConfigurationSummary extends DropoutConfig {
  key: string;
  label: string;
  /** The objective over seeds (validation). */
  objective: MeanStd;
  testLoss?: MeanStd;
  testAcc?: MeanStd;
  /** 1 for the best; undefined when the configuration has no finite objective value. */
  rank?: number;
}

export type Evidence = 'none' | 'thin' | 'enough';

export interface Verdict {
  /** Key of the configuration with the best mean objective; undefined when none has a value. */
  best?: string;
  bestLabel?: string;
  objective: VerdictObjective;
  direction: Direction;
  /** The verdict in one sentence. */
  text: string;
  /** Short form for a CodeLens: the best's label only when it is distinguishable, e.g. `rate 0.5`, `no clear winner`. */
  lens: string;
  /** The best is better than every other configuration (95% interval of Δ excludes 0 in its favour). */
  distinguishable: boolean;
  /** Seeds with a finite objective value for the best configuration. */
  seeds: number;
  /** none: one seed (or no comparison possible); thin: two seeds; enough: three or more. */
  evidence: Evidence;
  paired: boolean;
  /** The best has test figures; false means the reported figure is on the validation data that chose it. */
  testSplit: boolean;
  excludedTrials: number;
  runnerUp?: string;
  /** Key of the no-dropout baseline, when the sweep has it (with results). */
  baseline?: string;
  /** The best against each other ranked configuration, in rank order. */
  comparisons: VerdictComparison[];
  /** Every configuration, ranked first (best first), then those without a value, in input order. */
  summaries: ConfigurationSummary[];
}

/**
 * No searched dropout: every drop rate the configuration has is 0 — the hidden rate and the input rate when the
 * sweep searches them, and each named hyperparameter of `dropoutRates` — and it has at least one (a space of
 * learning rates alone has no baseline). A layer's fixed rate is not searched, so it does not count.
 */
export function isBaseline(config: DropoutConfig, dropoutRates: readonly string[] = []): boolean {
  const rates = [config.inputRate, config.rate, ...dropoutRates.map((name) => config.hp?.[name])].filter((rate) => rate !== undefined);
  return rates.length > 0 && rates.every((rate) => rate === 0);
}

export function sweepVerdict(input: VerdictInput): Verdict {
  const { objective } = input;
  const direction: Direction = objectiveDirection(objective);
  const excludedTrials = input.excludedTrials ?? 0;
  const summaries = input.configurations.map((config) => summarize(config));
  const ranked = summaries
    .map((summary, index) => ({ summary, config: input.configurations[index]! }))
    .filter(({ summary }) => summary.objective.n > 0)
    .sort((a, b) => compareByObjective(a.summary, b.summary, direction));
  ranked.forEach(({ summary }, index) => { summary.rank = index + 1; });
  const orderedSummaries = [...ranked.map(({ summary }) => summary), ...summaries.filter((summary) => summary.rank === undefined)];

  const base = { objective, direction, paired: input.paired, excludedTrials, summaries: orderedSummaries };
  const bestEntry = ranked[0];
  if (!bestEntry) {
    return {
      ...base, text: withExcluded(`no finished trial has a ${objective}`, excludedTrials), lens: 'no results',
      distinguishable: false, seeds: 0, evidence: 'none', testSplit: false, comparisons: [],
    };
  }
  const best = bestEntry.config;
  const bestSummary = bestEntry.summary;
  const runnerUp = ranked[1]?.config;
  // Several configurations may have no dropout (a space also searching, say, the learning rate): the baseline is the
  // best-ranked of them, the best the sweep did without dropout, so "better than the baseline" is never won against a
  // badly tuned one.
  const baseline = ranked.find(({ config }) => isBaseline(config, input.dropoutRates))?.config;
  const comparisons = ranked.slice(1).map(({ config }): VerdictComparison => {
    const test = compare(best, config, input.paired, direction);
    return {
      key: config.key, label: config.label, runnerUp: config === runnerUp, baseline: config === baseline,
      outcome: outcomeOf(test, direction), test,
    };
  });
  const seeds = bestSummary.objective.n;
  const evidence: Evidence = seeds < 2 ? 'none' : seeds === 2 ? 'thin' : 'enough';
  const distinguishable = comparisons.length > 0 && comparisons.every((comparison) => comparison.outcome === 'better');
  const testFigure = testFigureOf(bestSummary, objective);
  const verdict: Verdict = {
    ...base, best: best.key, bestLabel: best.label, text: '', lens: '', distinguishable, seeds, evidence,
    testSplit: testFigure !== undefined, comparisons,
    ...(runnerUp ? { runnerUp: runnerUp.key } : {}),
    ...(baseline ? { baseline: baseline.key } : {}),
  };
  verdict.text = withExcluded(sentence(verdict, bestSummary, testFigure, input.heldOutTest ?? false), excludedTrials);
  verdict.lens = lensOf(verdict);
  return verdict;
}

function summarize(config: VerdictConfiguration): ConfigurationSummary {
  const summary: ConfigurationSummary = {
    key: config.key, label: config.label, ...configOf(config),
    objective: meanStd(seedMap(config.values).values()),
  };
  const testLoss = config.testLoss && meanStd(seedMap(config.testLoss).values());
  const testAcc = config.testAcc && meanStd(seedMap(config.testAcc).values());
  if (testLoss && testLoss.n > 0) summary.testLoss = testLoss;
  if (testAcc && testAcc.n > 0) summary.testAcc = testAcc;
  return summary;
}

/** Better mean first; equal means by input rate, then hidden rate, ascending (the simpler model first). */
function compareByObjective(a: ConfigurationSummary, b: ConfigurationSummary, direction: Direction): number {
  const sign = direction === 'min' ? 1 : -1;
  return sign * (a.objective.mean - b.objective.mean) || compareConfigs(a, b);
}

/** Paired over shared seeds when the trials are paired and share at least two seeds; Welch otherwise. */
function compare(best: VerdictConfiguration, other: VerdictConfiguration, paired: boolean, direction: Direction): Comparison {
  if (paired) {
    const test = pairedComparison(best.values, other.values, direction);
    if (test.n >= 2) return test;
    const welch = welchComparison(seedMap(best.values).values(), seedMap(other.values).values());
    // Paired data that share fewer than two seeds: Welch when it can test, else the paired result and its reason.
    if (welch.reason === undefined) return welch;
    return test;
  }
  return welchComparison(seedMap(best.values).values(), seedMap(other.values).values());
}

function outcomeOf(test: Comparison, direction: Direction): ComparisonOutcome {
  if (test.reason !== undefined) return 'not tested';
  if (!test.distinguishable) return 'not distinguishable';
  const favoursBest = direction === 'min' ? test.meanDiff < 0 : test.meanDiff > 0;
  return favoursBest ? 'better' : 'worse';
}

interface Figure {
  name: string;
  value: MeanStd;
}

/** The test figure reported for the best: test acc for a val_acc sweep (when measured), test loss otherwise. */
function testFigureOf(summary: ConfigurationSummary, objective: VerdictObjective): Figure | undefined {
  if (objective === 'val_acc' && summary.testAcc) return { name: 'test acc', value: summary.testAcc };
  if (summary.testLoss) return { name: 'test loss', value: summary.testLoss };
  if (summary.testAcc) return { name: 'test acc', value: summary.testAcc };
  return undefined;
}

const NO_TEST_SPLIT = 'on the validation data that also chose it: no test split';
const TEST_TO_COME = 'validation; its test figures come when its trials finish';

/** `0.362 ± 0.004 over 5 seeds`; just the mean for one seed. */
function valueText({ mean, std, n }: MeanStd): string {
  return n > 1 ? `${formatNumber(mean)} ± ${formatNumber(std)} over ${n} seeds` : formatNumber(mean);
}

function sentence(verdict: Verdict, bestSummary: ConfigurationSummary, testFigure: Figure | undefined, heldOutTest: boolean): string {
  const { objective, direction, comparisons } = verdict;
  const label = verdict.bestLabel!;
  const lowest = direction === 'min' ? 'lowest' : 'highest';
  const validation = valueText(bestSummary.objective);
  // What the best scores: its test figure, else the objective itself with the warning that it is not held out.
  const untested = heldOutTest ? TEST_TO_COME : NO_TEST_SPLIT;
  const figure = testFigure ? `${testFigure.name} ${valueText(testFigure.value)}` : `${objective} ${validation} (${untested})`;
  if (comparisons.length === 0) return `${label} is the only configuration with results: ${figure}; nothing to compare it with`;
  if (verdict.seeds < 2) {
    const after = testFigure ? `; ${figure}` : `; ${objective} ${validation} is ${untested}`;
    const what = bestSummary.hp ? 'configurations' : 'rates';
    // Hyperband (unpaired) trains each configuration once and refuses repeats: the way to more seeds is a grid.
    const advice = verdict.paired ? `set sweep.repeats ≥ 3 to tell ${what} apart`
      : `Hyperband trains each configuration once: re-run the leading ${what} as a grid with sweep.repeats ≥ 3 to tell them apart`;
    return `${label} had the ${lowest} ${objective} (one seed: not tested; ${advice})${after}`;
  }
  const thin = verdict.evidence === 'thin' ? '; 2 seeds: thin evidence, set sweep.repeats ≥ 3' : '';
  if (verdict.distinguishable) {
    // The comparison users ask first: with the no-dropout baseline, else with the runner-up.
    const shown = comparisons.find((comparison) => comparison.baseline) ?? comparisons.find((comparison) => comparison.runnerUp)!;
    return `${label} is best: ${figure}; better than ${shown.label} ${evidenceText(shown, objective)}${thin}`;
  }
  // Not a winner: say with what it cannot be told apart, the baseline and the runner-up first.
  const failing = comparisons.filter((comparison) => comparison.outcome !== 'better');
  const first = failing.find((comparison) => comparison.baseline) ?? failing.find((comparison) => comparison.runnerUp) ?? failing[0]!;
  const rest = failing.filter((comparison) => comparison !== first);
  const restText = rest.length ? `; nor told apart from ${listLabels(rest)}` : '';
  const lead = testFigure ? `${label} had the ${lowest} ${objective}: ${figure}` : `${label} had the ${lowest} ${objective}, ${validation} (${untested})`;
  return `${lead}; ${failureText(first, objective)}${restText}: no clear winner${thin}`;
}

/** `in 5 of 5 seeds (Δ val_loss −0.041, 95% CI −0.048 … −0.034)`, or the Welch form. */
function evidenceText(comparison: VerdictComparison, objective: VerdictObjective): string {
  const { test } = comparison;
  if (test.kind === 'paired') return `in ${test.better} of ${test.n} seeds (${deltaText(test, objective)})`;
  return `(${deltaText(test, objective)}; unpaired, Welch test)`;
}

/** `Δ val_loss −0.041, 95% CI −0.048 … −0.034` (best − other). */
function deltaText(test: Comparison, objective: VerdictObjective): string {
  return `Δ ${objective} ${formatNumber(test.meanDiff)}${test.ci95 ? `, 95% CI ${formatInterval(test.ci95)}` : ''}`;
}

function failureText(comparison: VerdictComparison, objective: VerdictObjective): string {
  const { test, label } = comparison;
  switch (comparison.outcome) {
    case 'not tested':
      return `not tested against ${label} (${reasonText(test.reason!)})`;
    case 'worse':
      return `worse than ${label} ${worseDetail(comparison, objective)}`;
    case 'better':
      throw new Error(`failureText: ${label} is not a failing comparison`);
    case 'not distinguishable': {
      const delta = deltaText(test, objective);
      const detail = test.kind === 'paired' ? `better in ${test.better} of ${test.n} seeds; ${delta}` : `${delta}; unpaired, Welch test`;
      return `not distinguishable from ${label} (${detail})`;
    }
  }
}

function worseDetail(comparison: VerdictComparison, objective: VerdictObjective): string {
  const { test } = comparison;
  const delta = deltaText(test, objective);
  return test.kind === 'paired' ? `on the ${test.n} seeds they share (${delta})` : `(${delta}; unpaired, Welch test)`;
}

function reasonText(reason: NoTestReason): string {
  switch (reason) {
    case 'no-values': return 'no values';
    case 'one-seed': return 'one seed';
    case 'no-shared-seeds': return 'no seeds in common';
    case 'one-shared-seed': return 'one seed in common';
  }
}

/** Up to three labels; a label of several values is bracketed, so that the list's commas separate configurations. */
function listLabels(comparisons: readonly VerdictComparison[]): string {
  const shown = comparisons.slice(0, 3).map(({ label }) => (label.includes(', ') ? `(${label})` : label));
  const more = comparisons.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function lensOf(verdict: Verdict): string {
  if (verdict.distinguishable) return verdict.bestLabel!;
  if (verdict.comparisons.length === 0) return `only ${verdict.bestLabel}`;
  if (verdict.seeds < 2) return 'not tested (1 seed)';
  return 'no clear winner';
}

function withExcluded(text: string, excluded: number): string {
  if (excluded <= 0) return text;
  return `${text}; ${excluded} trial${excluded === 1 ? '' : 's'} excluded (failed, cancelled or diverged)`;
}

/**
 * Three decimals, as the CLI prints losses (`0.362`, `−0.041`, with a true minus sign); magnitudes below 0.001
 * keep two significant digits instead of rounding to a misleading `0.000`.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : value > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(value);
  const digits = magnitude === 0 || magnitude >= 0.001 ? magnitude.toFixed(3) : magnitude.toPrecision(2);
  return (value < 0 && Number(digits) !== 0 ? '−' : '') + digits;
}

function formatInterval(interval: Interval): string {
  return `${formatNumber(interval.low)} … ${formatNumber(interval.high)}`;
}
