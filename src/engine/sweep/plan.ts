import type { TrialPlan } from '../../protocol/messages';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import type { ExperimentSpec } from '../spec/types';
import { hyperbandSchedule, type HyperbandBracket } from './hyperband';

/** `rate-0.3_seed-2`: readable, sortable enough, and safe as a file name. */
export function trialId(rate: number, seed: number): string {
  return `rate-${rate}_seed-${seed}`;
}

/**
 * The grid: every rate × `repeats` seeds, rate-major, so partial results cover low rates first.
 * `onlyRates` narrows the sweep (CLI `--rates`, "Run only this rate"); each must be one of the spec's rates.
 */
export function planTrials(spec: ExperimentSpec, onlyRates?: number[]): TrialPlan[] {
  if (spec.sweep.strategy === 'hyperband') {
    if (onlyRates) throw new Error('a hyperband sweep cannot be narrowed to some rates; run it whole, or use strategy "grid"');
    return planHyperband(spec).trials;
  }
  const rates = onlyRates ?? spec.sweep.rates;
  const unknown = rates.filter((rate) => !spec.sweep.rates.includes(rate));
  if (unknown.length) throw new Error(`rate ${unknown.join(', ')} is not in the sweep (${spec.sweep.rates.join(', ')})`);
  return rates.flatMap((rate) => Array.from({ length: spec.sweep.repeats }, (_, repeat) => {
    const seed = spec.training.seed + repeat;
    return { id: trialId(rate, seed), rate, seed, repeat };
  }));
}

/** The most epochs any trial of the sweep trains: maxEpochs with Hyperband, training.epochs otherwise. */
export function maxTrialEpochs(spec: ExperimentSpec): number {
  return spec.sweep.strategy === 'hyperband' ? spec.sweep.maxEpochs ?? spec.training.epochs : spec.training.epochs;
}

/** One Hyperband bracket: its schedule and the trials of its first round, in order. */
export interface PlannedBracket extends HyperbandBracket {
  trialIds: string[];
}

export interface HyperbandPlan {
  trials: TrialPlan[];
  brackets: PlannedBracket[];
}

/**
 * Every trial a Hyperband sweep may train: the first round of each bracket. Like keras-tuner, each bracket draws
 * its configurations at random (seeded by sweep.seed); a finite space smaller than the round is cycled through in
 * a shuffled order. The k-th trial of a rate in the whole plan (all brackets) trains with seed training.seed + k:
 * copies are repeats, never identical reruns that would pass for independent seeds in the per-rate statistics.
 */
export function planHyperband(spec: ExperimentSpec): HyperbandPlan {
  const { maxEpochs, factor, iterations, rates, seed } = spec.sweep;
  if (spec.sweep.strategy !== 'hyperband' || maxEpochs === undefined) throw new Error('planHyperband needs a hyperband sweep with maxEpochs');
  const schedule = hyperbandSchedule({ maxEpochs, factor, iterations });
  const trials: TrialPlan[] = [];
  const copies = new Map<number, number>();
  const brackets = schedule.map((bracket): PlannedBracket => {
    const rng = createRng(deriveSeed(seed, `hyperband/${bracket.iteration}/${bracket.bracket}`));
    const size = bracket.rounds[0]!.trials;
    const trialIds: string[] = [];
    let order: number[] = [];
    for (let index = 0; index < size; index++) {
      if (order.length === 0) order = Array.from(shuffleInPlace([...rates], rng));
      const rate = order.shift()!;
      const repeat = copies.get(rate) ?? 0;
      copies.set(rate, repeat + 1);
      const trialSeed = spec.training.seed + repeat;
      const id = `i${bracket.iteration}-b${bracket.bracket}-${String(index).padStart(3, '0')}_${trialId(rate, trialSeed)}`;
      trials.push({ id, rate, seed: trialSeed, repeat, hyperband: { iteration: bracket.iteration, bracket: bracket.bracket } });
      trialIds.push(id);
    }
    return { ...bracket, trialIds };
  });
  return { trials, brackets };
}
