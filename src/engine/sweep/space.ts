/**
 * The values of `sweep.space` entries, as keras-tuner walks and draws them (keras_tuner/engine/hyperparameters:
 * numerical.py, float_hp.py, int_hp.py, hp_utils.py):
 *
 *   grid        linear: min, min + step, … ≤ max; log: min·step^i ≤ max (step is a factor); reverse_log: max + min − min·step^i
 *   draw        a uniform prob in [0, 1) projected on the range — linear: min + prob·(max − min); log: min·(max/min)^prob;
 *               reverse_log: max + min − min·(max/min)^(1 − prob) — or, with a step, value number floor(prob·n) of the grid
 *   int         step 1 by default; with log sampling and step 1 (no factor to multiply by) every integer of the range is
 *               a grid value and a draw is floor(projection on [min, max + 1)), as keras-tuner's Int without a step
 *   choice      values; boolean [false, true]; fixed [value]
 *
 * Two deliberate differences: a float without a step has no grid (an error telling to add a step or to draw, where
 * keras-tuner's GridSearch silently picks 10 values), and the grid counts max in when floating-point division
 * misses it by an ulp (Python's 0.5 // 0.1 is 4.0, which would drop 0.5 from 0, 0.1, … 0.5).
 *
 * Values are rounded once, here, so that a trial's id, its label and the number the trainer uses are the same
 * number: grid values to 12 significant digits (0.30000000000000004 is 0.3; see roundGrid), drawn floats to the digits that
 * resolve a ten-thousandth of the range (and at least 4 significant ones).
 */
import { assertNever } from '../../core/assertNever';
import type { HpSpaceEntry, HpValue } from '../../core/hyperparameters';
import type { Rng } from '../random';

/** What a grid of an entry without one says; the parser positions it at the entry. */
export class NoGridError extends Error {}

/** One searched dimension: how many distinct values it has (Infinity for a continuous range), its grid, a draw. */
export interface Dimension {
  size: number;
  /** The index-th grid value; only for a finite dimension. */
  valueAt(index: number): HpValue;
  draw(rng: Rng): HpValue;
}

/** keras-tuner's `prob_to_index`: the bucket of a cumulative probability among n equal ones. */
export function probToIndex(prob: number, n: number): number {
  return Math.min(Math.floor(prob * n), n - 1);
}

type Numeric = Extract<HpSpaceEntry, { type: 'float' | 'int' }>;

/**
 * A grid value to 12 significant digits of the range's magnitude: sums and differences (linear, reverse_log) lose
 * digits to cancellation below that (10.001 − 10 is 0.000999999999999787, which is 0.001).
 */
function roundGrid(value: number, entry: Numeric): number {
  if (entry.sampling === 'log' || value === 0) return Number(value.toPrecision(12));
  const quantum = 10 ** (Math.floor(Math.log10(Math.max(Math.abs(entry.min), Math.abs(entry.max)))) - 11);
  return Number((Math.round(value / quantum) * quantum).toPrecision(12));
}

/** The unit-interval projection of keras-tuner's `_sample_numerical_value`. */
function project(sampling: 'linear' | 'log' | 'reverse_log', min: number, max: number, prob: number): number {
  switch (sampling) {
    case 'linear': return min + prob * (max - min);
    case 'log': return min * (max / min) ** prob;
    case 'reverse_log': return max + min - min * (max / min) ** (1 - prob);
    default: return assertNever(sampling, 'sampling');
  }
}

/** Whether the step multiplies (log sampling) rather than adds; an int's step 1 under log sampling does neither. */
function stepIsFactor(entry: Numeric): boolean {
  return entry.sampling !== 'linear' && !(entry.type === 'int' && (entry.step ?? 1) <= 1);
}

