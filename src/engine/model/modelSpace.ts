/**
 * The search space of a model of the user's own: what the model declares (its dropout layers for model.from, its
 * `hp` calls for a build() module) merged with `sweep.space`, whose entries override a name's range. The CLI and the
 * extension apply it between the preflight and the runner, so the runner stores (sweep.json) and every trainer,
 * resume, verdict and view reads the full space. Pure.
 */
import type { HpSpace, HpSpaceEntry } from '../../core/hyperparameters';
import type { ExperimentSpec } from '../../core/spec';
import { possibleValues } from '../spec/hyperparameterRules';
import { drawSweep } from '../sweep/randomSearch';
import { hpDimensions } from '../sweep/configSpace';
import { sweepConfigCount } from '../sweep/plan';
import { NoGridError } from '../sweep/space';
import { DEFAULT_GRID_TRIALS } from '../spec/sweepRules';
import type { ImportedModel } from './kerasTopology';

/**
 * The spec with `discovered` merged into `sweep.space` (the model's names first, in its order, each overridden by a
 * `sweep.space` entry of that name; then the spec's other names) and, for strategy `random`, the configurations drawn
 * again over the whole space (the parser could not: it did not know the model's names).
 */
export function resolveModelSpace(spec: ExperimentSpec, discovered: HpSpace): ExperimentSpec {
  const given = spec.sweep.space ?? {};
  const space: HpSpace = {};
  for (const [name, entry] of Object.entries(discovered)) space[name] = given[name] ?? entry;
  for (const [name, entry] of Object.entries(given)) space[name] ??= entry;
  const sweep = { ...spec.sweep, space };
  if (sweep.strategy === 'random' && sweep.samples !== undefined) {
    const finite = (rates: number[] | undefined) => (rates && rates.length > 0 ? { kind: 'finite' as const, rates } : undefined);
    const { drawnConfigs, rates, inputRates } = drawSweep(finite(sweep.rates), finite(sweep.inputRates), sweep.samples, sweep.seed, space);
    Object.assign(sweep, { rates, ...(inputRates ? { inputRates } : {}), drawnConfigs });
  }
  return { ...spec, sweep };
}

/** keras-tuner's range in the dropout article, `hp.Float('dropout', 0, 0.8, step=0.1)`, defaulting to the model's rate. */
export function dropoutEntry(rate: number): HpSpaceEntry {
  return { type: 'float', min: 0, max: 0.8, step: 0.1, sampling: 'linear', default: Math.min(0.8, Math.round(rate * 10) / 10) };
}

/**
 * The hyperparameter of each dropout layer: its layer name when `sweep.space` has an entry of that name, else
 * `dropout_1`, `dropout_2`, … by position among the dropout layers. Throws when a positional name is also the name a
 * `sweep.space` entry gives another layer.
 */
export function dropoutHpNames(model: Pick<ImportedModel, 'dropoutLayers'>, space: HpSpace | undefined): string[] {
  const byLayer = model.dropoutLayers.map(({ name }) => (space?.[name] ? name : undefined));
  return model.dropoutLayers.map(({ name }, position) => {
    if (byLayer[position]) return name;
    const positional = `dropout_${position + 1}`;
    const other = byLayer.findIndex((taken) => taken === positional);
    if (other >= 0) {
      throw new Error(`sweep.space.${positional} names the layer "${positional}", which is dropout layer ${other + 1}; dropout layer `
        + `${position + 1} ("${name}") would be ${positional} too: name its entry "${name}" instead`);
    }
    return positional;
  });
}

/** Where dropout could go in a model without any: after each hidden dense or conv layer (the output layer excluded). */
export function noDropoutMessage(model: Pick<ImportedModel, 'layers' | 'layerNames'>): string {
  const hidden = model.layers.slice(0, -1).flatMap((layer, index) => {
    if (layer.type === 'dense') return [`"${model.layerNames[index]}" (layers[${index}], Dense ${String(layer.units)})`];
    if (layer.type === 'conv2d') return [`"${model.layerNames[index]}" (layers[${index}], Conv2D ${String(layer.filters)})`];
    return [];
  });
  const where = hidden.length > 0
    ? `dropout could go after ${hidden.join(', ')}: add tf.layers.dropout({ rate: 0.2 }) (or a spatialDropout2d after a conv layer) `
      + 'there and save the model again'
    : 'the model has no hidden layer for dropout to follow: add a hidden dense layer with a dropout layer after it';
  return `the model has no dropout layer, so there is no rate to search: ${where}`;
}

