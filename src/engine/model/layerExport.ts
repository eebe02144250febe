/**
 * A trained layer list as a TF.js Layers `tf.sequential` with Keras's class names (Conv2D, MaxPooling2D,
 * AveragePooling2D, Flatten, GlobalAveragePooling2D, BatchNormalization, Activation, Dense, Dropout,
 * SpatialDropout2D, GaussianDropout) and the output layer (softmax, or one linear unit). Runs in the trainer only.
 *
 * Keras's dropout layers are inverted (x·m/p in training, identity at inference). For `dropoutStyle: "standard"`
 * the engine's inference at a dropout place is keep·x; as for the MLP (export.ts) that factor is folded into the
 * kernel of the next dense or conv layer (W_test = p·W), when only layers that commute with a positive scale lie in
 * between (pooling, flatten, relu, other dropout); then the exported training pass (x·m/p)·(p·W) is the standard
 * style's x·m·W too. Where a scale does not commute (batch normalisation, tanh…), a frozen Rescaling layer
 * multiplies by keep instead.
 *
 * TF.js has no SpatialDropout2D: the class below is Keras's, registered under that name so tf.loadLayersModel
 * reads it once this module is loaded (Keras reads it natively).
 */
import * as tf from '@tensorflow/tfjs';
import type { SavedTensor } from '../train/loop';
import { weightLayout, withOutputLayer, type LayerListConfig, type ResolvedLayer } from './layerShapes';

/** Keras SpatialDropout2D: in training, whole channels of x [n, h, w, c] dropped (noise shape [n, 1, 1, c]), inverted. */
export class SpatialDropout2D extends tf.layers.Layer {
  static readonly className = 'SpatialDropout2D';
  readonly rate: number;