/** keras-tuner `_get_n_values`, with a tolerance so that max counts in despite a rounding error. */
function gridCount(entry: Numeric, step: number): number {
  // The parser refuses both; a grid of them would never end.
  if (stepIsFactor(entry) && step <= 1) throw new Error(`with sampling "${entry.sampling}" the step is a factor > 1, got ${step}`);
  if (step <= 0) throw new Error(`a step must be > 0, got ${step}`);
  if (stepIsFactor(entry)) return Math.floor(Math.log(entry.max / entry.min) / Math.log(step) + 1e-8) + 1;
  return Math.floor((entry.max - entry.min) / step + 1e-9) + 1;
}

/** keras-tuner `_get_value_by_index`. */
function gridValue(entry: Numeric, step: number, index: number): number {
  if (!stepIsFactor(entry)) return roundGrid(entry.min + index * step, entry);
  const value = entry.sampling === 'log' ? entry.min * step ** index : entry.max + entry.min - entry.min * step ** index;
  return entry.type === 'int' ? Math.round(value) : roundGrid(value, entry);
}

/**
 * A drawn float rounded to the digits that resolve 1/10⁴ of the range, at least 4 significant ones, and kept inside
 * [min, max] (rounding a value next to a bound with more digits could step over it).
 */
export function roundDrawn(value: number, min: number, max: number): number {
  if (value === 0 || max === min) return value;
  const decimals = Math.ceil(-Math.log10((max - min) / 1e4));
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const digits = Math.min(15, Math.max(4, magnitude + 1 + decimals));
  const rounded = Number(value.toPrecision(digits));
  return Math.min(max, Math.max(min, rounded));
}

function numericDimension(entry: Numeric, name: string): Dimension {
  const { min, max, sampling, step } = entry;
  if (step === undefined) {
    const noGrid = (): never => {
      throw new NoGridError(`sweep.space.${name} is a float range without a step, so it has no grid: add "step" `
        + '(a factor with sampling "log"), or use strategy "random" or "hyperband", which draw from the range');
    };
    return {
      size: Infinity, valueAt: noGrid,
      draw: (rng) => roundDrawn(project(sampling, min, max, rng.next()), min, max),
    };
  }
  if (entry.type === 'int' && !stepIsFactor(entry) && sampling !== 'linear') {
    // Every integer; drawn on [min, max + 1) by the sampling, then floored (keras-tuner's Int without a step).
    return {
      size: max - min + 1,
      valueAt: (index) => min + index,
      draw: (rng) => Math.min(max, Math.floor(project(sampling, min, max + 1, rng.next()))),
    };
  }
  const size = gridCount(entry, step);
  return {
    size,
    valueAt: (index) => gridValue(entry, step, index),
    draw: (rng) => gridValue(entry, step, probToIndex(rng.next(), size)),
  };
}

export function listDimension(values: readonly HpValue[]): Dimension {
  return {
    size: values.length,
    valueAt: (index) => values[index]!,
    draw: (rng) => values[probToIndex(rng.next(), values.length)]!,
  };
}

/** The dimension of one `sweep.space` entry (`name` only words the error of a grid that does not exist). */
export function entryDimension(entry: HpSpaceEntry, name: string): Dimension {
  switch (entry.type) {
    case 'float':
    case 'int':
      return numericDimension(entry, name);
    case 'choice': return listDimension(entry.values);
    case 'boolean': return listDimension([false, true]);
    // A fixed value draws nothing: adding one to a space does not change the other entries' draws.
    case 'fixed': return { size: 1, valueAt: () => entry.value, draw: () => entry.value };
    default: return assertNever(entry, 'hyperparameter type');
  }
}

/** Every grid value of an entry, in order; throws NoGridError for a float without a step. */
export function gridValues(entry: HpSpaceEntry, name: string): HpValue[] {
  const dimension = entryDimension(entry, name);
  if (!Number.isFinite(dimension.size)) dimension.valueAt(0);
  return Array.from({ length: dimension.size }, (_, index) => dimension.valueAt(index));
}

/** One seeded draw of an entry, by keras-tuner's sampling rules. */
export function drawValue(entry: HpSpaceEntry, rng: Rng): HpValue {
  return entryDimension(entry, '').draw(rng);
}
