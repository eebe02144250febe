/**
 * A point of the search space: the drop probabilities one trial trains with (Keras convention, keep = 1 − rate).
 * Pure and dependency-free, so the runner, the store, the CLI and the webviews share one definition of how a
 * configuration is named, compared and grouped.
 */

export interface DropoutConfig {
  /** Drop probability of the dropout before every hidden-to-next layer. */
  rate: number;
  /**
   * Drop probability on the input features, set only when the sweep searches it (`sweep.inputRates`). Absent, the
   * trial uses the spec's fixed `model.inputDropout`: sweeps that do not search it keep their ids and outputs.
   */
  inputRate?: number;
}

/** Just the configuration of something that carries one (a trial plan, a summary), without its other fields. */
export function configOf({ rate, inputRate }: DropoutConfig): DropoutConfig {
  return inputRate === undefined ? { rate } : { inputRate, rate };
}

/** Whether the configuration names an input rate of its own, i.e. the sweep searches two rates. */
export function searchesInputRate(config: DropoutConfig): boolean {
  return config.inputRate !== undefined;
}

/**
 * `rate-0.3`, or `input-0.1_rate-0.3` when the input rate is searched: readable, safe in a file name, and the
 * same for equal configurations, so it serves as a map key and as the stem of trial ids.
 */
export function configKey({ rate, inputRate }: DropoutConfig): string {
  return inputRate === undefined ? `rate-${rate}` : `input-${inputRate}_rate-${rate}`;
}

/** How a configuration reads in a sentence: `rate 0.3`, or `input rate 0.1, rate 0.3`. */
export function configLabel({ rate, inputRate }: DropoutConfig): string {
  return inputRate === undefined ? `rate ${rate}` : `input rate ${inputRate}, rate ${rate}`;
}

export function sameConfig(a: DropoutConfig, b: DropoutConfig): boolean {
  return a.rate === b.rate && a.inputRate === b.inputRate;
}

/** Input rate first, then hidden rate, both ascending (a missing input rate sorts first). */
export function compareConfigs(a: DropoutConfig, b: DropoutConfig): number {
  return (a.inputRate ?? -1) - (b.inputRate ?? -1) || a.rate - b.rate;
}

/** The configurations of a grid: every input rate × every hidden rate, input-major; just the rates without inputRates. */
export function crossConfigs(rates: readonly number[], inputRates?: readonly number[]): DropoutConfig[] {
  if (inputRates === undefined) return rates.map((rate) => ({ rate }));
  return inputRates.flatMap((inputRate) => rates.map((rate) => ({ inputRate, rate })));
}
