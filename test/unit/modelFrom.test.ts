/**
 * model.from end to end inside one process: a tf.LayersModel saved with tf.io.withSaveHandler, read back through a
 * DataFiles of memory, checked by the preflight (positioned problems), its dropout layers named and merged into the
 * space, pretrained weights giving the engine the same first deterministic forward pass as tf.loadLayersModel's
 * predict, fresh weights reproducible from the seed, and the export keeping the model's layer names.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/datasets';
import type { DataFiles } from '../../src/engine/datasets/types';
import { DEFAULT_LIMITS } from '../../src/engine/model/estimate';
import { buildLayerListModel } from '../../src/engine/model/layerExport';
import type { LayerListConfig } from '../../src/engine/model/layerShapes';
import { ownModelOf, readModelFile } from '../../src/engine/model/modelFile';
import { dropoutHpNames, resolveImportedSpec, resolveModelSpace } from '../../src/engine/model/modelSpace';
import { createNetwork, networkConfig } from '../../src/engine/model/network';
import { preflight, resolveSpecModel } from '../../src/engine/preflight';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { runTitle } from '../../src/extension/codeLensModel';
import * as fs from 'node:fs';
import { repoRoot } from '../../scripts/e2e/codeServer';
import { enginePredictions, maxAbsDifference, modelPredictions } from '../support/models';

before(async () => {
  assert.equal((await initBackend('cpu')).name, 'cpu');
});

/** model.json + weights.bin of `model`, as tf.io would write them to `folder`. */
async function savedFiles(model: tf.LayersModel, folder = 'model'): Promise<Map<string, string | Uint8Array>> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const json = {
    modelTopology: artifacts!.modelTopology, format: artifacts!.format, generatedBy: artifacts!.generatedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }],
  };
  return new Map<string, string | Uint8Array>([
    [`${folder}/model.json`, JSON.stringify(json)], [`${folder}/weights.bin`, new Uint8Array(artifacts!.weightData as ArrayBuffer)],
  ]);
}

/** DataFiles over `files` (paths normalised as the spec's folder would resolve them); moons needs none. */
function memoryFiles(files: Map<string, string | Uint8Array>): DataFiles {
  const get = (relative: string): string | Uint8Array => {
    const content = files.get(path.posix.normalize(relative));
    if (content === undefined) throw new Error(`file not found: ${relative}`);
    return content;
  };
  return {
    ...workspaceFiles(os.tmpdir()),
    read: (relative) => ({ file: relative, text: get(relative) as string }),
    bytes: (relative) => ({ file: relative, bytes: get(relative) as Uint8Array }),
  };
}

/** dense relu → Dropout → BatchNormalization → dense tanh → GaussianDropout → dense softmax, with every weight non-trivial. */
function moonsModel(outputUnits = 2): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 16, activation: 'relu', name: 'hidden_1' }),
      tf.layers.dropout({ rate: 0.3, name: 'drop_a' }),
      tf.layers.batchNormalization({ momentum: 0.9, name: 'norm' }),
      tf.layers.dense({ units: 8, activation: 'tanh', name: 'hidden_2' }),
      tf.layers.gaussianDropout({ rate: 0.12, name: 'noise' }),
      tf.layers.dense({ units: outputUnits, activation: 'softmax', name: 'out' }),
    ],
  });
  model.setWeights(model.weights.map((weight, i) => (weight.name.includes('moving_variance')
    ? tf.randomUniform(weight.shape as number[], 0.5, 1.5, 'float32', i)
    : tf.randomNormal(weight.shape as number[], 0, 0.5, 'float32', i))));
  return model;
}

function specOf(json: Record<string, unknown>): { spec: ExperimentSpec; text: string } {
  const text = JSON.stringify({
    name: 'from', dataset: { type: 'moons', samples: 200 }, model: { from: './model/model.json', weights: 'pretrained' },
    sweep: { strategy: 'hyperband', maxEpochs: 3 }, ...json,
  }, null, 2);
  const { spec, problems } = parseSpec(text);
  assert.ok(spec, JSON.stringify(problems));
  return { spec, text };
}

