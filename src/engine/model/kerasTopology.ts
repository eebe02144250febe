/**
 * A TF.js Layers topology (`model.toJSON()`, model.json's `modelTopology`, Keras's `tensorflowjs_converter` output)
 * read as the engine's layer list, so a model the user already has (model.from) or one their build() module returns
 * trains on the engine's own network: seeded masks, both inference rules, the custom-gradient products. Only what
 * the engine can reproduce exactly is accepted; anything else is an Error naming the layer and what is supported.
 * Pure: no TF.js, no I/O.
 */
import type { LayerActivation, LayerSpec, Task } from '../../core/spec';
import { inferShapes, resolveLayer } from './layerShapes';

export interface ImportedModel {
  /** The engine's layer list with the model's own output layer LAST (the engine must not append another). */
  layers: LayerSpec[];
  /** The model's name of each entry of `layers` (same index): kept in the exported model and used to map weights. */
  layerNames: string[];
  /** Per sample, without the batch dimension, e.g. [28, 28, 1] or [784]. */
  inputShape: number[];
  /** The output layer's activation as written (softmax/sigmoid/linear): checked against the dataset's task and classes. */
  outputActivation: string;
  outputUnits: number;
  /** Every Dropout-kind layer: its index in `layers`, its Keras layer name and the rate the model gives it. */
  dropoutLayers: { index: number; name: string; type: 'dropout' | 'spatialDropout2d' | 'gaussianDropout'; rate: number }[];
}

/** Keras class names the converter reads (InputLayer is skipped). */
export const SUPPORTED_CLASSES = [
  'InputLayer', 'Dense', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'GlobalAveragePooling2D', 'BatchNormalization',
  'Activation', 'Dropout', 'SpatialDropout2D', 'GaussianDropout',
] as const;

const ACTIVATIONS: readonly LayerActivation[] = ['relu', 'tanh', 'sigmoid', 'elu', 'linear', 'softmax'];

type Config = Record<string, unknown>;
interface RawLayer { className: string; name: string; config: Config }

const isObject = (value: unknown): value is Config => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Errors say where the topology came from and which layer is at fault. */
class TopologyReader {
  constructor(readonly where: string) {}

  fail(message: string, layer?: RawLayer): never {
    throw new Error(`${this.where}: ${layer ? `layer "${layer.name}" (${layer.className}): ` : ''}${message}`);
  }

  /** A config field by its Keras (snake_case) or TF.js (camelCase) name. */
  field(layer: RawLayer, snake: string): unknown {
    const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    return layer.config[snake] ?? layer.config[camel];
  }

