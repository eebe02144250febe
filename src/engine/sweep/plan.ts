import type { TrialPlan } from '../../core/trial';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import type { ExperimentSpec, SweepSpec } from '../../core/spec';
import { configKey, configOf, crossConfigs, type DropoutConfig } from '../../core/dropoutConfig';
import { hyperbandSchedule, type HyperbandBracket } from './hyperband';
import { configSpaceOf, configSpaceSize, drawConfig, gridConfigs, isEnumerable, type ConfigSpace } from './configSpace';
import type { Rng } from '../random';

/**
 * `rate-0.3_seed-2`, or `input-0.1_rate-0.3_seed-2` when the input rate is searched: readable, sortable enough,
 * and safe as a file name. A sweep without inputRates keeps the ids (and trial files) it always had.
 */
export function trialId(config: DropoutConfig, seed: number): string {
  return `${configKey(config)}_seed-${seed}`;
}

/** Whether the sweep searches named hyperparameters (`sweep.space` with at least one entry). */
export function searchesSpace(sweep: Pick<SweepSpec, 'space'>): boolean {
  return Object.keys(sweep.space ?? {}).length > 0;
}

/**
 * Every configuration the sweep trains, in order: the drawn configurations of a random search (over two rates or a
 * named space), else the cross product input rate × hidden rate × each named hyperparameter (input-major, the last
 * name varying fastest), else the hidden rates alone. Throws NoGridError when a float of the space has no step.
 */
export function sweepConfigs(sweep: SweepSpec): DropoutConfig[] {
  if (sweep.drawnConfigs) return sweep.drawnConfigs.map(configOf);
  return searchesSpace(sweep) ? gridConfigs(configSpaceOf(sweep)) : crossConfigs(sweep.rates, sweep.inputRates);
}

/**
 * How many configurations the sweep searches: those it trains (grid, random), or the size of the space Hyperband
 * draws from (Infinity for a continuous range).
 */
export function sweepConfigCount(sweep: SweepSpec): number {
  if (sweep.drawnConfigs) return sweep.drawnConfigs.length;
  return searchesSpace(sweep) ? configSpaceSize(configSpaceOf(sweep)) : crossConfigs(sweep.rates, sweep.inputRates).length;
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
  if (onlyRates && searchesSpace(spec.sweep)) {
    throw new Error('a sweep over sweep.space cannot be narrowed to some rates (--rates narrows sweep.rates alone); run it whole');
  }
  const unknown = onlyRates?.filter((rate) => !spec.sweep.rates.includes(rate)) ?? [];
  if (unknown.length) throw new Error(`rate ${unknown.join(', ')} is not in the sweep (${spec.sweep.rates.join(', ')})`);
  const configs = sweepConfigs(spec.sweep).filter((config) => !onlyRates || (config.rate !== undefined && onlyRates.includes(config.rate)));
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

/** Attempts at a configuration not planned yet before a draw from a large space accepts a repeat. */
const MAX_COLLISIONS = 50;

/** Picks a bracket's configurations one by one, given how many trials each configuration has in the plan so far. */
type BracketPicker = (planned: ReadonlyMap<string, number>) => DropoutConfig;

/**
 * How each bracket picks its configurations. A space small enough to enumerate is cycled through in a shuffled
 * order (each configuration once before any comes back); a larger or continuous one is drawn configuration by
 * configuration, as keras-tuner's Hyperband samples random values, redrawing one the plan already has.
 */
function bracketPickers(sweep: SweepSpec): (rng: Rng) => BracketPicker {
  const space: ConfigSpace | undefined = searchesSpace(sweep) ? configSpaceOf(sweep) : undefined;
  if (space && !isEnumerable(space)) {
    return (rng) => (planned) => {
      let config = drawConfig(space, rng);
      for (let attempt = 1; attempt < MAX_COLLISIONS && planned.has(configKey(config)); attempt++) config = drawConfig(space, rng);
      return config;
    };
  }
  const configs = sweepConfigs(sweep);
  return (rng) => {
    let order: DropoutConfig[] = [];
    return () => {
      if (order.length === 0) order = shuffleInPlace([...configs], rng);
      return order.shift()!;
    };
  };
}

/**
 * Every trial a Hyperband sweep may train: the first round of each bracket. Like keras-tuner, each bracket draws
 * its configurations at random (seeded by sweep.seed): see bracketPickers. The configurations are the rates, the
 * (input, hidden) pairs of the cross product when the input rate is searched, or the points of sweep.space. The
 * k-th trial of a configuration in the whole plan (all brackets) trains with seed training.seed + k: copies are
 * repeats, never identical reruns that would pass for independent seeds.
 */
export function planHyperband(spec: ExperimentSpec): HyperbandPlan {
  const { maxEpochs, factor, iterations, seed } = spec.sweep;
  if (spec.sweep.strategy !== 'hyperband' || maxEpochs === undefined) throw new Error('planHyperband needs a hyperband sweep with maxEpochs');
  const pickers = bracketPickers(spec.sweep);
  const schedule = hyperbandSchedule({ maxEpochs, factor, iterations });
  const trials: TrialPlan[] = [];
  /** Trials planned so far per configuration key. */
  const copies = new Map<string, number>();
  const brackets = schedule.map((bracket): PlannedBracket => {
    const rng = createRng(deriveSeed(seed, `hyperband/${bracket.iteration}/${bracket.bracket}`));
    const size = bracket.rounds[0]!.trials;
    const trialIds: string[] = [];
    const pick = pickers(rng);
    for (let index = 0; index < size; index++) {
      const config = pick(copies);
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
