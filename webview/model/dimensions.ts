/**
 * The searched dimensions of a sweep, as the charts and the table lay them out: `input_rate` and `rate` (the
 * shorthand's rates) and every named hyperparameter of `sweep.space`, each with the distinct values its trials
 * take and the kind of axis that shows them. Pure: no DOM.
 */
import { configEntries, type DropoutConfig } from '../../src/core/dropoutConfig';
import type { HpSpace, HpSpaceEntry, HpValue } from '../../src/core/hyperparameters';

/**
 * How a dimension's values are placed along an axis: numbers on a linear axis, or on a log axis when they are all
 * positive and either span more than `logSpan` (a learning rate from 1e-4 to 1e-2) or were drawn from a range the
 * spec samples on a log scale; strings and booleans as categories.
 */
export type AxisKind = 'linear' | 'log' | 'categorical';

/** Past this ratio of the largest to the smallest value a numeric axis is logarithmic: 0.0001 … 0.01 is, 16 … 256 is not. */
export const logSpan = 20;

export interface Dimension {
  /** `input_rate`, `rate`, or a name of `sweep.space`. */
  name: string;
  kind: AxisKind;
  /** Distinct values over the sweep's trials: ascending numbers, or categories in first-seen order (false before true). */
  values: HpValue[];
}

export function axisKindOf(values: readonly HpValue[], searched?: HpSpaceEntry): AxisKind {
  if (values.length === 0 || !values.every((value) => typeof value === 'number')) return 'categorical';
  const numbers = values as readonly number[];
  const low = Math.min(...numbers);
  const high = Math.max(...numbers);
  // Values drawn log-uniformly from 3e-4 … 3e-3 span less than ×10, yet are spread evenly only on a log axis.
  const sampledLog = searched !== undefined && 'sampling' in searched && searched.sampling === 'log';
  return low > 0 && (sampledLog || high / low > logSpan) ? 'log' : 'linear';
}

/** A value's distinct key: `1` and `"1"` are different values of a choice. */
const valueKey = (value: HpValue): string => `${typeof value}:${String(value)}`;

function distinct(values: readonly HpValue[]): HpValue[] {
  const seen = new Map<string, HpValue>();
  for (const value of values) if (!seen.has(valueKey(value))) seen.set(valueKey(value), value);
  const unique = [...seen.values()];
  if (unique.every((value) => typeof value === 'number')) return (unique as number[]).sort((a, b) => a - b);
  if (unique.every((value) => typeof value === 'boolean')) return unique.sort((a, b) => Number(a) - Number(b));
  return unique;
}

/**
 * Every dimension the configurations search, in configEntries order (input_rate, rate, then space order), with the
 * values they take. A dimension with a single value (a `fixed` entry) is still listed: it is part of the space.
 * `space` (the sweep's, when known) says how each was sampled.
 */
export function dimensionsOf(configs: readonly DropoutConfig[], space?: HpSpace): Dimension[] {
  const byName = new Map<string, HpValue[]>();
  for (const config of configs) {
    for (const [name, value] of configEntries(config)) byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  return [...byName].map(([name, all]) => {
    const values = distinct(all);
    return { name, kind: axisKindOf(values, space?.[name]), values };
  });
}

/** A configuration's value of one dimension; undefined when it does not search it. */
export function valueOf(config: DropoutConfig, name: string): HpValue | undefined {
  return configEntries(config).find(([entry]) => entry === name)?.[1];
}

export function sameValue(a: HpValue | undefined, b: HpValue | undefined): boolean {
  return a !== undefined && b !== undefined && valueKey(a) === valueKey(b);
}

/** Whether the sweep searches named hyperparameters (a `sweep.space`), not only the shorthand's rates. */
export function searchesSpace(configs: readonly DropoutConfig[]): boolean {
  return configs.some((config) => config.hp !== undefined && Object.keys(config.hp).length > 0);
}

/**
 * The dimension whose values colour each trial's curves, swatches and table cell: the hidden rate when the sweep
 * searches it, else the first numeric dimension with more than one value (a linear one before a log one).
 */
export function colourDimension(dimensions: readonly Dimension[]): Dimension | undefined {
  const rate = dimensions.find((dimension) => dimension.name === 'rate');
  if (rate) return rate;
  const numeric = dimensions.filter((dimension) => dimension.kind !== 'categorical' && dimension.values.length > 1);
  return numeric.find((dimension) => dimension.kind === 'linear') ?? numeric[0];
}

/** The number a configuration is coloured by (see colourDimension); undefined when it has none. */
export function colourValueOf(config: DropoutConfig, dimension: Dimension | undefined): number | undefined {
  const value = dimension && valueOf(config, dimension.name);
  return typeof value === 'number' ? value : undefined;
}
