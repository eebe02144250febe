import type { TrialPlan } from '../../core/trial';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import type { ExperimentSpec, SweepSpec } from '../../core/spec';
import { configKey, configOf, crossConfigs, type DropoutConfig } from '../../core/dropoutConfig';
import { hyperbandSchedule, type HyperbandBracket } from './hyperband';

/**
 * `rate-0.3_seed-2`, or `input-0.1_rate-0.3_seed-2` when the input rate is searched: readable, sortable enough,
 * and safe as a file name. A sweep without inputRates keeps the ids (and trial files) it always had.
 */
export function trialId(config: DropoutConfig, seed: number): string {
  return `${configKey(config)}_seed-${seed}`;
}

/**
 * Every configuration the sweep trains, in order: the drawn pairs of a random search over two rates, else the
 * cross product input rate × hidden rate (input-major), else the hidden rates alone.
 */
export function sweepConfigs(sweep: SweepSpec): DropoutConfig[] {
  return sweep.drawnConfigs?.map(configOf) ?? crossConfigs(sweep.rates, sweep.inputRates);
}

/**
 * The grid: every configuration × `repeats` seeds, configuration-major, so partial results cover low rates first.
 * `onlyRates` narrows the sweep to these hidden rates (CLI `--rates`, "Run only this rate"), each one of the spec's.
 */
export function planTrials(spec: ExperimentSpec, onlyRates?: number[]): TrialPlan[] {
  if (spec.sweep.strategy === 'hyperband') {
    if (onlyRates) throw new Error('a hyperband sweep cannot be narrowed to some rates; run it whole, or use strategy "grid"');
    return planHyperband(spec).trials;
  }
  const unknown = onlyRates?.filter((rate) => !spec.sweep.rates.includes(rate)) ?? [];
  if (unknown.length) throw new Error(`rate ${unknown.join(', ')} is not in the sweep (${spec.sweep.rates.join(', ')})`);
  const configs = sweepConfigs(spec.sweep).filter((config) => !onlyRates || onlyRates.includes(config.rate));
  return configs.flatMap((config) => Array.from({ length: spec.sweep.repeats }, (_, repeat) => {
    const seed = spec.training.seed + repeat;
    return { id: trialId(config, seed), ...config, seed, repeat };
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
 * a shuffled order. The configurations are the rates, or the (input, hidden) pairs of the cross product when the
 * input rate is searched. The k-th trial of a configuration in the whole plan (all brackets) trains with seed
 * training.seed + k: copies are repeats, never identical reruns that would pass for independent seeds.
 */
export function planHyperband(spec: ExperimentSpec): HyperbandPlan {
  const { maxEpochs, factor, iterations, seed } = spec.sweep;
  const configs = sweepConfigs(spec.sweep);
  if (spec.sweep.strategy !== 'hyperband' || maxEpochs === undefined) throw new Error('planHyperband needs a hyperband sweep with maxEpochs');
  const schedule = hyperbandSchedule({ maxEpochs, factor, iterations });
  const trials: TrialPlan[] = [];
  /** Trials planned so far per configuration key. */
  const copies = new Map<string, number>();
  const brackets = schedule.map((bracket): PlannedBracket => {
    const rng = createRng(deriveSeed(seed, `hyperband/${bracket.iteration}/${bracket.bracket}`));
    const size = bracket.rounds[0]!.trials;
    const trialIds: string[] = [];
    let order: DropoutConfig[] = [];
    for (let index = 0; index < size; index++) {
      if (order.length === 0) order = shuffleInPlace([...configs], rng);
      const config = order.shift()!;
      const repeat = copies.get(configKey(config)) ?? 0;
      copies.set(configKey(config), repeat + 1);
      const trialSeed = spec.training.seed + repeat;
      const id = `i${bracket.iteration}-b${bracket.bracket}-${String(index).padStart(3, '0')}_${trialId(config, trialSeed)}`;
      trials.push({ id, ...config, seed: trialSeed, repeat, hyperband: { iteration: bracket.iteration, bracket: bracket.bracket } });
      trialIds.push(id);
    }
    return { ...bracket, trialIds };
  });
  return { trials, brackets };
}
