/**
 * A layer list with every hyperparameter resolved to the trial's value, and its shapes worked out from the input,
 * before any tensor exists: the network builder (layerNetwork.ts) builds from it, and the resource estimate and the
 * preflight check it (a kernel larger than its input, a dense layer on an image…), positioned at the layer.
 * Pure: no TF.js.
 */
import { resolveSearchable, type HpAssignment } from '../../core/hyperparameters';
import type { DropoutStyle, LayerActivation, LayerSpec, Size2d } from '../../core/spec';

export type Pair = [number, number];

/** A LayerSpec with numbers for every Searchable and the defaults TF.js would use (pooling strides = poolSize). */
export type ResolvedLayer =
  | { type: 'dense'; units: number; activation: LayerActivation; useBias: boolean }
  | { type: 'conv2d'; filters: number; kernelSize: Pair; strides: Pair; padding: 'valid' | 'same'; activation: LayerActivation; useBias: boolean }
  | { type: 'maxPooling2d' | 'averagePooling2d'; poolSize: Pair; strides: Pair; padding: 'valid' | 'same' }
  | { type: 'flatten' }
  | { type: 'globalAveragePooling2d' }
  | { type: 'batchNormalization'; momentum: number; epsilon: number }
  | { type: 'activation'; activation: LayerActivation }
  | { type: 'dropout' | 'spatialDropout2d' | 'gaussianDropout'; rate: number };

/**
 * Everything needed to build (and export) a layer-list network; the output layer is appended by the builder unless
 * the list carries its own (a model the user brought: model.from, a build() module).
 */
export interface LayerListConfig {
  kind: 'layers';
  /** One sample's shape: [featureCount] for vectors, [height, width, channels] for images (HWC). */
  inputShape: number[];
  layers: ResolvedLayer[];
  /** Units of the output layer: the class count (softmax logits), or 1 (regression). */
  outputUnits: number;
  style: DropoutStyle;
  /** The last entry of `layers` is the output layer (a linear dense of outputUnits: logits or the prediction); none is appended. */
  ownOutputLayer?: boolean;
  /** The model's own name of each entry of `layers`, kept when it is exported. */
  layerNames?: string[];
}

/** The layers as built: the list, and the output layer appended unless it has its own (softmax logits over the classes, or one linear unit). */
export function withOutputLayer(config: LayerListConfig): ResolvedLayer[] {
  if (config.ownOutputLayer) return config.layers;
  return [...config.layers, { type: 'dense', units: config.outputUnits, activation: 'linear', useBias: true }];
}

/** Trainable parameters in the order a layer lists them (Keras's), then its state (batch normalisation's moving statistics). */
export const TRAINABLE = ['kernel', 'bias', 'gamma', 'beta'] as const;
export const STATE = ['movingMean', 'movingVariance'] as const;
export type ParameterName = (typeof TRAINABLE)[number] | (typeof STATE)[number];

/** Where each layer's parameters are in network.weights (trainable variables in layer order, then the state). */
export function weightLayout(config: LayerListConfig): Partial<Record<ParameterName, number>>[] {
  const has = (layer: ResolvedLayer, name: ParameterName): boolean => {
    if (layer.type === 'dense' || layer.type === 'conv2d') return name === 'kernel' || (name === 'bias' && layer.useBias);
    return layer.type === 'batchNormalization' && name !== 'kernel' && name !== 'bias';
  };
  const layers = withOutputLayer(config);
  const layout: Partial<Record<ParameterName, number>>[] = layers.map(() => ({}));
  let next = 0;
  for (const names of [TRAINABLE, STATE]) {
    layers.forEach((layer, index) => {
      for (const name of names) if (has(layer, name)) layout[index]![name] = next++;
    });
  }
  return layout;
}

/** Layer kinds that read an image ([h, w, c]) and so make a model read each sample as Dataset.imageShape. */
const SPATIAL_INPUT_TYPES: ReadonlySet<LayerSpec['type']> = new Set([
  'conv2d', 'maxPooling2d', 'averagePooling2d', 'spatialDropout2d', 'globalAveragePooling2d', 'flatten',
]);

/** Whether a layer list reads its samples as images (its first layer is spatial) rather than as flat vectors. */
export function readsImages(layers: readonly LayerSpec[]): boolean {
  return layers.length > 0 && SPATIAL_INPUT_TYPES.has(layers[0]!.type);
}

function pair(size: Size2d, hp: HpAssignment | undefined): Pair {
  return Array.isArray(size) ? [resolveSearchable(size[0], hp), resolveSearchable(size[1], hp)] : [resolveSearchable(size, hp), resolveSearchable(size, hp)];
}

/**
 * The layer with the trial's values: `{ hp }` fields from `hp`, and a dropout-kind layer without `rate` takes
 * `sweptRate` (the shorthand `sweep.rates`).
 */
