/**
 * Random search: which rates a `random` sweep trains. Pure and seeded, so the parser can resolve the draw once and
 * every consumer of the spec (runner, CodeLens, webviews) sees the same plain list of rates.
 */
import { assertNever } from '../../protocol/assertNever';
import { createRng, deriveSeed } from '../random';

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
  const available = distinctRates(space);
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples must be a whole number ≥ 1, got ${samples}`);
  if (samples > available) throw new Error(`cannot draw ${samples} distinct rates from a space of ${available}`);
  const rng = createRng(deriveSeed(seed, 'random-search'));
  switch (space.kind) {
    case 'finite': {
      const pool = [...new Set(space.rates)];
      for (let i = 0; i < samples; i++) {
        const j = i + rng.int(pool.length - i);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return pool.slice(0, samples).sort((a, b) => a - b);
    }
    case 'continuous': {
      const { min, max } = space;
      const drawn = new Set<number>();
      const scale = 10 ** continuousDecimals;
      while (drawn.size < samples) {
        const value = min + rng.next() * (max - min);
        const rounded = Math.round(value * scale) / scale;
        // Rounding must not leave the interval (nor reach 1, which is not a rate).
        drawn.add(rounded >= min && rounded <= max ? rounded : value);
      }
      return [...drawn].sort((a, b) => a - b);
    }
    default: return assertNever(space, 'rate space');
  }
}
