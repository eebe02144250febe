/**
 * A trained MLP as a standard TF.js Layers model: `tf.sequential` of `dense` and `dropout` layers, saved as
 * `model.json` + `weights.bin` (what `tf.loadLayersModel` reads). Runs in the trainer process only.
 *
 * Dropout layers follow Keras: `rate` is the drop probability, inverted dropout while training, identity at
 * inference. For `dropoutStyle: "standard"` (train x·m, test W·p) each kernel after a dropout place of keep
 * probability p = 1 − rate is exported as p·W. Then the exported model's inference (identity dropout, p·W) is
 * the engine's deterministic rule, and its training pass (x·m/p)·(p·W) = (x·m)·W is the standard style's: one
 * model serves both `predict` and Monte-Carlo dropout (`training: true`) without a custom layer.
 *
 * When the engine standardised the inputs (CSV data), the model starts with a frozen dense layer
 * `standardize` (kernel diag(1/std), bias −mean/std), so it takes raw features; the metadata carries mean and
 * std as well.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrialPlan } from '../../core/trial';
import type { Dataset } from '../datasets/types';
import type { ExperimentSpec, SweepObjective } from '../../core/spec';
import type { SavedTensor, TrainedModel } from '../train/loop';
import { objectiveValue } from '../../core/objective';
import type { MlpConfig } from './mlp';
import { isLayerList } from './network';
import { buildLayerListModel } from './layerExport';
import type { HpAssignment } from '../../core/hyperparameters';

/** What a model.json's userDefinedMetadata.dropoutLab says; everything needed to use the model on new data. */
export interface ModelMetadata {
  format: 1;
  experiment: string;
  trialId: string;
  seed: number;
  /** The spec's dataset section and the engine's description of the data. */
  dataset: { spec: unknown; description: string };
  task: 'classification' | 'regression';
  featureCount: number;
  /** A layer list's input per sample: [featureCount] for vectors, [height, width, channels] for images (absent: the MLP's vectors). */
  inputShape?: number[];
  featureNames?: string[];
  /** x' = (x − mean) / std per feature, already the model's first layer (`standardize`); absent: raw features. */
  inputStandardization?: { mean: number[]; std: number[] };
  /** Classification: the output is softmax probabilities over these classes, in this order. */
  classNames?: string[];
  dropoutStyle: MlpConfig['style'];
  /** The MLP's drop probabilities (Keras `rate`) at its dropout places; keep = 1 − rate. Absent for a layer list. */
  rates?: { input: number; hidden: number };
  /** A layer list's dropout layers: index in model.layers, kind and drop probability. */
  dropoutLayers?: { index: number; type: string; rate: number }[];
  /** The trial's value of each named hyperparameter (sweep.space). */
  hp?: HpAssignment;
  /** True for the standard style: kernels hold p·W, so the exported model's inference equals the engine's rule. */
  keepFoldedIntoKernels: boolean;
  /** The same in words, for a person reading model.json. */
  inference: string;
  /** The epoch whose weights these are: the trial's best by the objective (see loop.ts). */
  epoch: number;
  objective: { name: SweepObjective; value: number };
  metrics: { val_loss: number; val_acc?: number; train_loss: number };
  /** Filled in when the runner publishes the sweep's best model. */
  sweep?: { id: string; selectedBy: string };
}

/** The dropout places of an MLP in forward order: the rate before dense layer `index` (Keras: drop probability). */
export function dropoutRates(config: MlpConfig): number[] {
  return [config.inputRate, ...config.hidden.map(() => config.hiddenRate)];
}

/**
 * The kernels as exported: unchanged for the inverted style; for the standard style kernel i scaled by the keep
 * probability of the dropout place before it (W_test = p·W). Biases are never scaled.
 */
export function exportedKernel(config: MlpConfig, layer: number, kernel: Float32Array): Float32Array {
  if (config.style !== 'standard') return kernel;
  const keep = 1 - dropoutRates(config)[layer]!;
  return keep === 1 ? kernel : kernel.map((value) => value * keep);
}

/**
 * The Layers model for `config` with `weights` (mlp.variables order: kernel, bias per layer). The caller disposes
 * it. Classification ends in softmax (probabilities); regression in a linear unit.
 */