/** Why a `sweep.space` entry cannot be a drop rate (every value in [0, 1)), or undefined when it can. */
export function rateEntryProblem(name: string, entry: HpSpaceEntry): string | undefined {
  const wrong = possibleValues(entry).find((value) => typeof value !== 'number' || !(value >= 0 && value < 1));
  return wrong === undefined ? undefined
    : `the hyperparameter "${name}" sets a dropout layer's rate, a drop probability in [0, 1), but it can be ${JSON.stringify(wrong)}`;
}

/**
 * The spec of a sweep over a model.from model: each dropout layer a hyperparameter (dropoutHpNames) with the
 * article's range (dropoutEntry) unless sweep.space gives one, recorded in `model.dropoutHps`. Throws (with what to
 * change) for a model without dropout, a clash of names, or an override that is not a rate.
 */
export function resolveImportedSpec(spec: ExperimentSpec, model: ImportedModel): ExperimentSpec {
  if (model.dropoutLayers.length === 0) throw new Error(noDropoutMessage(model));
  const names = dropoutHpNames(model, spec.sweep.space);
  const discovered: HpSpace = {};
  names.forEach((name, position) => {
    const override = spec.sweep.space?.[name];
    const problem = override && rateEntryProblem(name, override);
    if (problem) throw new Error(problem);
    discovered[name] ??= dropoutEntry(model.dropoutLayers[position]!.rate);
  });
  const resolved = resolveModelSpace(spec, discovered);
  return { ...resolved, model: { ...resolved.model, dropoutHps: names } };
}

/** The model with each dropout layer's rate the trial's value of its hyperparameter (names from model.dropoutHps). */
export function withDropoutHps(model: ImportedModel, names: readonly string[]): ImportedModel {
  if (names.length !== model.dropoutLayers.length) {
    throw new Error(`the sweep names ${names.length} dropout hyperparameters, the model has ${model.dropoutLayers.length} dropout layers: was it changed?`);
  }
  const layers = [...model.layers];
  model.dropoutLayers.forEach(({ index }, position) => {
    layers[index] = { ...layers[index]!, rate: { hp: names[position]! } } as (typeof layers)[number];
  });
  return { ...model, layers };
}

/**
 * Why a grid over a model's own space (model.from, model.module) cannot run, at the sweep field to change: a float
 * without a step, or more trials than sweep.maxTrials (DEFAULT_GRID_TRIALS without it). The parser checks this for
 * sweep.space alone; these spaces are known only once the model is read. `source` names the model in the message.
 */
export function ownGridProblem(resolved: ExperimentSpec, source: string): { path: string[]; message: string } | undefined {
  const { sweep } = resolved;
  if (sweep.strategy !== 'grid') return undefined;
  try {
    hpDimensions(sweep.space).forEach(([, dimension]) => dimension.size === Infinity && dimension.valueAt(0));
  } catch (error) {
    if (!(error instanceof NoGridError)) throw error;
    return { path: ['sweep', 'strategy'], message: `${source}: ${error.message}` };
  }
  const trials = sweepConfigCount(sweep) * sweep.repeats;
  const limit = sweep.maxTrials ?? DEFAULT_GRID_TRIALS;
  if (trials <= limit) return undefined;
  return {
    path: ['sweep', sweep.maxTrials === undefined ? 'strategy' : 'maxTrials'],
    message: `${source}'s hyperparameters (${Object.keys(sweep.space ?? {}).join(', ')}) give the grid ${trials} trials, more than `
      + `${sweep.maxTrials === undefined ? DEFAULT_GRID_TRIALS : `sweep.maxTrials ${limit}`}: narrow their ranges in sweep.space, `
      + 'or use strategy "random" (samples) or "hyperband"',
  };
}
