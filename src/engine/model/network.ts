/**
 * What the training loop, the scoring and the export see of a model: either network the spec can describe, the MLP
 * of `model.hidden` (mlp.ts, unchanged: its numbers are those it always gave) or a `model.layers` list
 * (layerNetwork.ts), behind one interface.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../datasets/types';
import type { ExperimentSpec } from '../../core/spec';
import type { HpAssignment } from '../../core/hyperparameters';
import type { DropoutMode } from './dropout';
import { inputMismatch, outputMismatch, type ImportedModel } from './kerasTopology';
import { createLayerNetwork, disposeLayerNetwork, forwardLayers } from './layerNetwork';
import { inferShapes, readsImages, resolveLayer, withOutputLayer, type LayerListConfig } from './layerShapes';
import { createMlp, disposeMlp, forward, type MlpConfig } from './mlp';

export type NetworkConfig = MlpConfig | LayerListConfig;

export function isLayerList(config: NetworkConfig): config is LayerListConfig {
  return (config as LayerListConfig).kind === 'layers';
}

/** Values per sample the network reads (a row of the data). */
export function featureCountOf(config: NetworkConfig): number {
  return isLayerList(config) ? config.inputShape.reduce((product, n) => product * n, 1) : config.featureCount;
}

export interface Network {
  config: NetworkConfig;
  /** What the optimizer updates. */
  variables: tf.Variable[];
  /** State a training pass updates and inference reads (batch normalisation's moving statistics); [] for the MLP. */
  state: tf.Variable[];
  /** variables, then state: the order of checkpoints, kept epochs and exported weights. */
  weights: tf.Variable[];
  /** Every value in `weights` (Keras's total params: trainable and not). */
  parameterCount: number;
  /** Activation values one sample makes in a forward pass: the input, every layer's output, the output layer's. */
  activationsPerSample: number;
  /**
   * Logits (classification) or predictions (regression) for rows x [n, featureCount]. `training` marks a training
   * step (batch normalisation then uses and moves batch statistics); dropout follows `mode` either way.
   */
  forward(x: tf.Tensor2D, mode: DropoutMode, training?: boolean): tf.Tensor2D;
  dispose(): void;
}

/** The network for `config` with initial weights from `seed` (so a seed fixes them). */
export function createNetwork(config: NetworkConfig, seed: number): Network {
  if (isLayerList(config)) {
    const network = createLayerNetwork(config, seed);
    const weights = [...network.variables, ...network.state];
    const shapes = inferShapes(withOutputLayer(config), config.inputShape, 'input') as number[][];
    return {
      config, variables: network.variables, state: network.state, weights,
      parameterCount: weights.reduce((sum, variable) => sum + variable.size, 0),
      activationsPerSample: [config.inputShape, ...shapes].reduce((sum, shape) => sum + shape.reduce((product, n) => product * n, 1), 0),
      forward: (x, mode, training) => forwardLayers(network, x, mode, training),
      dispose: () => disposeLayerNetwork(network),
    };
  }
  const mlp = createMlp(config, seed);
  return {
    config, variables: mlp.variables, state: [], weights: mlp.variables, parameterCount: mlp.parameterCount,
    activationsPerSample: [config.featureCount, ...config.hidden, config.outputUnits].reduce((sum, units) => sum + units, 0),
    forward: (x, mode) => forward(mlp, x, mode),
    dispose: () => disposeMlp(mlp),
  };
}

/** One trial's values that shape its network: the swept rates and the named hyperparameters. */
export interface TrialValues {
  /** Hidden dropout of the MLP; the rate of each dropout-kind layer that gives none. */
  rate?: number;
  /** Input dropout of the MLP. */
  inputRate?: number;
  hp?: HpAssignment;
  /**
   * The user's own model (model.from, or what a build() module returned), converted by kerasTopology.ts: trains
   * instead of model.hidden / model.layers, with its own output layer. A dropout rate in it may name a hyperparameter.
   */
  ownModel?: ImportedModel;
}

/**
 * The network a trial trains: `model.layers` with the trial's values (read as images when the list starts with a
 * spatial layer), or the MLP of `model.hidden`. Throws on shapes that do not fit (the preflight reports them first).
 */
export function networkConfig(spec: ExperimentSpec, dataset: Dataset, trial: TrialValues): NetworkConfig {
  const { model } = spec;
  const outputUnits = dataset.task === 'classification' ? dataset.classCount : 1;
  if (trial.ownModel) return ownModelConfig(spec, dataset, trial, trial.ownModel);
  if (!model.layers || model.layers.length === 0) {
    return {
      featureCount: dataset.featureCount, hidden: model.hidden, outputUnits, activation: model.activation, style: model.dropoutStyle,
      inputRate: trial.inputRate ?? model.inputDropout, hiddenRate: trial.rate ?? 0,
    };
  }
  const inputRate = trial.inputRate ?? model.inputDropout;
  if (inputRate > 0) throw new Error('input dropout with model.layers is a dropout layer first in the list, not model.inputDropout or sweep.inputRates');
  const layers = model.layers.map((layer) => resolveLayer(layer, trial.hp, trial.rate));
  const images = readsImages(model.layers);
  if (images && !dataset.imageShape) {
    throw new Error(`${model.layers[0]!.type} needs image input; dataset ${spec.dataset.type} gives vectors of ${dataset.featureCount} at model.layers[0]`);
  }
  const inputShape = images ? [...dataset.imageShape!] : [dataset.featureCount];
  const shapes = inferShapes(layers, inputShape, spec.dataset.type);
  if (!Array.isArray(shapes)) throw new Error(`${shapes.message} at model.layers[${shapes.index}]${shapes.field ? `.${shapes.field}` : ''}`);
  return { kind: 'layers', inputShape, layers, outputUnits, style: model.dropoutStyle };
}

/** A model of the user's own, with the trial's values, after checking its input and output against the dataset. */
function ownModelConfig(spec: ExperimentSpec, dataset: Dataset, trial: TrialValues, own: ImportedModel): LayerListConfig {
  const mismatch = inputMismatch(own, dataset) ?? outputMismatch(own, dataset.task, dataset.classCount);
  if (mismatch) throw new Error(mismatch);
  if ((trial.inputRate ?? spec.model.inputDropout) > 0) {
    throw new Error('input dropout with a model of your own is a dropout layer first in it, not model.inputDropout or sweep.inputRates');
  }
  const layers = own.layers.map((layer) => resolveLayer(layer, trial.hp, trial.rate));
  return {
    kind: 'layers', inputShape: [...own.inputShape], layers, outputUnits: own.outputUnits, style: spec.model.dropoutStyle,
    ownOutputLayer: true, layerNames: own.layerNames,
  };
}
