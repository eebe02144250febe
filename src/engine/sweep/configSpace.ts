/**
 * A sweep's configurations as a product of dimensions: the shorthand's input rate and rate (`sweep.inputRates`,
 * `sweep.rates`) and each named hyperparameter of `sweep.space`, in that order. Grid, random search and Hyperband
 * all walk or draw this one product, so a shorthand sweep and a named space name their configurations alike.
 */
import type { DropoutConfig } from '../../core/dropoutConfig';
import type { HpAssignment, HpSpace } from '../../core/hyperparameters';
import { compareConfigs, configKey } from '../../core/dropoutConfig';
import type { SweepSpec } from '../../core/spec';
import { drawWithoutReplacement, type Rng } from '../random';
import { entryDimension, listDimension, type Dimension } from './space';

export interface ConfigSpace {
  inputRate?: Dimension;
  rate?: Dimension;
  /** In space order. */
  hp: [name: string, dimension: Dimension][];
}

/** The named hyperparameters' dimensions, in space order. */
export function hpDimensions(space: HpSpace | undefined): ConfigSpace['hp'] {
  return Object.entries(space ?? {}).map(([name, entry]) => [name, entryDimension(entry, name)]);
}

/** The space of a parsed sweep: its rate lists (empty `rates`: no rate dimension) and its named hyperparameters. */
export function configSpaceOf(sweep: Pick<SweepSpec, 'rates' | 'inputRates' | 'space'>): ConfigSpace {
  return {
    ...(sweep.inputRates ? { inputRate: listDimension(sweep.inputRates) } : {}),
    ...(sweep.rates.length > 0 ? { rate: listDimension(sweep.rates) } : {}),
    hp: hpDimensions(sweep.space),
  };
}

function dimensionsOf(space: ConfigSpace): Dimension[] {
  return [...(space.inputRate ? [space.inputRate] : []), ...(space.rate ? [space.rate] : []), ...space.hp.map(([, dimension]) => dimension)];
}

/** How many distinct configurations the space holds (Infinity when a dimension is a continuous range). */
export function configSpaceSize(space: ConfigSpace): number {
  return dimensionsOf(space).reduce((product, dimension) => product * dimension.size, 1);
}

/** A configuration from one value per dimension, in the order of `dimensionsOf`. */
function configFrom(space: ConfigSpace, pick: (dimension: Dimension, position: number) => number | string | boolean): DropoutConfig {
  let position = 0;
  const config: DropoutConfig = {};
  if (space.inputRate) config.inputRate = pick(space.inputRate, position++) as number;
  if (space.rate) config.rate = pick(space.rate, position++) as number;
  if (space.hp.length > 0) {
    const hp: HpAssignment = {};
    for (const [name, dimension] of space.hp) hp[name] = pick(dimension, position++);
    config.hp = hp;
  }
  return config;
}

/**
 * The cross product, input rate first and the last hyperparameter varying fastest (input-major, as the shorthand
 * always was). Throws NoGridError when a dimension has no grid.
 */
export function gridConfigs(space: ConfigSpace): DropoutConfig[] {
  const dimensions = dimensionsOf(space);
  for (const dimension of dimensions) if (!Number.isFinite(dimension.size)) dimension.valueAt(0);
  const total = configSpaceSize(space);
  return Array.from({ length: total }, (_, index) => {
    // Mixed-radix digits of the index, most significant first.
    const digits: number[] = new Array<number>(dimensions.length);
    let rest = index;
    for (let d = dimensions.length - 1; d >= 0; d--) {
      digits[d] = rest % dimensions[d]!.size;
      rest = Math.floor(rest / dimensions[d]!.size);
    }
    return configFrom(space, (dimension, position) => dimension.valueAt(digits[position]!));
  });
}

/** One configuration drawn at random: each dimension in order, from the same stream. */
export function drawConfig(space: ConfigSpace, rng: Rng): DropoutConfig {
  return configFrom(space, (dimension) => dimension.draw(rng));
}

/** Spaces up to this size are drawn without replacement from their enumeration (exactly uniform, never stuck). */
const ENUMERATED_DRAW_LIMIT = 100_000;

/** Whether the space is finite and small enough to list every configuration of it. */
export function isEnumerable(space: ConfigSpace): boolean {
  return configSpaceSize(space) <= ENUMERATED_DRAW_LIMIT;
}

/**
 * `samples` distinct configurations, in configuration order (compareConfigs). A space small enough to enumerate is
 * drawn without replacement from its cross product; a larger or continuous one draw by draw, a configuration
 * already drawn drawn again. Throws when the space has fewer configurations than `samples` (the parser checks first).
 */
export function drawDistinctConfigs(space: ConfigSpace, samples: number, rng: Rng): DropoutConfig[] {
  const size = configSpaceSize(space);
  if (samples > size) throw new Error(`cannot draw ${samples} distinct configurations from a space of ${size}`);
  if (isEnumerable(space)) {
    return drawWithoutReplacement(gridConfigs(space), samples, rng).sort(compareConfigs);
  }
  const drawn = new Map<string, DropoutConfig>();
  while (drawn.size < samples) {
    const config = drawConfig(space, rng);
    drawn.set(configKey(config), config);
  }
  return [...drawn.values()].sort(compareConfigs);
}
