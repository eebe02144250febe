/**
 * An existing TF.js Layers model (model.from): its model.json and weight files read through DataFiles (relative to
 * the spec's folder and confined to it; weight paths relative to model.json), the topology converted
 * (kerasTopology.ts), and for `weights: "pretrained"` the float32 weights mapped onto the engine's network by layer
 * order and weight name. Pure apart from DataFiles, and free of TF.js: the preflight runs it in the extension host.
 */
import * as path from 'node:path';
import type { DataFiles } from '../datasets/types';
import type { ExperimentSpec } from '../../core/spec';
import { withDropoutHps } from './modelSpace';
import { layersFromTopology, type ImportedModel } from './kerasTopology';
import { inferShapes, resolveLayer, STATE, TRAINABLE, weightLayout, withOutputLayer, type LayerListConfig, type ParameterName } from './layerShapes';

/** A weight as the file holds it (the shape of the training loop's SavedTensor, so it can initialise a network). */
export interface FileTensor {
  name: string;
  shape: number[];
  dtype: 'float32';
  values: Float32Array;
}

export interface ModelFile {
  imported: ImportedModel;
  /** The manifest's weights in its order; read only when asked for. */
  weights?: FileTensor[];
}

interface ManifestEntry { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown }
interface ManifestGroup { paths?: unknown; weights?: unknown }

/** The decoded weights of every manifest group: each group's files concatenated, its weights laid out in order. */
function readWeights(manifest: unknown, from: string, files: DataFiles): FileTensor[] {
  if (!Array.isArray(manifest)) throw new Error(`${from}: the model has no weightsManifest, so it has no weights to start from`);
  const folder = path.posix.dirname(from.replace(/\\/g, '/'));
  const tensors: FileTensor[] = [];
  for (const group of manifest as ManifestGroup[]) {
    const paths = Array.isArray(group.paths) ? (group.paths as unknown[]) : [];
    const parts = paths.map((p) => files.bytes(path.posix.join(folder, String(p)), 'path').bytes);
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    parts.reduce((offset, part) => (bytes.set(part, offset), offset + part.length), 0);
    let offset = 0;
    for (const entry of (Array.isArray(group.weights) ? group.weights : []) as ManifestEntry[]) {
      const name = String(entry.name);
      if (entry.quantization) throw new Error(`${from}: the weight "${name}" is quantized; only float32 weights are read (convert without quantization)`);
      if (entry.dtype !== 'float32') throw new Error(`${from}: the weight "${name}" is ${String(entry.dtype)}; only float32 weights are read`);
      const shape = Array.isArray(entry.shape) ? entry.shape.map(Number) : [];
      const size = shape.reduce((product, n) => product * n, 1);
      if (offset + size * 4 > bytes.length) {
        throw new Error(`${from}: the weight files of ${paths.map(String).join(', ')} end before the weight "${name}" (${bytes.length} bytes)`);
      }
      // A copy: the bytes of a Float32Array must start at a multiple of 4.
      tensors.push({ name, shape, dtype: 'float32', values: new Float32Array(bytes.slice(offset, offset + size * 4).buffer) });
      offset += size * 4;
    }
  }
  return tensors;
}

