/**
 * The sweep's cross-field rules: which fields each strategy needs or ignores, what the objective needs of the
 * dataset, and how many distinct draws the rate spaces allow. Resolves the sweep to what it trains, the draw of a
 * `random` sweep included (drawn by the planner's random search, once, so every consumer sees the same rates).
 */
import { assertNever } from '../../core/assertNever';
import type { DropoutConfig } from '../../core/dropoutConfig';
import type { ModelSpec, SweepSpec, TrainingSpec } from '../../core/spec';
import { distinctRates, drawSweep, type RateSpace } from '../sweep/randomSearch';
import { quote } from './messages';
import { ownerSpan, type Collector, type Span } from './positions';
import type { Values } from './walker';

/**
 * Checks the fields that depend on the strategy, and resolves `rates` and `inputRates` to plain ascending lists
 * (for `random`: the drawn rates, or the rates of the drawn pairs, kept in `drawnConfigs`) and `seed` to its
 * default. `values` are the walker's, free of errors. Returns undefined after reporting an error.
 */
export function resolveSweep(values: Values, c: Collector, rootSpan: Span): SweepSpec | undefined {
  const sweepValues = values.sweep as Values;
  const training = values.training as TrainingSpec;
  const at = (path: string): Span => c.nodes.get(path) ?? c.nodes.get('sweep') ?? rootSpan;
  const written = (key: string): boolean => c.nodes.has(`sweep.${key}`);
  const strategy = sweepValues.strategy as SweepSpec['strategy'];
  const errorsBefore = c.errorCount;

  const spaceOf = (key: 'rates' | 'inputRates'): RateSpace | undefined => {
    const raw = sweepValues[key] as number[] | RateSpace | undefined;
    if (raw === undefined) return undefined;
    const space: RateSpace = Array.isArray(raw) ? { kind: 'finite', rates: raw } : raw;
    if (space.kind === 'continuous' && strategy !== 'random') {
      c.error(ownerSpan(c.nodes.get(`sweep.${key}`)), `sweep.${key}.step`,
        'missing required property "step": only strategy "random" draws from a continuous range; '
          + `strategy ${quote(strategy)} needs the grid min, min + step, …`);
    }
    return space;
  };
  const space = spaceOf('rates')!;
  const inputSpace = spaceOf('inputRates');
  const inputDropout = (values.model as ModelSpec).inputDropout;
  if (inputSpace && inputDropout !== 0) {
    c.error(ownerSpan(c.nodes.get('sweep.inputRates')), 'sweep.inputRates',
      `sweep.inputRates searches the input drop rate, but model.inputDropout fixes it at ${inputDropout}: `
        + 'remove model.inputDropout (or set it to 0), or remove sweep.inputRates');
  }
  const ignoredUnless = (key: string, needed: SweepSpec['strategy']): void => {
    if (written(key) && strategy !== needed) {
      c.warn(at(`sweep.${key}`), `sweep.${key}`, `${key} is used only by strategy ${quote(needed)}; strategy ${quote(strategy)} ignores it`);
    }
  };
  ignoredUnless('samples', 'random');
  if (written('seed') && strategy === 'grid') {
    c.warn(at('sweep.seed'), 'sweep.seed', 'seed draws the rates of strategies "random" and "hyperband"; strategy "grid" draws nothing');
  }
  for (const key of ['maxEpochs', 'factor', 'iterations']) ignoredUnless(key, 'hyperband');

  const datasetTask = (values.dataset as { type: string; task?: string }).task;
  if (sweepValues.objective === 'val_acc' && datasetTask === 'regression') {
    c.error(at('sweep.objective'), 'sweep.objective', 'objective "val_acc" needs a classification task; this dataset is a regression (use "val_loss")');
  }

  const seed = (sweepValues.seed as number | undefined) ?? training.seed;
  const listOf = (rateSpace: RateSpace | undefined): number[] | undefined =>
    rateSpace?.kind === 'finite' ? [...rateSpace.rates] : rateSpace && [];
  let rates = listOf(space)!;
  let inputRates = listOf(inputSpace);
  let drawnConfigs: DropoutConfig[] | undefined;
  switch (strategy) {
    case 'grid':
      break;
    case 'random': {
      const samples = sweepValues.samples as number | undefined;
      const noun = inputSpace ? '(input rate, rate) pairs' : 'rates';
      if (samples === undefined) {
        c.error(ownerSpan(c.nodes.get('sweep.strategy')), 'sweep.samples',
          `missing required property "samples": strategy "random" needs the number of ${noun} to draw`);
        break;
      }
      const spaceText = (rateSpace: RateSpace, key: string): string => {
        const count = distinctRates(rateSpace);
        return rateSpace.kind === 'finite'
          ? `the ${count} rate${count === 1 ? '' : 's'} of sweep.${key}`
          : `the range of sweep.${key} (${count} distinct values at 4 decimals)`;
      };
      const available = distinctRates(space) * (inputSpace ? distinctRates(inputSpace) : 1);
      if (samples > available) {
        const what = inputSpace ? `${spaceText(inputSpace, 'inputRates')} × ${spaceText(space, 'rates')} (${available} pairs)` : spaceText(space, 'rates');
        c.error(at('sweep.samples'), 'sweep.samples', `cannot draw ${samples} distinct ${noun} from ${what}; use samples ≤ ${available}`);
        break;
      }
      if (c.errorCount > errorsBefore) break;
      ({ rates, inputRates, drawnConfigs } = drawSweep(space, inputSpace, samples, seed));
      break;
    }
    case 'hyperband':
      if (sweepValues.maxEpochs === undefined) {
        c.error(ownerSpan(c.nodes.get('sweep.strategy')), 'sweep.maxEpochs',
          'missing required property "maxEpochs": strategy "hyperband" needs the most epochs one trial may train (keras-tuner max_epochs)');
      }
      if ((sweepValues.repeats as number) > 1) {
        c.error(at('sweep.repeats'), 'sweep.repeats', 'strategy "hyperband" ranks single trials; repeats > 1 is not supported with it');
      }
      if (c.nodes.has('training.epochs')) {
        c.warn(at('training.epochs'), 'training.epochs', 'ignored with strategy "hyperband": sweep.maxEpochs sets how long a trial may train');
      }
      break;
    default:
      assertNever(strategy, 'sweep strategy');
  }
  if (c.errorCount > errorsBefore) return undefined;
  const resolved: SweepSpec = {
    ...(sweepValues as unknown as SweepSpec), rates, seed,
    ...(inputRates ? { inputRates } : {}), ...(drawnConfigs ? { drawnConfigs } : {}),
  };
  return resolved;
}
