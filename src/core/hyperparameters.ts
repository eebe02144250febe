/**
 * Named hyperparameters, in keras-tuner's vocabulary (`hp.Float`, `hp.Int`, `hp.Choice`, `hp.Boolean`,
 * `hp.Fixed`). A spec field that takes a number (a rate, units, the learning rate…) may instead say
 * `{ "hp": "name" }`; `sweep.space` defines each name. A trial carries one value per name (`HpAssignment`).
 * Pure and dependency-free: the parser, the planner, the trainer, the store and the webviews share it.
 */

/** A value a hyperparameter takes: numbers for float and int, any of the three for choice and fixed. */
export type HpValue = number | string | boolean;

/** Where a spec field defers to a named hyperparameter of `sweep.space`. */
export interface HpRef {
  hp: string;
}

/** A spec field that is fixed or searched: `0.5`, or `{ "hp": "dense_rate" }`. */
export type Searchable<T> = T | HpRef;

/** keras-tuner's sampling: how a range is walked (grid) and drawn (random). */
export type HpSampling = 'linear' | 'log' | 'reverse_log';
export const HP_SAMPLINGS = ['linear', 'log', 'reverse_log'] as const satisfies readonly HpSampling[];

/**
 * One entry of `sweep.space`, after parsing with keras-tuner's defaults filled in (`default`: min for float and
 * int, the first value for choice, false for boolean).
 */
export type HpSpaceEntry =
  | { type: 'float'; min: number; max: number; step?: number; sampling: HpSampling; default: number }
  | { type: 'int'; min: number; max: number; step: number; sampling: HpSampling; default: number }
  | { type: 'choice'; values: HpValue[]; default: HpValue }
  | { type: 'boolean'; default: boolean }
  | { type: 'fixed'; value: HpValue };

export type HpType = HpSpaceEntry['type'];
export const HP_TYPES = ['float', 'int', 'choice', 'boolean', 'fixed'] as const satisfies readonly HpType[];

/** `sweep.space`: names in the order the spec lists them (the order of columns, axes and trial ids). */
export type HpSpace = Record<string, HpSpaceEntry>;

/** The value of every searched name for one trial (space order). */
export type HpAssignment = Record<string, HpValue>;

export function isHpRef(value: unknown): value is HpRef {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.keys(value).length === 1 && typeof (value as { hp?: unknown }).hp === 'string';
}

/** A searchable field's value in one trial: the fixed value, or the trial's value of the named hyperparameter. */
export function resolveSearchable<T extends HpValue>(value: Searchable<T>, hp: HpAssignment | undefined): T {
  if (!isHpRef(value)) return value;
  const resolved = hp?.[value.hp];
  if (resolved === undefined) throw new Error(`the hyperparameter "${value.hp}" has no value in this trial`);
  return resolved as T;
}

/** How a value reads in ids, labels and tables: numbers as JavaScript prints them, booleans and strings as such. */
export function formatHpValue(value: HpValue): string {
  return String(value);
}
