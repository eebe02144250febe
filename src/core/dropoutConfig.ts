import { formatHpValue, type HpAssignment, type HpValue } from './hyperparameters';

/**
 * A point of the search space: the drop probabilities one trial trains with (Keras convention, keep = 1 − rate).
 * Pure and dependency-free, so the runner, the store, the CLI and the webviews share one definition of how a
 * configuration is named, compared and grouped.
 */

export interface DropoutConfig {
  /**
   * Drop probability of the dropout before every hidden-to-next layer (`sweep.rates`); absent when the sweep
   * searches only `sweep.space`.
   */
  rate?: number;
  /**
   * Drop probability on the input features, set only when the sweep searches it (`sweep.inputRates`). Absent, the
   * trial uses the spec's fixed `model.inputDropout`: sweeps that do not search it keep their ids and outputs.
   */
  inputRate?: number;
  /** The value of each named hyperparameter of `sweep.space`, in space order; absent without a space. */
  hp?: HpAssignment;
}

/** Just the configuration of something that carries one (a trial plan, a summary), without its other fields. */
export function configOf({ rate, inputRate, hp }: DropoutConfig): DropoutConfig {
  return { ...(inputRate !== undefined ? { inputRate } : {}), ...(rate !== undefined ? { rate } : {}), ...(hp ? { hp: { ...hp } } : {}) };
}

/** Whether the configuration names an input rate of its own, i.e. the sweep searches two rates. */
export function searchesInputRate(config: DropoutConfig): boolean {
  return config.inputRate !== undefined;
}

/**
 * Every searched dimension of a configuration as (name, value) pairs, in a fixed order: `input_rate` and `rate`
 * (the shorthand's rates) first, then the named hyperparameters in space order. Charts, tables, CSV columns and
 * labels iterate this, so the shorthand and named spaces read alike.
 */
export function configEntries({ rate, inputRate, hp }: DropoutConfig): [string, HpValue][] {
  const entries: [string, HpValue][] = [];
  if (inputRate !== undefined) entries.push(['input_rate', inputRate]);
  if (rate !== undefined) entries.push(['rate', rate]);
  for (const [name, value] of Object.entries(hp ?? {})) entries.push([name, value]);
  return entries;
}

/**
 * The names of the dimensions a list of configurations searches, in configEntries order (`input_rate`, `rate`,
 * then the named hyperparameters in space order): the columns of a table or a CSV file of them.
 */
export function searchedNames(configs: readonly DropoutConfig[]): string[] {
  const names = new Set<string>();
  for (const config of configs) for (const [name] of configEntries(config)) names.add(name);
  return [...names];
}

/**
 * `rate-0.3`, `input-0.1_rate-0.3` when the input rate is searched, and `name-value` pairs for named
 * hyperparameters (`conv_rate-0.2_lr-0.001`): readable, safe in a file name, and the same for equal configurations,
 * so it serves as a map key and as the stem of trial ids. Shorthand sweeps keep the ids they always had.
 */
export function configKey({ rate, inputRate, hp }: DropoutConfig): string {
  const parts: string[] = [];
  if (inputRate !== undefined) parts.push(`input-${inputRate}`);
  if (rate !== undefined) parts.push(`rate-${rate}`);
  for (const [name, value] of Object.entries(hp ?? {})) parts.push(`${name}-${formatHpValue(value)}`);
  return parts.join('_');
}

/** How a configuration reads in a sentence: `rate 0.3`, `input rate 0.1, rate 0.3`, `conv_rate 0.2, lr 0.001`. */
export function configLabel({ rate, inputRate, hp }: DropoutConfig): string {
  const parts: string[] = [];
  if (inputRate !== undefined) parts.push(`input rate ${inputRate}`);
  if (rate !== undefined) parts.push(`rate ${rate}`);
  for (const [name, value] of Object.entries(hp ?? {})) parts.push(`${name} ${formatHpValue(value)}`);
  return parts.join(', ');
}

export function sameConfig(a: DropoutConfig, b: DropoutConfig): boolean {
  return configKey(a) === configKey(b);
}

function compareValues(a: HpValue | undefined, b: HpValue | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** Input rate first, then hidden rate, then each named hyperparameter in space order, all ascending (missing first). */
export function compareConfigs(a: DropoutConfig, b: DropoutConfig): number {
  const byRates = compareValues(a.inputRate, b.inputRate) || compareValues(a.rate, b.rate);
  if (byRates) return byRates;
  for (const name of Object.keys(a.hp ?? {})) {
    const order = compareValues(a.hp?.[name], b.hp?.[name]);
    if (order) return order;
  }
  return 0;
}

/** The configurations of a grid: every input rate × every hidden rate, input-major; just the rates without inputRates. */
export function crossConfigs(rates: readonly number[], inputRates?: readonly number[]): DropoutConfig[] {
  if (inputRates === undefined) return rates.map((rate) => ({ rate }));
  return inputRates.flatMap((inputRate) => rates.map((rate) => ({ inputRate, rate })));
}
