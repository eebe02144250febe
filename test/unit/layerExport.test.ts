/**
 * Exporting a trained layer list as a TF.js Layers model with Keras's class names: predict() equals the engine's
 * deterministic rule for both styles (the standard style's keep folded into the next kernel, or a Rescaling layer
 * where it cannot move), batch normalisation's moving statistics included, and the saved model.json loads back.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { layersModelArtifacts, type ModelMetadata } from '../../src/engine/model/export';
import { buildLayerListModel } from '../../src/engine/model/layerExport';
import type { LayerListConfig, ResolvedLayer } from '../../src/engine/model/layerShapes';
import { createNetwork } from '../../src/engine/model/network';
import { createRng } from '../../src/engine/random';
import type { SavedTensor } from '../../src/engine/train/loop';
import type { DropoutStyle } from '../../src/core/spec';
import { enginePredictions, maxAbsDifference } from '../support/models';
import { testBackend } from '../support/backend';

before(async () => {
  assert.equal((await initBackend(testBackend)).name, testBackend);
});

/** conv → spatial dropout → max pool → batch norm → dropout → tanh → average pool → flatten → Gaussian dropout → dense. */
const layers: ResolvedLayer[] = [
  { type: 'conv2d', filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true },
  { type: 'spatialDropout2d', rate: 0.3 },
  { type: 'maxPooling2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
  { type: 'batchNormalization', momentum: 0.9, epsilon: 0.001 },
  // Before a tanh: keep·x cannot move to a kernel, so the standard style needs a Rescaling layer here.
  { type: 'dropout', rate: 0.2 },
  { type: 'activation', activation: 'tanh' },
  { type: 'averagePooling2d', poolSize: [2, 2], strides: [1, 1], padding: 'same' },
  { type: 'flatten' },
  { type: 'gaussianDropout', rate: 0.4 },
  { type: 'dense', units: 5, activation: 'elu', useBias: false },
];
const config = (style: DropoutStyle): LayerListConfig => ({ kind: 'layers', inputShape: [6, 6, 2], layers, outputUnits: 4, style });

/** A seeded network's weights with every tensor made non-trivial (biases, γ, β, moving mean and a positive variance). */
function weightsOf(style: DropoutStyle): SavedTensor[] {
  const network = createNetwork(config(style), 3);
  const rng = createRng(4);
  const weights = network.weights.map((variable, index): SavedTensor => {
    const values = Float32Array.from(variable.dataSync(), (value) => (variable.rank === 1 ? 0.5 + rng.next() : value));
    return { name: `weight/${index}`, shape: [...variable.shape], dtype: 'float32', values };
  });
  network.dispose();
  return weights;
}

function predict(model: tf.LayersModel, x: Float32Array): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(x, [x.length / 72, 6, 6, 2])) as tf.Tensor).dataSync() as Float32Array);
}

const rows = (): Float32Array => {
  const rng = createRng(5);
  return Float32Array.from({ length: 7 * 72 }, () => rng.normal());
};

describe('layer-list export', () => {
  for (const style of ['inverted', 'standard'] as const) {
    test(`${style}: predict() is the engine's deterministic rule`, () => {
      const weights = weightsOf(style);
      const model = buildLayerListModel(config(style), weights, 'classification');
      try {
        // Float32 sums of at most 18 products, in a different order: 1e-5 on probabilities.
        const difference = maxAbsDifference(predict(model, rows()), enginePredictions(config(style), weights, rows(), true));
        assert.ok(difference < 1e-5, `max difference ${difference}`);
        const classes = model.layers.map((layer) => layer.getClassName());
        assert.deepEqual(classes, [
          'Conv2D', 'SpatialDropout2D', ...(style === 'standard' ? ['Rescaling'] : []), 'MaxPooling2D', 'BatchNormalization', 'Dropout',
          ...(style === 'standard' ? ['Rescaling'] : []), 'Activation', 'AveragePooling2D', 'Flatten', 'GaussianDropout', 'Dense', 'Dense',
        ]);
      } finally {
        model.dispose();
      }
    });
  }

  test('standard: keep folded into the next kernel where it can move there, a Rescaling layer where it cannot', () => {
    const weights = weightsOf('standard');
    const model = buildLayerListModel(config('standard'), weights, 'classification');
    try {
      // Gaussian dropout (0.4) is followed directly by the dense layer: its kernel is exported as 0.6·W.
      // network.weights: conv kernel, conv bias, γ, β, the dense kernel (no bias), output kernel and bias; moving stats.
      const exported = model.layers.find((layer) => layer.name === 'dense_1')!.getWeights()[0]!.dataSync();
      const trained = weights[4]!.values;
      assert.ok(Array.from(exported).every((value, i) => Math.abs(value - 0.6 * trained[i]!) < 1e-7));
      // Spatial dropout (0.3) meets batch normalisation and dropout (0.2) a tanh before any kernel: each gets a Rescaling.
      const rescalings = model.layers.filter((layer) => layer.getClassName() === 'Rescaling').map((layer) => [layer.name, layer.getConfig().scale]);
      assert.deepEqual(rescalings, [['keep_1', 0.7], ['keep_4', 0.8]]);
    } finally {
      model.dispose();
    }
  });

  for (const style of ['inverted', 'standard'] as const) test(`${style}: model.json loads back (SpatialDropout2D registered), same predictions`, async () => {
    const weights = weightsOf(style);
    const model = buildLayerListModel(config(style), weights, 'classification');
    const metadata = { format: 1, experiment: 'x' } as unknown as ModelMetadata;
    const artifacts = await layersModelArtifacts(model, metadata);
    const json = JSON.parse(artifacts.modelJson) as { modelTopology: { config: { layers: { class_name: string }[] } } };
    assert.ok(json.modelTopology.config.layers.some((layer) => layer.class_name === 'SpatialDropout2D'));
    const parsed = JSON.parse(artifacts.modelJson) as tf.io.ModelJSON;
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: parsed.modelTopology, weightSpecs: parsed.weightsManifest[0]!.weights, weightData: artifacts.weights.slice().buffer,
    }));
    try {
      assert.ok(maxAbsDifference(predict(loaded, rows()), predict(model, rows())) < 1e-6);
    } finally {
      loaded.dispose();
      model.dispose();
    }
  });
});
