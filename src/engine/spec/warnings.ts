/** Warnings about specs that are valid but probably not what was meant. */
import type { ExperimentSpec } from '../../core/spec';
import { maxTrialEpochs } from '../sweep/plan';
import type { Collector, Span } from './positions';

/** Adds a warning to `c` for each likely mistake in `spec`, a spec free of errors. */
export function warnLikelyMistakes(spec: ExperimentSpec, c: Collector, rootSpan: Span): void {
  const at = (path: string): Span => c.nodes.get(path) ?? rootSpan;
  const { rates, inputRates, space } = spec.sweep;
  if (rates.length === 1 && (inputRates?.length ?? 1) === 1 && !space) {
    const what = inputRates ? `configuration (input rate ${inputRates[0]}, rate ${rates[0]})` : `rate (${rates[0]})`;
    c.warn(at('sweep.rates'), 'sweep.rates', `the sweep has a single ${what}, so there is nothing to compare`);
  }
  const mc = spec.evaluation.mcSamples;
  const inputZero = inputRates ? inputRates.every((r) => r === 0) : spec.model.inputDropout === 0;
  // With a layer list or a space, which layers drop what is known only per trial: no warning is attempted.
  if (mc > 0 && !spec.model.layers && !space && rates.every((r) => r === 0) && inputZero) {
    const input = inputRates ? 'every input rate is 0' : 'inputDropout is 0';
    c.warn(at('evaluation.mcSamples'), 'evaluation.mcSamples',
      `MC dropout with ${mc} samples changes nothing: every rate is 0 and ${input}, so each pass equals the deterministic prediction`);
  }
  const patience = spec.training.earlyStopping?.patience;
  const epochs = maxTrialEpochs(spec);
  if (patience !== undefined && patience >= epochs) {
    c.warn(at('training.earlyStopping.patience'), 'training.earlyStopping.patience',
      `patience ${patience} ≥ epochs ${epochs}: early stopping can never trigger`);
  }
}
