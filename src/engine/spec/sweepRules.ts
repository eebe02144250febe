/**
 * The sweep's cross-field rules: which fields each strategy needs or ignores, what the objective needs of the
 * dataset, how many distinct draws the spaces allow and how large a grid may be. Resolves the sweep to what it
 * trains, the draw of a `random` sweep included (drawn by the planner's random search, once, so every consumer sees
 * the same configurations).
 */
import { assertNever } from '../../core/assertNever';
import type { DropoutConfig } from '../../core/dropoutConfig';
import type { HpSpace } from '../../core/hyperparameters';
import type { ModelSpec, SweepSpec, TrainingSpec } from '../../core/spec';
import { configSpaceSize, hpDimensions } from '../sweep/configSpace';
import { distinctRates, drawSweep, rateSpaceDimension, type RateSpace } from '../sweep/randomSearch';
import { entryDimension, NoGridError } from '../sweep/space';
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
    // `rates` is [] when only sweep.space is searched: no rate dimension.
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) return undefined;
    const space: RateSpace = Array.isArray(raw) ? { kind: 'finite', rates: raw } : raw;
    if (space.kind === 'continuous' && strategy !== 'random') {
      c.error(ownerSpan(c.nodes.get(`sweep.${key}`)), `sweep.${key}.step`,
        'missing required property "step": only strategy "random" draws from a continuous range; '
          + `strategy ${quote(strategy)} needs the grid min, min + step, …`);
    }
    return space;
  };
  const space = spaceOf('rates');
  const inputSpace = spaceOf('inputRates');
  const hpSpace = sweepValues.space as HpSpace | undefined;
  const searchesSpace = Object.keys(hpSpace ?? {}).length > 0;
  const ownModel = c.nodes.has('model.from') || c.nodes.has('model.module');
  if (!space && !searchesSpace && !ownModel) {
    c.error(ownerSpan(c.nodes.get('sweep')), 'sweep.rates',
      'missing required property "rates": a sweep searches sweep.rates, sweep.space (named hyperparameters) or both');
    return undefined;
  }
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
  let rates = listOf(space) ?? [];
  let inputRates = listOf(inputSpace);
  let drawnConfigs: DropoutConfig[] | undefined;
  switch (strategy) {
    case 'grid':
      if (searchesSpace) checkGridSize(sweepValues, hpSpace!, c, at, { rates: space, inputRates: inputSpace });
      break;
    case 'random': {
      const samples = sweepValues.samples as number | undefined;
      const noun = searchesSpace ? 'configurations' : inputSpace ? '(input rate, rate) pairs' : 'rates';
      if (samples === undefined) {
        c.error(ownerSpan(c.nodes.get('sweep.strategy')), 'sweep.samples',
          `missing required property "samples": strategy "random" needs the number of ${noun} to draw`);
        break;
      }
      // The model's own space is not known yet: resolveModelSpace (engine/model/modelSpace.ts) draws over all of it.
      if (ownModel) break;
      const spaceText = (rateSpace: RateSpace, key: string): string => {
        const count = distinctRates(rateSpace);
        return rateSpace.kind === 'finite'
          ? `the ${count} rate${count === 1 ? '' : 's'} of sweep.${key}`
          : `the range of sweep.${key} (${count} distinct values at 4 decimals)`;
      };
      const available = (space ? distinctRates(space) : 1) * (inputSpace ? distinctRates(inputSpace) : 1)
        * configSpaceSize({ hp: hpDimensions(hpSpace) });
      if (samples > available) {
        const parts = [...(inputSpace ? [spaceText(inputSpace, 'inputRates')] : []), ...(space ? [spaceText(space, 'rates')] : []),
          ...(searchesSpace ? [`the ${configSpaceSize({ hp: hpDimensions(hpSpace) })} points of sweep.space`] : [])];
        const what = parts.length > 1 ? `${parts.join(' × ')} (${available} ${searchesSpace ? 'configurations' : 'pairs'})` : parts[0]!;
        c.error(at('sweep.samples'), 'sweep.samples', `cannot draw ${samples} distinct ${noun} from ${what}; use samples ≤ ${available}`);
        break;
      }
      if (c.errorCount > errorsBefore) break;
      ({ rates, inputRates, drawnConfigs } = drawSweep(space, inputSpace, samples, seed, hpSpace));
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

/** With no sweep.maxTrials, a grid over sweep.space may have at most this many trials. */
export const DEFAULT_GRID_TRIALS = 1000;

/**
 * A grid over a named space: every float has a step (else there is no grid), and the cross product × repeats stays
 * within sweep.maxTrials (DEFAULT_GRID_TRIALS without it), refused with the count otherwise. Shorthand grids keep
 * maxTrials as a budget only, as they always had.
 */
function checkGridSize(
  sweepValues: Values, hpSpace: HpSpace, c: Collector, at: (path: string) => Span,
  rateSpaces: { rates?: RateSpace; inputRates?: RateSpace },
): void {
  let size = 1;
  for (const key of ['inputRates', 'rates'] as const) {
    const rateSpace = rateSpaces[key];
    if (rateSpace) size *= rateSpaceDimension(rateSpace).size;
  }
  let gridless = false;
  for (const [name, entry] of Object.entries(hpSpace)) {
    const dimension = entryDimension(entry, name);
    size *= dimension.size;
    if (Number.isFinite(dimension.size)) continue;
    gridless = true;
    try {
      dimension.valueAt(0);
    } catch (error) {
      if (!(error instanceof NoGridError)) throw error;
      c.error(ownerSpan(c.nodes.get(`sweep.space.${name}`)), `sweep.space.${name}.step`, error.message);
    }
  }
  if (gridless) return;
  const repeats = sweepValues.repeats as number;
  const trials = size * repeats;
  const maxTrials = sweepValues.maxTrials as number | undefined;
  const limit = maxTrials ?? DEFAULT_GRID_TRIALS;
  if (trials <= limit) return;
  const count = `the grid over sweep.space has ${size} configuration${size === 1 ? '' : 's'}`
    + `${repeats > 1 ? ` × ${repeats} seeds = ${trials} trials` : ''}`;
  const advice = 'add steps or fewer values to sweep.space, or use strategy "random" (samples) or "hyperband"';
  if (maxTrials !== undefined) {
    c.error(at('sweep.maxTrials'), 'sweep.maxTrials', `${count}, more than sweep.maxTrials ${maxTrials}: ${advice}, or raise maxTrials`);
  } else {
    c.error(ownerSpan(c.nodes.get('sweep.space')), 'sweep.space',
      `${count}, more than ${DEFAULT_GRID_TRIALS}: ${advice}, or set sweep.maxTrials to at least ${trials} to run it all`);
  }
}
