/**
 * Random search: which rates (or, with sweep.space, which configurations) a `random` sweep trains. Pure and seeded,
 * so the parser can resolve the draw once and every consumer of the spec (runner, CodeLens, webviews) sees the same
 * plain list of rates and drawn configurations.
 */
import { assertNever } from '../../core/assertNever';
import { createRng, deriveSeed, drawWithoutReplacement, type Rng } from '../random';
import { compareConfigs, configKey, crossConfigs, type DropoutConfig } from '../../core/dropoutConfig';
import type { HpSpace } from '../../core/hyperparameters';
import { drawDistinctConfigs, hpDimensions, type ConfigSpace } from './configSpace';
import { listDimension, type Dimension } from './space';

/** Where rates are drawn from: the values of a list or of a keras-tuner grid, or a continuous interval. */
export type RateSpace =
  | { kind: 'finite'; rates: readonly number[] }
  | { kind: 'continuous'; min: number; max: number };

/**
 * Continuous draws are rounded to this many decimals: trial ids and tables stay readable, and 10⁴ points per unit
 * of rate are far finer than any difference a dropout sweep can resolve.
 */
const continuousDecimals = 4;

/** How many distinct rates the space can yield. */
export function distinctRates(space: RateSpace): number {
  switch (space.kind) {
    case 'finite': return new Set(space.rates).size;
    case 'continuous': return Math.floor((space.max - space.min) * 10 ** continuousDecimals + 1e-9) + 1;
    default: return assertNever(space, 'rate space');
  }
}

/**
 * `samples` distinct rates, ascending. A finite space is drawn without replacement (uniform over its values, a
 * partial Fisher–Yates shuffle); a continuous one uniformly, rounded, redrawn on a collision. Throws when more
 * samples are asked for than the space has distinct values (the parser checks this first and says where).
 */
export function drawRates(space: RateSpace, samples: number, seed: number): number[] {
  checkSamples(samples, distinctRates(space));
  const rng = createRng(deriveSeed(seed, 'random-search'));
  switch (space.kind) {
    case 'finite':
      return drawWithoutReplacement([...new Set(space.rates)], samples, rng).sort((a, b) => a - b);
    case 'continuous': {
      const drawn = new Set<number>();
      while (drawn.size < samples) drawn.add(drawContinuous(space, rng));
      return [...drawn].sort((a, b) => a - b);
    }
    default: return assertNever(space, 'rate space');
  }
}

/**
 * `samples` distinct (input rate, hidden rate) pairs, input-major ascending: uniform over the product of the two
 * spaces. Two finite spaces are drawn without replacement from their cross product; otherwise each coordinate is
 * drawn on its own (a continuous one rounded as above) and a pair already drawn is redrawn.
 */
export function drawConfigs(inputSpace: RateSpace, rateSpace: RateSpace, samples: number, seed: number): DropoutConfig[] {
  checkSamples(samples, distinctRates(inputSpace) * distinctRates(rateSpace));
  const rng = createRng(deriveSeed(seed, 'random-search/pairs'));
  if (inputSpace.kind === 'finite' && rateSpace.kind === 'finite') {
    const pool = crossConfigs([...new Set(rateSpace.rates)], [...new Set(inputSpace.rates)]);
    return drawWithoutReplacement(pool, samples, rng).sort(compareConfigs);
  }
  const drawn = new Map<string, DropoutConfig>();
  while (drawn.size < samples) {
    const config = { inputRate: drawOne(inputSpace, rng), rate: drawOne(rateSpace, rng) };
    drawn.set(configKey(config), config);
  }
  return [...drawn.values()].sort(compareConfigs);
}

function checkSamples(samples: number, available: number): void {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples must be a whole number ≥ 1, got ${samples}`);
  if (samples > available) throw new Error(`cannot draw ${samples} distinct rates from a space of ${available}`);
}

function drawOne(space: RateSpace, rng: Rng): number {
  switch (space.kind) {
    case 'finite': return space.rates[rng.int(space.rates.length)]!;
    case 'continuous': return drawContinuous(space, rng);
    default: return assertNever(space, 'rate space');
  }
}

/** Uniform over [min, max], rounded to `continuousDecimals`. */
function drawContinuous({ min, max }: { min: number; max: number }, rng: Rng): number {
  const value = min + rng.next() * (max - min);
  const rounded = Math.round(value * 10 ** continuousDecimals) / 10 ** continuousDecimals;
  // Rounding must not leave the interval (nor reach 1, which is not a rate).
  return rounded >= min && rounded <= max ? rounded : value;
}

/** A rate space as one dimension of a configuration space (continuous draws rounded as above). */
export function rateSpaceDimension(space: RateSpace): Dimension {
  switch (space.kind) {
    case 'finite': return listDimension([...new Set(space.rates)]);
    case 'continuous': {
      const first = Math.round(space.min * 10 ** continuousDecimals);
      return {
        size: distinctRates(space),
        valueAt: (index) => (first + index) / 10 ** continuousDecimals,
        draw: (rng) => drawContinuous(space, rng),
      };
    }
    default: return assertNever(space, 'rate space');
  }
}

/** What a random sweep trains: the drawn rates, or, with input rates searched, the drawn pairs and the rates they use. */
export interface RandomDraw {
  /** Ascending, distinct; empty when only a named space is searched. */
  rates: number[];
  inputRates?: number[];
  drawnConfigs?: DropoutConfig[];
}

/**
 * The draw of a `random` sweep: `samples` distinct rates from `space`, or, when `inputSpace` is given, `samples`
 * distinct (input rate, rate) pairs from the two spaces, with the distinct rates of each kind they use. With a named
 * space (`hpSpace`), `samples` distinct configurations of the whole product (input rate × rate × each name).
 */
export function drawSweep(
  space: RateSpace | undefined, inputSpace: RateSpace | undefined, samples: number, seed: number, hpSpace?: HpSpace,
): RandomDraw {
  if (hpSpace && Object.keys(hpSpace).length > 0) {
    const configSpace: ConfigSpace = {
      ...(inputSpace ? { inputRate: rateSpaceDimension(inputSpace) } : {}),
      ...(space ? { rate: rateSpaceDimension(space) } : {}),
      hp: hpDimensions(hpSpace),
    };
    const drawnConfigs = drawDistinctConfigs(configSpace, samples, createRng(deriveSeed(seed, 'random-search/space')));
    return {
      rates: distinctSorted(drawnConfigs.flatMap((config) => (config.rate === undefined ? [] : [config.rate]))),
      ...(inputSpace ? { inputRates: distinctSorted(drawnConfigs.map((config) => config.inputRate!)) } : {}),
      drawnConfigs,
    };
  }
  if (!space) throw new Error('a random sweep draws rates or a space; it has neither');
  if (!inputSpace) return { rates: drawRates(space, samples, seed) };
  const drawnConfigs = drawConfigs(inputSpace, space, samples, seed);
  return {
    rates: distinctSorted(drawnConfigs.map((config) => config.rate!)),
    inputRates: distinctSorted(drawnConfigs.map((config) => config.inputRate!)),
    drawnConfigs,
  };
}

function distinctSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