export function buildLayersModel(
  config: MlpConfig, weights: SavedTensor[], task: ModelMetadata['task'], standardization?: ModelMetadata['inputStandardization'],
): tf.Sequential {
  const sizes = [...config.hidden, config.outputUnits];
  if (weights.length !== 2 * sizes.length) throw new Error(`expected ${2 * sizes.length} weight tensors, got ${weights.length}`);
  const model = tf.sequential();
  const inputShape = [config.featureCount];
  /** Per dense layer in model order: its kernel and bias (set layer by layer: a model lists frozen weights last). */
  const values: [tf.layers.Layer, tf.Tensor[]][] = [];
  if (standardization) {
    const { layer, tensors } = standardizeLayer(standardization);
    model.add(layer);
    values.push([layer, tensors]);
  }
  const rates = dropoutRates(config);
  sizes.forEach((units, index) => {
    const firstShape = () => (model.layers.length === 0 ? { inputShape } : {});
    if (rates[index]! > 0) {
      model.add(tf.layers.dropout({ name: index === 0 ? 'input_dropout' : `dropout_${index}`, rate: rates[index]!, ...firstShape() }));
    }
    const output = index === sizes.length - 1;
    const activation = output ? (task === 'classification' ? 'softmax' : 'linear') : config.activation;
    const layer = tf.layers.dense({ name: output ? 'output' : `dense_${index + 1}`, units, activation, ...firstShape() });
    model.add(layer);
    const [kernel, bias] = [weights[2 * index]!, weights[2 * index + 1]!];
    values.push([layer, [
      tf.tensor2d(exportedKernel(config, index, kernel.values as Float32Array), kernel.shape as [number, number]),
      tf.tensor1d(bias.values as Float32Array),
    ]]);
  });
  for (const [layer, tensors] of values) {
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return model;
}

/** The frozen first layer x' = (x − mean)/std (kernel diag(1/std), bias −mean/std) and its weights. */
function standardizeLayer({ mean, std }: NonNullable<ModelMetadata['inputStandardization']>): { layer: tf.layers.Layer; tensors: tf.Tensor[] } {
  const n = mean.length;
  const kernel = new Float32Array(n * n);
  for (let i = 0; i < n; i++) kernel[i * n + i] = 1 / std[i]!;
  const layer = tf.layers.dense({ name: 'standardize', units: n, inputShape: [n], trainable: false });
  return { layer, tensors: [tf.tensor2d(kernel, [n, n]), tf.tensor1d(mean.map((m, i) => -m / std[i]!))] };
}

/** A Layers model as the two files `tf.loadLayersModel` reads; the store writes them (store/modelFiles.ts). */
export interface ModelArtifacts {
  /** model.json's text; its weights manifest names `weights.bin`. */
  modelJson: string;
  weights: Uint8Array;
}

/** The model as model.json + weights.bin with `metadata` under userDefinedMetadata.dropoutLab. */
export async function layersModelArtifacts(model: tf.LayersModel, metadata: ModelMetadata): Promise<ModelArtifacts> {
  model.setUserDefinedMetadata({ dropoutLab: metadata as unknown as Record<string, unknown> });
  let result: ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology!,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs! }],
      userDefinedMetadata: artifacts.userDefinedMetadata,
    };
    result = { modelJson: `${JSON.stringify(modelJson)}\n`, weights: new Uint8Array(weightData) };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
  }));
  return result!;
}

/** The metadata of a trial's model: the data it expects, its rates and where its weights come from. */
export function trialModelMetadata(model: TrainedModel, { spec, dataset, trial }: TrialModelSource): ModelMetadata {
  const objective = spec.sweep.objective;
  const { metrics, config } = model;
  const value = objectiveValue(metrics, objective);
  const classification = dataset.task === 'classification';
  return {
    format: 1,
    experiment: spec.name,
    trialId: trial.id,
    seed: trial.seed,
    dataset: { spec: spec.dataset, description: dataset.description },
    task: dataset.task,
    featureCount: dataset.featureCount,
    ...(dataset.featureNames ? { featureNames: dataset.featureNames } : {}),
    ...(dataset.inputStandardization ? { inputStandardization: dataset.inputStandardization } : {}),
    ...(classification ? { classNames: dataset.classNames ?? Array.from({ length: dataset.classCount }, (_, i) => String(i)) } : {}),
    dropoutStyle: config.style,
    ...(isLayerList(config)
      ? {
        inputShape: config.inputShape,
        dropoutLayers: config.layers.flatMap((layer, index) => ('rate' in layer ? [{ index, type: layer.type, rate: layer.rate }] : [])),
      }
      : { rates: { input: config.inputRate, hidden: config.hiddenRate } }),
    ...(trial.hp ? { hp: trial.hp } : {}),
    keepFoldedIntoKernels: config.style === 'standard',
    inference: config.style === 'standard'
      ? 'standard dropout (train x·m, test W·p): each kernel after a dropout layer holds p·W with p = 1 − rate, so predict() is the '
        + 'engine\'s deterministic rule and dropout in training mode (x·m/p)·(p·W) is the standard style\'s x·m·W'
        + (isLayerList(config) ? ' (where a layer between does not commute with the scale, a frozen Rescaling layer multiplies by p instead)' : '')
      : 'inverted dropout (Keras): predict() applies no dropout, as the engine\'s deterministic rule',
    epoch: model.epoch,
    objective: { name: objective, value: value as number },
    metrics: { val_loss: metrics.val_loss, train_loss: metrics.train_loss, ...(metrics.val_acc !== undefined ? { val_acc: metrics.val_acc } : {}) },
  };
}

export interface TrialModelSource {
  spec: ExperimentSpec;
  dataset: Dataset;
  trial: TrialPlan;
}

/** A trial's best-epoch model as files (the trainer has the store write them when the trial ends). */
export async function trialModelArtifacts(model: TrainedModel, source: TrialModelSource): Promise<ModelArtifacts> {
  const { config } = model;
  const { task, inputStandardization } = source.dataset;
  const standardize = (vectors: boolean) => (inputStandardization && vectors ? standardizeLayer(inputStandardization) : undefined);
  const layers = isLayerList(config)
    ? buildLayerListModel(config, model.weights, task, standardize(config.inputShape.length === 1))
    : buildLayersModel(config, model.weights, task, inputStandardization);
  try {
    return await layersModelArtifacts(layers, trialModelMetadata(model, source));
  } finally {
    layers.dispose();
  }
}