describe('model.from', () => {
  test('pretrained: the engine\'s first deterministic pass is tf.loadLayersModel\'s predict (1e-5); the export keeps names', async () => {
    const model = moonsModel();
    const files = await savedFiles(model);
    const { spec, text } = specOf({});
    const data = memoryFiles(files);
    assert.deepEqual(preflight(spec, 'from.dropout.json', text, DEFAULT_LIMITS, data), []);
    const resolved = resolveSpecModel(spec, data);
    assert.deepEqual(resolved.model.dropoutHps, ['dropout_1', 'dropout_2']);
    const own = ownModelOf(resolved, data)!;
    const dataset = loadDataset(spec.dataset, { seed: 1, files: data });
    const config = networkConfig(resolved, dataset, { ownModel: own.ownModel, hp: { dropout_1: 0.5, dropout_2: 0.1 } }) as LayerListConfig;
    assert.equal(config.ownOutputLayer, true);
    assert.deepEqual(config.layers.filter((layer) => 'rate' in layer).map((layer) => (layer as { rate: number }).rate), [0.5, 0.1]);

    const json = JSON.parse(files.get('model/model.json') as string) as tf.io.ModelJSON;
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights,
      weightData: (files.get('model/weights.bin') as Uint8Array).slice().buffer,
    }));
    const x = new Float32Array(Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) * 2));
    const expected = modelPredictions(loaded, x, 2);
    assert.ok(maxAbsDifference(enginePredictions(config, own.initialWeights!, x, true), expected) < 1e-5);
    assert.equal(createNetwork(config, 0).parameterCount, model.countParams());

    const exported = buildLayerListModel(config, own.initialWeights!, 'classification');
    assert.deepEqual(exported.layers.map((layer) => layer.name), ['hidden_1', 'drop_a', 'norm', 'hidden_2', 'noise', 'out']);
    assert.ok(maxAbsDifference(modelPredictions(exported, x, 2), expected) < 1e-5);
    for (const disposable of [model, loaded, exported]) disposable.dispose();
  });

  test('fresh: seeded initial weights, reproducible, shaped as the file\'s', async () => {
    const model = moonsModel();
    const data = memoryFiles(await savedFiles(model));
    const { spec } = specOf({ model: { from: './model/model.json' } });
    const resolved = resolveSpecModel(spec, data);
    const own = ownModelOf(resolved, data)!;
    assert.equal(own.initialWeights, undefined);
    const dataset = loadDataset(spec.dataset, { seed: 1, files: data });
    const config = networkConfig(resolved, dataset, { ownModel: own.ownModel, hp: { dropout_1: 0, dropout_2: 0 } });
    const values = (seed: number): number[][] => {
      const network = createNetwork(config, seed);
      const result = network.weights.map((weight) => Array.from(weight.dataSync()));
      network.dispose();
      return result;
    };
    assert.deepEqual(values(7), values(7));
    assert.notDeepEqual(values(7)[0], values(8)[0]);
    assert.deepEqual(createNetwork(config, 7).weights.map((w) => w.shape), model.weights.map((w) => w.shape));
    model.dispose();
  });

  test('the dropout names (by position, or by layer name in sweep.space) and the merged space', async () => {
    const data = memoryFiles(await savedFiles(moonsModel()));
    const { imported } = readModelFile('./model/model.json', data, { weights: false });
    assert.deepEqual(dropoutHpNames(imported, undefined), ['dropout_1', 'dropout_2']);
    const { spec } = specOf({
      training: { learningRate: { hp: 'lr' } },
      sweep: { strategy: 'hyperband', maxEpochs: 3, space: { noise: { type: 'choice', values: [0, 0.2] }, lr: { type: 'choice', values: [0.01, 0.001] } } },
    });
    const resolved = resolveImportedSpec(spec, imported);
    assert.deepEqual(resolved.model.dropoutHps, ['dropout_1', 'noise']);
    assert.deepEqual(resolved.sweep.space, {
      dropout_1: { type: 'float', min: 0, max: 0.8, step: 0.1, sampling: 'linear', default: 0.3 },
      noise: { type: 'choice', values: [0, 0.2], default: 0 },
      lr: { type: 'choice', values: [0.01, 0.001], default: 0.01 },
    });
    // random draws again over the whole space, reproducibly.
    const random = specOf({ sweep: { strategy: 'random', samples: 5 } }).spec;
    const drawn = resolveModelSpace(random, { a: { type: 'choice', values: [0, 0.5], default: 0 }, b: { type: 'choice', values: [0, 0.25, 0.5], default: 0 } });
    assert.equal(drawn.sweep.drawnConfigs!.length, 5);
    assert.deepEqual(drawn.sweep.drawnConfigs, resolveModelSpace(random, drawn.sweep.space!).sweep.drawnConfigs);
  });

  test('preflight problems at model.from: no dropout, output against the dataset, a missing file; an unused override at its entry', async () => {
    const check = async (model: tf.LayersModel, json: Record<string, unknown> = {}) => {
      const { spec, text } = specOf(json);
      return preflight(spec, 'from.dropout.json', text, DEFAULT_LIMITS, memoryFiles(await savedFiles(model)))
        .map((p) => ({ path: p.path, message: p.message, line: p.line }));
    };
    const plain = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: 'relu', name: 'h' }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'o' })],
    });
    assert.deepEqual(await check(plain), [{
      path: 'model.from', line: 8,
      message: 'the model has no dropout layer, so there is no rate to search: dropout could go after "h" (layers[0], Dense 4): '
        + 'add tf.layers.dropout({ rate: 0.2 }) (or a spatialDropout2d after a conv layer) there and save the model again',
    }]);
    assert.deepEqual(await check(moonsModel(3)), [{
      path: 'model.from', line: 8, message: './model/model.json: the output layer has 3 units but the dataset has 2 classes',
    }]);
    assert.match((await check(moonsModel(), { model: { from: './other/model.json' } }))[0]!.message, /^file not found: \.\/other\/model\.json/);
    const unused = await check(moonsModel(), { sweep: { strategy: 'hyperband', maxEpochs: 3, space: { dropout_3: { type: 'float', min: 0, max: 0.5 } } } });
    assert.equal(unused[0]!.path, 'sweep.space.dropout_3');
    assert.equal(unused[0]!.message, 'the hyperparameter "dropout_3" is not used: no field refers to it and ./model/model.json has no dropout '
      + 'layer it names (did you mean "dropout_1"? its dropout layers are dropout_1, dropout_2, or by layer name: drop_a, noise)');
    plain.dispose();
    const { spec, text } = specOf({});
    const [limit] = preflight(spec, 'from.dropout.json', text, { ...DEFAULT_LIMITS, maxParameters: 100 }, memoryFiles(await savedFiles(moonsModel())));
    assert.equal(limit!.path, 'model.from');
    assert.deepEqual(await check(moonsModel(), { sweep: { maxTrials: 50 } }), [{
      path: 'sweep.maxTrials', line: 12,
      message: './model/model.json\'s hyperparameters (dropout_1, dropout_2) give the grid 81 trials, more than sweep.maxTrials 50: '
        + 'narrow their ranges in sweep.space, or use strategy "random" (samples) or "hyperband"',
    }]);
    assert.deepEqual(await check(moonsModel(), { sweep: { strategy: 'random', samples: 100 } }), [{
      path: 'sweep.samples', line: 13, message: 'cannot draw 100 distinct configurations from a space of 81: use fewer samples',
    }]);
    assert.equal(moonsModel().countParams(), 266);
    assert.match(limit!.message, /^the model has 266 parameters \(5 layers and the output layer\), more than the limit of 100/);
  });

  test('examples/pretrained from its folder: weights read beside model.json, the lens counts the model\'s space; nothing outside the folder', () => {
    const folder = path.join(repoRoot, 'examples', 'pretrained');
    const files = workspaceFiles(folder);
    const { spec } = specOf({});
    const text = fs.readFileSync(path.join(folder, 'pretrained.dropout.json'), 'utf8');
    const example = parseSpec(text).spec!;
    assert.equal(runTitle(resolveSpecModel(example, files)), 'Run Hyperband (81 configurations, max 9 epochs, factor 3)');
    const own = ownModelOf(resolveSpecModel(spec, files), files)!;
    assert.deepEqual(own.initialWeights!.map((w) => w.name), [
      'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'output/kernel', 'output/bias',
    ]);
    assert.throws(() => files.bytes('../moons.dropout.json', 'path'), /the data path must stay inside the spec's folder/);
  });
});

