/**
 * The one verdict of a sweep, stored or live: its trials summarised by configuration (only those that vote, at the
 * epochs validation selected) and handed to sweepVerdict. The CLI table, --json, sweep.json, the panel header, the
 * side view and the CodeLens all read this one function, so they cannot disagree.
 */
import { configKey, configLabel, configOf } from './dropoutConfig';
import { excludedTrials, selectionSettingsOf, testSplitOf, type TestSplitSpec } from './selection';
import { summarizeSweepTrials, type RateSummary, type SummarizedTrial, type SummarySweepSpec } from './summary';
import { sweepVerdict, type Verdict, type VerdictConfiguration } from './verdict';
import { dropoutRateNames, type LayerSpec } from './spec';

/**
 * What of a spec the verdict reads: a stored spec, or a live view's snapshot of it. `model.layers` names the
 * hyperparameters that are drop rates (for the no-dropout baseline); without it only the shorthand's rates count.
 */
export type VerdictSpec = { sweep: SummarySweepSpec; model?: { layers?: LayerSpec[]; dropoutHps?: string[] } } & TestSplitSpec;

/**
 * Configurations share seeds (training.seed + repeat: same split, initial weights, batch order and masks) in grid
 * and random sweeps, so they are compared seed by seed. Hyperband's trials of a configuration are drawn per
 * bracket, so its groups are compared unpaired (Welch).
 */
export function pairedSeeds(spec: VerdictSpec): boolean {
  return spec.sweep.strategy !== 'hyperband';
}

export function verdictConfigurations(rates: readonly RateSummary[]): VerdictConfiguration[] {
  return rates.map((rate) => {
    const tested = rate.perSeed.filter((result) => result.test);
    const accuracies = tested.filter((result) => result.test!.acc !== undefined);
    return {
      key: configKey(rate), label: configLabel(rate), ...configOf(rate),
      values: new Map(rate.perSeed.map((result) => [result.seed, result.value])),
      ...(tested.length ? { testLoss: new Map(tested.map((result) => [result.seed, result.test!.loss])) } : {}),
      ...(accuracies.length ? { testAcc: new Map(accuracies.map((result) => [result.seed, result.test!.acc!])) } : {}),
    };
  });
}

/** The verdict of a sweep's trials under its spec (summaries may be passed when the caller has them already). */
export function verdictOfSweep(
  trials: SummarizedTrial[], spec: VerdictSpec, rates: readonly RateSummary[] = summarizeSweepTrials(trials, spec),
): Verdict {
  const selection = selectionSettingsOf(spec);
  return sweepVerdict({
    objective: selection.objective,
    configurations: verdictConfigurations(rates),
    paired: pairedSeeds(spec),
    excludedTrials: excludedTrials(trials, selection).length,
    dropoutRates: dropoutRateNames(spec.model),
    heldOutTest: testSplitOf(spec).heldOut,
  });
}