  number(layer: RawLayer, snake: string, fallback?: number): number {
    const value = this.field(layer, snake) ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${snake} must be a number, not ${JSON.stringify(value)}`, layer);
    return value;
  }

  /** kernel_size, strides, pool_size: one number or [height, width]. */
  pair(layer: RawLayer, snake: string, fallback?: [number, number]): [number, number] {
    const value = this.field(layer, snake) ?? fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return [value, value];
    if (Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0)) {
      return [value[0] as number, value[1] as number];
    }
    return this.fail(`${snake} must be a positive integer or two, not ${JSON.stringify(value)}`, layer);
  }

  activation(layer: RawLayer): LayerActivation {
    const value = this.field(layer, 'activation') ?? 'linear';
    if (typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value)) return value as LayerActivation;
    return this.fail(`the activation ${JSON.stringify(value)} is not supported (supported: ${ACTIVATIONS.join(', ')})`, layer);
  }

  padding(layer: RawLayer): 'valid' | 'same' {
    const value = this.field(layer, 'padding') ?? 'valid';
    if (value === 'valid' || value === 'same') return value;
    return this.fail(`padding ${JSON.stringify(value)} is not supported (valid, same)`, layer);
  }

  channelsLast(layer: RawLayer): void {
    const format = this.field(layer, 'data_format');
    if (format !== undefined && format !== null && format !== 'channels_last') {
      this.fail(`data_format ${JSON.stringify(format)}: only channels_last is supported`, layer);
    }
  }

  rate(layer: RawLayer): number {
    const rate = this.number(layer, 'rate');
    if (rate < 0 || rate >= 1) this.fail(`rate ${rate} is not in [0, 1)`, layer);
    const noiseShape = this.field(layer, 'noise_shape');
    if (noiseShape !== undefined && noiseShape !== null) this.fail('a noise_shape is not supported (use SpatialDropout2D for whole channels)', layer);
    return rate;
  }

  /** The engine's layer, or undefined for InputLayer. */
  convert(layer: RawLayer): LayerSpec | undefined {
    switch (layer.className) {
      case 'InputLayer': return undefined;
      case 'Dense':
        return { type: 'dense', units: this.number(layer, 'units'), activation: this.activation(layer), useBias: this.field(layer, 'use_bias') !== false };
      case 'Conv2D': {
        this.channelsLast(layer);
        const dilation = this.field(layer, 'dilation_rate');
        if (dilation !== undefined && dilation !== null && this.pair(layer, 'dilation_rate').some((n) => n !== 1)) {
          this.fail('a dilation_rate other than 1 is not supported', layer);
        }
        const groups = this.field(layer, 'groups');
        if (groups !== undefined && groups !== null && groups !== 1) this.fail('groups other than 1 are not supported', layer);
        return {
          type: 'conv2d', filters: this.number(layer, 'filters'), kernelSize: this.pair(layer, 'kernel_size'), strides: this.pair(layer, 'strides', [1, 1]),
          padding: this.padding(layer), activation: this.activation(layer), useBias: this.field(layer, 'use_bias') !== false,
        };
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        this.channelsLast(layer);
        const poolSize = this.pair(layer, 'pool_size', [2, 2]);
        return {
          type: layer.className === 'MaxPooling2D' ? 'maxPooling2d' : 'averagePooling2d', poolSize,
          strides: this.pair(layer, 'strides', poolSize), padding: this.padding(layer),
        };
      }
      case 'Flatten': return { type: 'flatten' };
      case 'GlobalAveragePooling2D':
        this.channelsLast(layer);
        if (this.field(layer, 'keepdims') === true) this.fail('keepdims is not supported', layer);
        return { type: 'globalAveragePooling2d' };
      case 'BatchNormalization': {
        const axis = this.field(layer, 'axis');
        const single: unknown = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
        // Keras writes the last axis as -1 or as its positive index (3 for images, 1 for vectors), checked against the shape below.
        if (single !== undefined && single !== null && (typeof single !== 'number' || !Number.isInteger(single) || single === 0 || single < -1)) {
          this.fail(`axis ${JSON.stringify(axis)}: only the last (channel) axis is supported`, layer);
        }
        if (this.field(layer, 'center') === false || this.field(layer, 'scale') === false) this.fail('center and scale must both be true', layer);
        return { type: 'batchNormalization', momentum: this.number(layer, 'momentum', 0.99), epsilon: this.number(layer, 'epsilon', 0.001) };
      }
      case 'Activation': return { type: 'activation', activation: this.activation(layer) };
      case 'Dropout': return { type: 'dropout', rate: this.rate(layer) };
      case 'SpatialDropout2D': this.channelsLast(layer); return { type: 'spatialDropout2d', rate: this.rate(layer) };
      case 'GaussianDropout': return { type: 'gaussianDropout', rate: this.rate(layer) };
      default:
        return this.fail(`the class ${layer.className} is not supported (supported: ${SUPPORTED_CLASSES.join(', ')})`, layer);
    }
  }

  /** A batch shape [null, …dims] (batch_input_shape, batchInputShape, Keras 3's batch_shape) as the per-sample dims. */
  inputShapeOf(layer: RawLayer): number[] | undefined {
    const batch = this.field(layer, 'batch_input_shape') ?? this.field(layer, 'batch_shape');
    const shape = Array.isArray(batch) ? batch.slice(1) : this.field(layer, 'input_shape');
    if (shape === undefined || shape === null) return undefined;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0)) {
      return this.fail(`the input shape ${JSON.stringify(batch ?? shape)} must be fixed positive sizes after the batch dimension`, layer);
    }
    return shape as number[];
  }

  rawLayer(entry: unknown, index: number): RawLayer {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
      return this.fail(`layers[${index}] is not a layer ({ class_name, config })`);
    }
    const name = typeof entry.name === 'string' ? entry.name : typeof entry.config.name === 'string' ? entry.config.name : `layer_${index + 1}`;
    return { className: entry.class_name, name, config: entry.config };
  }
}

/** The names of the layers a functional layer reads (Keras 2 / TF.js `[[[name, 0, 0, {}]]]`, Keras 3 `keras_history`). */
function inboundNames(entry: Config): string[][] {
  const nodes = Array.isArray(entry.inbound_nodes) ? (entry.inbound_nodes as unknown[]) : [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node.map((tensor) => (Array.isArray(tensor) ? String(tensor[0]) : ''));
    const args = isObject(node) && Array.isArray(node.args) ? node.args : [];
    return (args as unknown[]).flat().map((arg) => {
      const history = isObject(arg) && isObject(arg.config) ? arg.config.keras_history : undefined;
      return Array.isArray(history) ? String(history[0]) : '';
    });
  });
}

/** A functional model's layers in the order data flows, when they form one chain from its input to its output. */
function chainOf(reader: TopologyReader, config: Config): unknown[] {
  const entries = Array.isArray(config.layers) ? (config.layers as unknown[]) : reader.fail('the model config has no layers list');
  const byName = new Map<string, Config>();
  entries.forEach((entry, index) => byName.set(reader.rawLayer(entry, index).name, entry as Config));
  const ends = (key: string): string[] => {
    const list = Array.isArray(config[key]) ? (config[key] as unknown[]) : [];
    // [[name, 0, 0]] (Keras 2, TF.js) or [name, 0, 0] (one tensor, Keras 3).
    return (list.length > 0 && typeof list[0] === 'string' ? [list] : list).map((tensor) => String((tensor as unknown[])[0]));
  };
  const [inputs, outputs] = [ends('input_layers'), ends('output_layers')];
  if (inputs.length !== 1 || outputs.length !== 1) {
    reader.fail(`the model has ${inputs.length} inputs and ${outputs.length} outputs; only one of each is supported`);
  }
  const chain: unknown[] = [];
  let name: string | undefined = outputs[0]!;
  while (name !== undefined) {
    const entry = byName.get(name) ?? reader.fail(`the model refers to a layer "${name}" it does not define`);
    chain.unshift(entry);
    const inbound = inboundNames(entry);
    if (inbound.length > 1) reader.fail(`layer "${name}" is called ${inbound.length} times; only a linear chain of layers is supported`);
    if ((inbound[0]?.length ?? 0) > 1) reader.fail(`layer "${name}" reads ${inbound[0]!.length} tensors; only a linear chain of layers is supported`);
    name = inbound[0]?.[0];
    if (chain.length > entries.length) reader.fail('the layers form a cycle');
  }
  if (chain.length !== entries.length) {
    const used = new Set(chain);
    const unused = entries.filter((entry) => !used.has(entry)).map((entry) => (entry as Config).name);
    reader.fail(`layers ${unused.map((n) => `"${String(n)}"`).join(', ')} are not on the path from the input to the output; only a linear chain is supported`);
  }
  if (byName.get(inputs[0]!) !== chain[0]) reader.fail(`the chain does not start at the model's input "${inputs[0]}"`);
  return chain;
}

/** The model config under the wrappers model.json and Keras use: modelTopology.model_config, { class_name, config }. */
function modelConfig(reader: TopologyReader, topology: unknown): { className: string; layers: unknown[]; config: Config } {
  let value = topology;
  if (isObject(value) && isObject(value.model_config)) value = value.model_config;
  if (!isObject(value) || typeof value.class_name !== 'string') return reader.fail('not a TF.js Layers model topology ({ class_name, config })');
  const { class_name: className, config } = value;
  if (className === 'Sequential') {
    // Keras before 2.2 wrote a Sequential's config as the layer list itself.
    const layers = Array.isArray(config) ? config
      : isObject(config) && Array.isArray(config.layers) ? config.layers : reader.fail('the Sequential model has no layers list');
    return { className, layers: layers as unknown[], config: isObject(config) ? config : {} };
  }
  if (className === 'Model' || className === 'Functional') {
    if (!isObject(config)) return reader.fail(`the ${className} model has no config`);
    return { className, layers: chainOf(reader, config), config };
  }
  return reader.fail(`the model class ${className} is not supported (Sequential, or a Model / Functional that is a linear chain)`);
}

/** The shapes fit (the preflight's messages, by layer name) and batch normalisation's axis is the last one. */
function checkShapes(reader: TopologyReader, layers: readonly LayerSpec[], sources: readonly RawLayer[], inputShape: readonly number[]): void {
  const resolved = layers.map((layer) => resolveLayer(layer, undefined, undefined));
  const shapes = inferShapes(resolved, inputShape, 'input');
  if (!Array.isArray(shapes)) reader.fail(shapes.message.replace('dataset input', "the model's input").replace(/model\.layers\[(\d+)\] \(\w+\)/g, (_, i: string) => `"${sources[Number(i)]!.name}"`), sources[shapes.index]);
  sources.forEach((raw, index) => {
    const axis = reader.field(raw, 'axis');
    const single: unknown = Array.isArray(axis) ? axis[0] : axis;
    const rank = (index === 0 ? inputShape : shapes[index - 1]!).length;
    if (raw.className === 'BatchNormalization' && typeof single === 'number' && single !== -1 && single !== rank) {
      reader.fail(`axis ${single} is not the last (channel) axis of its ${rank}-dimensional input; only the last axis is supported`, raw);
    }
  });
}

/** Where the model's input does not fit the dataset's samples, or undefined. */
export function inputMismatch(imported: Pick<ImportedModel, 'inputShape'>, data: { featureCount: number; imageShape?: readonly number[] }): string | undefined {
  const shape = imported.inputShape;
  const given = data.imageShape ? `images of ${data.imageShape.join('×')}` : `vectors of ${data.featureCount}`;
  if (shape.length === 1 ? shape[0] === data.featureCount : shape.join() === data.imageShape?.join()) return undefined;
  return `the model reads ${shape.length === 1 ? `vectors of ${shape[0]}` : `inputs of ${shape.join('×')}`}; the dataset gives ${given}`;
}

/**
 * Why the model's output does not fit the dataset (classification: softmax over exactly its classes; regression: one
 * linear unit), or undefined when it does.
 */
export function outputMismatch(model: Pick<ImportedModel, 'outputActivation' | 'outputUnits'>, task: Task, classCount: number): string | undefined {
  const { outputActivation: activation, outputUnits: units } = model;
  const written = `Dense(${units}, ${activation})`;
  if (task === 'regression') {
    return activation === 'linear' && units === 1 ? undefined : `the dataset is a regression: the output layer must be Dense(1, linear), not ${written}`;
  }
  if (activation === 'sigmoid') {
    return `the output layer is ${written}; the engine trains classification with softmax over the classes: use Dense(${classCount}, softmax)`;
  }
  if (activation !== 'softmax') return `the dataset has ${classCount} classes: the output layer must be Dense(${classCount}, softmax), not ${written}`;
  return units === classCount ? undefined : `the output layer has ${units} units but the dataset has ${classCount} classes`;
}

/** `where` names the source in messages (e.g. "model/model.json" or "model.mjs's build()"). Throws a clear Error. */
export function layersFromTopology(topology: unknown, where: string): ImportedModel {
  const reader = new TopologyReader(where);
  const { layers: entries } = modelConfig(reader, topology);
  const raws = entries.map((entry, index) => reader.rawLayer(entry, index));
  const layers: LayerSpec[] = [];
  const layerNames: string[] = [];
  const sources: RawLayer[] = [];
  let inputShape: number[] | undefined;
  for (const raw of raws) {
    inputShape ??= reader.inputShapeOf(raw);
    const layer = reader.convert(raw);
    if (layer) {
      layers.push(layer);
      layerNames.push(raw.name);
      sources.push(raw);
    }
  }
  if (!inputShape) return reader.fail('the model gives no input shape (an InputLayer, or batch_input_shape on its first layer)');
  checkShapes(reader, layers, sources, inputShape);
  // Dense(n) followed by Activation(softmax): one output layer, as the engine trains it (logits and its loss).
  const last = layers.at(-1);
  const beforeLast = layers.at(-2);
  if (last?.type === 'activation' && beforeLast?.type === 'dense' && beforeLast.activation === 'linear') {
    layers.splice(-2, 2, { ...beforeLast, activation: last.activation });
    layerNames.pop();
  }
  const output = layers.at(-1);
  if (output?.type !== 'dense') {
    return reader.fail(`the model must end with a Dense output layer; its last layer is ${output ? sources.at(-1)!.className : 'missing'}`);
  }
  const outputActivation = output.activation as string;
  if (!['softmax', 'sigmoid', 'linear'].includes(outputActivation)) {
    reader.fail(`its output activation is ${outputActivation}; an output layer is softmax (classification) or linear (regression)`, sources.at(-1));
  }
  // The engine's output is logits (its loss applies the softmax) or a linear prediction.
  layers[layers.length - 1] = { ...output, activation: 'linear' };
  const dropoutLayers: ImportedModel['dropoutLayers'] = [];
  layers.forEach((layer, index) => {
    if (layer.type === 'dropout' || layer.type === 'spatialDropout2d' || layer.type === 'gaussianDropout') {
      dropoutLayers.push({ index, name: layerNames[index]!, type: layer.type, rate: layer.rate as number });
    }
  });
  return { layers, layerNames, inputShape, outputActivation, outputUnits: output.units as number, dropoutLayers };
}