  constructor(config: { rate: number; name?: string; inputShape?: number[] }) {
    super(config);
    this.rate = config.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    return tf.tidy(() => tf.dropout(x, this.rate, [x.shape[0]!, 1, 1, x.shape[3]!]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SpatialDropout2D);

const DROPOUT_TYPES = new Set(['dropout', 'spatialDropout2d', 'gaussianDropout']);

/** Whether keep·x can move across this layer to the next kernel: it commutes with a positive scale. */
function commutesWithScale(layer: ResolvedLayer): boolean {
  switch (layer.type) {
    case 'maxPooling2d':
    case 'averagePooling2d':
    case 'flatten':
    case 'globalAveragePooling2d':
    case 'dropout':
    case 'spatialDropout2d':
    case 'gaussianDropout':
      return true;
    case 'activation':
      return layer.activation === 'relu' || layer.activation === 'linear';
    case 'dense':
    case 'conv2d':
    case 'batchNormalization':
      return false;
  }
}

/**
 * For the standard style, the keep factors to apply: per index of a dense or conv layer (output layer included) the
 * product folded into its kernel, and per dropout index a factor that needs a Rescaling layer after it.
 */
function standardFactors(layers: readonly ResolvedLayer[]): { kernels: Map<number, number>; rescale: Map<number, number> } {
  const kernels = new Map<number, number>();
  const rescale = new Map<number, number>();
  layers.forEach((layer, index) => {
    if (!DROPOUT_TYPES.has(layer.type) || !('rate' in layer) || layer.rate === 0) return;
    const keep = 1 - layer.rate;
    let next = index + 1;
    while (next < layers.length && layers[next]!.type !== 'dense' && layers[next]!.type !== 'conv2d' && commutesWithScale(layers[next]!)) next++;
    const target = layers[next];
    if (target && (target.type === 'dense' || target.type === 'conv2d')) kernels.set(next, (kernels.get(next) ?? 1) * keep);
    else rescale.set(index, keep);
  });
  return { kernels, rescale };
}

function kerasLayer(layer: ResolvedLayer, name: string, first: { inputShape?: number[] }): tf.layers.Layer {
  const options = { name, ...first };
  switch (layer.type) {
    case 'dense': return tf.layers.dense({ ...options, units: layer.units, activation: layer.activation, useBias: layer.useBias });
    case 'conv2d':
      return tf.layers.conv2d({
        ...options, filters: layer.filters, kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding,
        activation: layer.activation, useBias: layer.useBias,
      });
    case 'maxPooling2d': return tf.layers.maxPooling2d({ ...options, poolSize: layer.poolSize, strides: layer.strides, padding: layer.padding });
    case 'averagePooling2d': return tf.layers.averagePooling2d({ ...options, poolSize: layer.poolSize, strides: layer.strides, padding: layer.padding });
    case 'flatten': return tf.layers.flatten(options);
    case 'globalAveragePooling2d': return tf.layers.globalAveragePooling2d(options);
    case 'batchNormalization': return tf.layers.batchNormalization({ ...options, momentum: layer.momentum, epsilon: layer.epsilon });
    case 'activation': return tf.layers.activation({ ...options, activation: layer.activation });
    case 'dropout': return tf.layers.dropout({ ...options, rate: layer.rate });
    case 'spatialDropout2d': return new SpatialDropout2D({ ...options, rate: layer.rate });
    case 'gaussianDropout': return tf.layers.gaussianDropout({ ...options, rate: layer.rate });
  }
}

/**
 * The Layers model of a layer list with `weights` (network.weights order). `standardize` is the MLP export's frozen
 * first layer for standardised vector inputs (export.ts builds it). The caller disposes the model.
 */
export function buildLayerListModel(
  config: LayerListConfig, weights: SavedTensor[], task: 'classification' | 'regression',
  standardize?: { layer: tf.layers.Layer; tensors: tf.Tensor[] },
): tf.Sequential {
  // The engine's output layer gives logits: the exported one applies the softmax its loss did.
  const built = withOutputLayer(config);
  const outputLayer = built.at(-1)!;
  if (outputLayer.type !== 'dense') throw new Error(`the output layer must be dense, not ${outputLayer.type}`);
  const layers: ResolvedLayer[] = [...built.slice(0, -1), { ...outputLayer, activation: task === 'classification' ? 'softmax' : 'linear' }];
  const layout = weightLayout(config);
  const { kernels, rescale } = config.style === 'standard'
    ? standardFactors(layers) : { kernels: new Map<number, number>(), rescale: new Map<number, number>() };
  const model = tf.sequential();
  const values: [tf.layers.Layer, tf.Tensor[]][] = [];
  const add = (layer: tf.layers.Layer, tensors: tf.Tensor[] = []): void => {
    model.add(layer);
    if (tensors.length > 0) values.push([layer, tensors]);
  };
  if (standardize) add(standardize.layer, standardize.tensors);
  const tensorAt = (index: number, scale = 1): tf.Tensor => {
    const saved = weights[index]!;
    return tf.tensor(scale === 1 ? saved.values : (saved.values as Float32Array).map((value) => value * scale), saved.shape, 'float32');
  };
  const counts = new Map<string, number>();
  layers.forEach((layer, index) => {
    const output = index === layers.length - 1;
    const count = (counts.get(layer.type) ?? 0) + 1;
    counts.set(layer.type, count);
    const first = model.layers.length === 0 ? { inputShape: config.inputShape } : {};
    const at = layout[index]!;
    const tensors = [
      ...(at.kernel !== undefined ? [tensorAt(at.kernel, kernels.get(index))] : []),
      ...(at.bias !== undefined ? [tensorAt(at.bias)] : []),
      // Keras's order: gamma, beta, moving mean, moving variance.
      ...[at.gamma, at.beta, at.movingMean, at.movingVariance].filter((i): i is number => i !== undefined).map((i) => tensorAt(i)),
    ];
    add(kerasLayer(layer, config.layerNames?.[index] ?? (output ? 'output' : `${layer.type}_${count}`), first), tensors);
    const keep = rescale.get(index);
    if (keep !== undefined) add(tf.layers.rescaling({ name: `keep_${index}`, scale: keep, offset: 0 }));
  });
  for (const [layer, tensors] of values) {
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return model;
}
