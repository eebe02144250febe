/** Helpers for the model-export tests: engine predictions from given weights, and loading a saved model folder. */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createNetwork, featureCountOf, type NetworkConfig } from '../../src/engine/model/network';
import type { SavedTensor } from '../../src/engine/train/loop';
import { modelFiles } from '../../src/store/layout';

/**
 * The engine's deterministic predictions (its inference rule for config.style) with `weights`: softmax
 * probabilities for classification (`classification` true), the raw output otherwise. Rows of `x` flattened.
 */
export function enginePredictions(config: NetworkConfig, weights: SavedTensor[], x: Float32Array, classification: boolean): Float32Array {
  const network = createNetwork(config, 0);
  const featureCount = featureCountOf(config);
  try {
    network.weights.forEach((variable, i) => tf.tidy(() => variable.assign(tf.tensor(weights[i]!.values, weights[i]!.shape, 'float32'))));
    return tf.tidy(() => {
      const output = network.forward(tf.tensor2d(x, [x.length / featureCount, featureCount]), { kind: 'deterministic' });
      return (classification ? tf.softmax(output) : output).dataSync() as Float32Array;
    });
  } finally {
    network.dispose();
  }
}

/** tf.loadLayersModel on `<dir>/model.json` + its weights file, read from disk by a custom IO handler. */
export async function loadModelFolder(dir: string): Promise<tf.LayersModel> {
  const files = modelFiles(dir);
  const modelJson = JSON.parse(fs.readFileSync(files.json, 'utf8')) as tf.io.ModelJSON;
  return tf.loadLayersModel({
    load: () => tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
      const weightSpecs = manifest.flatMap((group) => group.weights);
      const buffers = manifest.flatMap((group) => group.paths).map((file) => {
        const data = fs.readFileSync(`${dir}/${file}`);
        return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      });
      return [weightSpecs, tf.io.concatenateArrayBuffers(buffers)];
    }),
  });
}

/** The model's predictions (inference mode: dropout is the identity) for rows `x`. */
export function modelPredictions(model: tf.LayersModel, x: Float32Array, featureCount: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(x, [x.length / featureCount, featureCount])) as tf.Tensor).dataSync() as Float32Array);
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}