/** Reads and converts the model at `from` (as the spec writes it); with `weights`, decodes its weight files too. Throws clear Errors. */
export function readModelFile(from: string, files: DataFiles, options: { weights: boolean }): ModelFile {
  const { text } = files.read(from, 'path');
  let json: { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (error) {
    throw new Error(`${from} is not JSON: ${(error as Error).message}`);
  }
  if (json.format === 'graph-model') {
    throw new Error(`${from} is a TF.js graph model (a frozen graph), not a Layers model: save it from Keras or tf.LayersModel`);
  }
  if (!json.modelTopology) throw new Error(`${from} has no modelTopology: is it a TF.js Layers model.json?`);
  const imported = layersFromTopology(json.modelTopology, from);
  return { imported, ...(options.weights ? { weights: readWeights(json.weightsManifest, from, files) } : {}) };
}

/** Keras's name of each parameter the engine holds. */
const KERAS_NAMES: Record<ParameterName, string> = {
  kernel: 'kernel', bias: 'bias', gamma: 'gamma', beta: 'beta', movingMean: 'moving_mean', movingVariance: 'moving_variance',
};

/** The network's layer list of an imported model (its own rates, its own output layer). */
export function importedLayerList(imported: ImportedModel): LayerListConfig {
  return {
    kind: 'layers', inputShape: imported.inputShape, layers: imported.layers.map((layer) => resolveLayer(layer, undefined, 0)),
    outputUnits: imported.outputUnits, style: 'inverted', ownOutputLayer: true, layerNames: imported.layerNames,
  };
}

/**
 * The file's weights in network.weights order (trainable in layer order, then batch normalisation's moving
 * statistics; tf.LayersModel saves them so), found by layer name and weight name (`dense_1/kernel`, also under a
 * prefix or with `:0`), or else by position when the file has exactly the weights the network needs. Shapes checked.
 */
export function pretrainedWeights(imported: ImportedModel, weights: readonly FileTensor[], from: string): FileTensor[] {
  const config = importedLayerList(imported);
  const layers = withOutputLayer(config);
  const shapes = inferShapes(layers, config.inputShape, 'input') as number[][];
  const inputShapes = [config.inputShape, ...shapes];
  const layout = weightLayout(config);
  const needed: { layer: number; name: ParameterName; shape: number[] }[] = [];
  for (const names of [TRAINABLE, STATE]) {
    layout.forEach((at, index) => {
      const layer = layers[index]!;
      const channels = inputShapes[index]!.at(-1)!;
      for (const name of names) {
        if (at[name] === undefined) continue;
        const shape = layer.type === 'dense' ? (name === 'kernel' ? [channels, layer.units] : [layer.units])
          : layer.type === 'conv2d' ? (name === 'kernel' ? [...layer.kernelSize, channels, layer.filters] : [layer.filters])
          : [channels];
        needed.push({ layer: index, name, shape });
      }
    });
  }
  const byName = (layer: number, name: ParameterName): FileTensor | undefined => {
    const suffix = `${imported.layerNames[layer]}/${KERAS_NAMES[name]}`;
    return weights.find((w) => {
      const written = w.name.replace(/:0$/, '');
      return written === suffix || written.endsWith(`/${suffix}`);
    });
  };
  const found = needed.map(({ layer, name }) => byName(layer, name));
  const positional = found.some((w) => w === undefined);
  if (positional && weights.length !== needed.length) {
    const missing = needed[found.findIndex((w) => w === undefined)]!;
    throw new Error(`${from}: no weight "${imported.layerNames[missing.layer]}/${KERAS_NAMES[missing.name]}" in its weightsManifest, `
      + `and it lists ${weights.length} weights where the model needs ${needed.length}`);
  }
  return needed.map(({ layer, name, shape }, index) => {
    const weight = positional ? weights[index]! : found[index]!;
    if (weight.shape.join() !== shape.join()) {
      throw new Error(`${from}: the weight "${weight.name}" has shape [${weight.shape.join(', ')}]; `
        + `layer "${imported.layerNames[layer]}" needs its ${KERAS_NAMES[name]} as [${shape.join(', ')}]`);
    }
    return weight;
  });
}

/**
 * What a trainer trains for a model.from spec: the model with each dropout rate its hyperparameter (the resolved
 * spec's model.dropoutHps) and, for `weights: "pretrained"`, the file's weights in network order.
 */
export function ownModelOf(spec: ExperimentSpec, files: DataFiles): { ownModel: ImportedModel; initialWeights?: FileTensor[] } | undefined {
  const { from, weights, dropoutHps } = spec.model;
  if (from === undefined) return undefined;
  const file = readModelFile(from, files, { weights: weights === 'pretrained' });
  const ownModel = withDropoutHps(file.imported, dropoutHps ?? []);
  return { ownModel, ...(file.weights ? { initialWeights: pretrainedWeights(file.imported, file.weights, from) } : {}) };
}
