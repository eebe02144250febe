import type { TrialPlan } from '../../protocol/messages';
import type { ExperimentSpec } from '../spec/types';

/** `rate-0.3_seed-2`: readable, sortable enough, and safe as a file name. */
export function trialId(rate: number, seed: number): string {
  return `rate-${rate}_seed-${seed}`;
}

/**
 * The grid: every rate × `repeats` seeds, rate-major, so partial results cover low rates first.
 * `onlyRates` narrows the sweep (CLI `--rates`, "Run only this rate"); each must be one of the spec's rates.
 */
export function planTrials(spec: ExperimentSpec, onlyRates?: number[]): TrialPlan[] {
  const rates = onlyRates ?? spec.sweep.rates;
  const unknown = rates.filter((rate) => !spec.sweep.rates.includes(rate));
  if (unknown.length) throw new Error(`rate ${unknown.join(', ')} is not in the sweep (${spec.sweep.rates.join(', ')})`);
  return rates.flatMap((rate) => Array.from({ length: spec.sweep.repeats }, (_, repeat) => {
    const seed = spec.training.seed + repeat;
    return { id: trialId(rate, seed), rate, seed, repeat };
  }));
}