export function resolveLayer(layer: LayerSpec, hp: HpAssignment | undefined, sweptRate: number | undefined): ResolvedLayer {
  switch (layer.type) {
    case 'dense':
      return { type: 'dense', units: resolveSearchable(layer.units, hp), activation: resolveSearchable(layer.activation, hp), useBias: layer.useBias };
    case 'conv2d':
      return {
        type: 'conv2d', filters: resolveSearchable(layer.filters, hp), kernelSize: pair(layer.kernelSize, hp), strides: pair(layer.strides, hp),
        padding: layer.padding, activation: resolveSearchable(layer.activation, hp), useBias: layer.useBias,
      };
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const poolSize = pair(layer.poolSize, hp);
      return { type: layer.type, poolSize, strides: layer.strides === undefined ? poolSize : pair(layer.strides, hp), padding: layer.padding };
    }
    case 'flatten':
    case 'globalAveragePooling2d':
      return { type: layer.type };
    case 'batchNormalization':
      return { type: 'batchNormalization', momentum: resolveSearchable(layer.momentum, hp), epsilon: resolveSearchable(layer.epsilon, hp) };
    case 'activation':
      return { type: 'activation', activation: resolveSearchable(layer.activation, hp) };
    case 'dropout':
    case 'spatialDropout2d':
    case 'gaussianDropout': {
      const rate = layer.rate === undefined ? sweptRate : resolveSearchable(layer.rate, hp);
      if (rate === undefined) throw new Error(`a ${layer.type} layer without a rate needs sweep.rates`);
      return { type: layer.type, rate };
    }
  }
}

/** A shape problem at `model.layers[index]` (and its `field`, when one field is to blame). */
export interface LayerProblem {
  index: number;
  field?: string;
  message: string;
}

/** Output size along one axis (TF's rule): valid ⌊(n − k)/s⌋ + 1, same ⌈n/s⌉. */
export function outputSize(input: number, kernel: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - kernel) / stride) + 1;
}

const describeShape = (shape: readonly number[]): string => (shape.length === 1 ? `vectors of ${shape[0]}` : `images of ${shape.join('×')}`);

/** One layer's output shape, or why its input does not fit it. */
function layerOutputShape(layer: ResolvedLayer, shape: number[], inputName: string): number[] | Omit<LayerProblem, 'index'> {
  const image = shape.length === 3;
  const needsImage = (): Omit<LayerProblem, 'index'> => ({ message: `${layer.type} needs image input; ${inputName} gives ${describeShape(shape)}` });
  switch (layer.type) {
    case 'dense':
      if (image) {
        return { message: `dense needs vectors; ${inputName} gives ${describeShape(shape)}: add { "type": "flatten" } (or globalAveragePooling2d) before it` };
      }
      return [layer.units];
    case 'conv2d':
    case 'maxPooling2d':
    case 'averagePooling2d': {
      if (!image) return needsImage();
      const [size, field] = layer.type === 'conv2d' ? [layer.kernelSize, 'kernelSize'] : [layer.poolSize, 'poolSize'];
      if (layer.padding === 'valid' && (size[0] > shape[0]! || size[1] > shape[1]!)) {
        return { field, message: `the ${field} ${size.join('×')} is larger than its input, ${inputName}'s ${describeShape(shape)}` };
      }
      const [h, w] = [0, 1].map((axis) => outputSize(shape[axis]!, size[axis]!, layer.strides[axis]!, layer.padding));
      return [h!, w!, layer.type === 'conv2d' ? layer.filters : shape[2]!];
    }
    case 'flatten':
      return [shape.reduce((product, n) => product * n, 1)];
    case 'globalAveragePooling2d':
      return image ? [shape[2]!] : needsImage();
    case 'spatialDropout2d':
      return image ? shape : needsImage();
    case 'batchNormalization':
    case 'activation':
    case 'dropout':
    case 'gaussianDropout':
      return shape;
  }
}

/** Each layer's output shape (index i: after layers[i]); the first problem instead when the shapes do not fit. */
export function inferShapes(layers: readonly ResolvedLayer[], inputShape: readonly number[], datasetName: string): number[][] | LayerProblem {
  const shapes: number[][] = [];
  let shape = [...inputShape];
  for (const [index, layer] of layers.entries()) {
    const inputName = index === 0 ? `dataset ${datasetName}` : `model.layers[${index - 1}] (${layers[index - 1]!.type})`;
    const next = layerOutputShape(layer, shape, inputName);
    if (!Array.isArray(next)) return { index, ...next };
    shapes.push((shape = next));
  }
  if (shape.length !== 1) {
    const index = layers.length - 1;
    return { index, message: `the output layer needs vectors; the last layer gives ${describeShape(shape)}: end with flatten or globalAveragePooling2d` };
  }
  return shapes;
}

/** Trainable and non-trainable values of one layer with input `shape` (Keras's param count). */
export function layerParameterCounts(layer: ResolvedLayer, shape: readonly number[]): { trainable: number; state: number } {
  const channels = shape.at(-1)!;
  switch (layer.type) {
    case 'dense':
      return { trainable: channels * layer.units + (layer.useBias ? layer.units : 0), state: 0 };
    case 'conv2d':
      return { trainable: layer.kernelSize[0] * layer.kernelSize[1] * channels * layer.filters + (layer.useBias ? layer.filters : 0), state: 0 };
    case 'batchNormalization':
      // gamma and beta are trained; the moving mean and variance are state (per channel, or per feature).
      return { trainable: 2 * channels, state: 2 * channels };
    case 'maxPooling2d':
    case 'averagePooling2d':
    case 'flatten':
    case 'globalAveragePooling2d':
    case 'activation':
    case 'dropout':
    case 'spatialDropout2d':
    case 'gaussianDropout':
      return { trainable: 0, state: 0 };
  }
}
