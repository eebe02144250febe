/**
 * Model export: the TF.js Layers model built from the engine's weights (standard-style folding W_test = p·W, the
 * standardisation layer, the layer structure), its files, the loop's choice of the best epoch's weights and the
 * choice of the sweep's best trial.
 */
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/datasets';
import { buildLayersModel, layersModelArtifacts, trialModelMetadata, type ModelMetadata } from '../../src/engine/model/export';
import { createMlp, disposeMlp, type MlpConfig } from '../../src/engine/model/mlp';
import { createRng } from '../../src/engine/random';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/engine/train/checkpoint';
import { writeModelFiles } from '../../src/store/modelFiles';
import { readCheckpointFiles, writeCheckpointFiles } from '../../src/store/checkpoints';
import { trainTrial, type PausedTrial, type SavedTensor, type TrainedModel } from '../../src/engine/train/loop';
import { isTrainerCommand } from '../../src/protocol/trainer';
import { isFromPanelMessage } from '../../src/protocol/panelView';
import { type EpochMetrics, type TrialPlan } from '../../src/core/trial';
import { chooseBestModel } from '../../src/store/bestModel';
import type { TrialRecord } from '../../src/core/records';
import { enginePredictions, loadModelFolder, maxAbsDifference, modelPredictions } from '../support/models';
import { tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

before(async () => {
  assert.equal((await initBackend(testBackend)).name, testBackend);
});

const config = (style: MlpConfig['style']): MlpConfig => ({
  featureCount: 3, hidden: [8, 6], outputUnits: 4, activation: 'tanh', style, inputRate: 0.2, hiddenRate: 0.5,
});

/** A seeded MLP's initial weights as host data (kernels, biases: biases made non-zero so they are exercised). */
function weightsOf(mlpConfig: MlpConfig, seed: number): SavedTensor[] {
  const mlp = createMlp(mlpConfig, seed);
  const rng = createRng(seed + 100);
  const weights = mlp.variables.map((variable, index): SavedTensor => {
    const values = variable.dataSync() as Float32Array;
    return {
      name: `weight/${index}`, shape: [...variable.shape], dtype: 'float32',
      values: variable.rank === 1 ? values.map(() => rng.next() - 0.5) : Float32Array.from(values),
    };
  });
  disposeMlp(mlp);
  return weights;
}

function randomRows(count: number, features: number, seed: number, scale = 1, offset = 0): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * features }, () => offset + scale * rng.normal());
}

describe('model export', () => {
  for (const style of ['inverted', 'standard'] as const) {
    test(`${style}: the Layers model predicts what the engine's deterministic rule predicts`, () => {
      const weights = weightsOf(config(style), 7);
      const x = randomRows(50, 3, 1);
      const model = buildLayersModel(config(style), weights, 'classification');
      const difference = maxAbsDifference(modelPredictions(model, x, 3), enginePredictions(config(style), weights, x, true));
      model.dispose();
      assert.ok(difference <= 1e-6, `max |Δ probability| = ${difference}`);
    });
  }

  test('standard: each kernel is p·W for the keep probability p = 1 − rate of the dropout before it; biases are not scaled', () => {
    const weights = weightsOf(config('standard'), 7);
    const model = buildLayersModel(config('standard'), weights, 'classification');
    const exported = model.getWeights().map((tensor) => tensor.dataSync() as Float32Array);
    const keeps = [0.8, 0.5, 0.5]; // inputRate 0.2, then hiddenRate 0.5 before the two later layers
    keeps.forEach((keep, layer) => {
      const kernel = weights[2 * layer]!.values;
      assert.ok(maxAbsDifference(exported[2 * layer]!, kernel.map((w) => w * keep) as Float32Array) <= 1e-7, `kernel ${layer}`);
      assert.deepEqual(exported[2 * layer + 1], weights[2 * layer + 1]!.values, `bias ${layer}`);
    });
    // The same weights unfolded would not reproduce the engine: the folding is what makes them agree.
    const unfolded = buildLayersModel(config('inverted'), weights, 'classification');
    const x = randomRows(50, 3, 2);
    assert.ok(maxAbsDifference(modelPredictions(unfolded, x, 3), enginePredictions(config('standard'), weights, x, true)) > 1e-3);
    model.dispose();
    unfolded.dispose();
  });

  test('Keras layout: dropout layers (rate = drop probability) before each dense layer after a place with rate > 0, softmax output', () => {
    const model = buildLayersModel({ ...config('inverted'), inputRate: 0 }, weightsOf(config('inverted'), 1), 'classification');
    const layers = model.layers.map((layer) => {
      const c = layer.getConfig();
      return `${layer.getClassName()}${c.rate !== undefined ? `(${c.rate})` : ''}${c.activation ? `:${c.activation}` : ''}`;
    });
    assert.deepEqual(layers, ['Dense:tanh', 'Dropout(0.5)', 'Dense:tanh', 'Dropout(0.5)', 'Dense:softmax']);
    model.dispose();
  });

  test('standardised inputs: a frozen first layer applies (x − mean)/std, so the model takes raw features', () => {
    const standardization = { mean: [10, -3, 0.5], std: [2, 0.25, 1] };
    const weights = weightsOf(config('standard'), 3);
    const raw = randomRows(40, 3, 4, 3, 5);
    const standardised = raw.map((value, i) => (value - standardization.mean[i % 3]!) / standardization.std[i % 3]!);
    const model = buildLayersModel(config('standard'), weights, 'classification', standardization);
    assert.equal(model.layers[0]!.name, 'standardize');
    assert.equal(model.layers[0]!.trainable, false);
    const difference = maxAbsDifference(modelPredictions(model, raw, 3), enginePredictions(config('standard'), weights, standardised, true));
    model.dispose();
    assert.ok(difference <= 1e-5, `max |Δ| = ${difference}`);
  });

  test('regression: a linear output equal to the engine\'s', () => {
    const regression = { ...config('standard'), outputUnits: 1 };
    const weights = weightsOf(regression, 5);
    const x = randomRows(30, 3, 6);
    const model = buildLayersModel(regression, weights, 'regression');
    const difference = maxAbsDifference(modelPredictions(model, x, 3), enginePredictions(regression, weights, x, false));
    model.dispose();
    assert.ok(difference <= 1e-5, `max |Δ| = ${difference}`);
  });

  test('saved as model.json + weights.bin that tf.loadLayersModel reads back, metadata included, no temporary files left', async () => {
    const dir = path.join(tempDir(), 'model');
    const weights = weightsOf(config('standard'), 9);
    const model = buildLayersModel(config('standard'), weights, 'classification');
    const metadata = { format: 1, experiment: 'unit', trialId: 't', epoch: 4 } as ModelMetadata;
    writeModelFiles(dir, await layersModelArtifacts(model, metadata));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
    const bytes = weights.reduce((sum, weight) => sum + weight.values.length * 4, 0);
    assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, bytes);
    const loaded = await loadModelFolder(dir);
    assert.deepEqual(loaded.getUserDefinedMetadata(), { dropoutLab: metadata });
    const x = randomRows(20, 3, 8);
    assert.ok(maxAbsDifference(modelPredictions(loaded, x, 3), modelPredictions(model, x, 3)) === 0);
    model.dispose();
    loaded.dispose();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The loop: which weights a trial exports

function overfittingSpec(sweep: Record<string, unknown> = {}): ExperimentSpec {
  const { spec, problems } = parseSpec(JSON.stringify({
    name: 'overfit',
    dataset: { type: 'moons', samples: 60, noise: 0.35, validationFraction: 0.5 },
    model: { hidden: [64, 64] },
    training: { epochs: 30, batchSize: 8, optimizer: 'adam', learningRate: 0.02, seed: 2 },
    sweep: { rates: [0], ...sweep },
  }));
  assert.ok(spec, JSON.stringify(problems));
  return spec;
}

async function trainCapturing(spec: ExperimentSpec, untilEpoch?: number, resumeFrom?: PausedTrial) {
  const dataset = loadDataset(spec.dataset, { seed: spec.training.seed, files: workspaceFiles(os.tmpdir()) });
  const epochs: EpochMetrics[] = [];
  let model: TrainedModel | undefined;
  let paused: PausedTrial | undefined;
  await trainTrial({ spec, dataset, rate: 0, seed: spec.training.seed, untilEpoch, resumeFrom }, {
    onEpoch: (metrics) => epochs.push(metrics), isCancelled: () => false,
    onModel: (trained) => { model = trained; }, onPause: (state) => { paused = state; },
  });
  assert.ok(model);
  return { dataset, epochs, model, paused };
}

describe('the weights a trial exports', () => {
  test('are its best epoch\'s by val_loss, not the last epoch\'s, and score that epoch\'s val_loss', async () => {
    const spec = overfittingSpec();
    const { dataset, epochs, model } = await trainCapturing(spec);
    const best = epochs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
    assert.ok(best.epoch < epochs.length, `the test needs an overfitting run: best epoch ${best.epoch} of ${epochs.length}`);
    assert.equal(model.epoch, best.epoch);
    assert.deepEqual(model.metrics, best);
    // Recomputed from the exported weights: softmax cross-entropy on the validation set.
    const probabilities = enginePredictions(model.config, model.weights, dataset.validation.x, true);
    let loss = 0;
    dataset.validation.y.forEach((label, row) => (loss -= Math.log(probabilities[row * dataset.classCount + label]!)));
    loss /= dataset.validation.count;
    assert.ok(Math.abs(loss - best.val_loss) <= 1e-5, `recomputed ${loss}, recorded ${best.val_loss}`);
  });

  test('with objective val_acc: the first epoch of the highest val_acc', async () => {
    const { epochs, model } = await trainCapturing(overfittingSpec({ objective: 'val_acc' }));
    const top = Math.max(...epochs.map((epoch) => epoch.val_acc!));
    assert.equal(model.epoch, epochs.find((epoch) => epoch.val_acc === top)!.epoch);
  });

  test('survive a pause: a trial resumed from its checkpoint exports the same epoch and weights as one run straight', async () => {
    const spec = overfittingSpec();
    const straight = await trainCapturing(spec);
    const pauseAt = 20;
    assert.ok(straight.model.epoch <= pauseAt, `the test needs the best epoch (${straight.model.epoch}) before the pause`);
    const first = await trainCapturing(spec, pauseAt);
    const dir = tempDir();
    writeCheckpointFiles(dir, 'trial', encodeCheckpoint(first.paused!));
    const resumed = await trainCapturing(spec, undefined, decodeCheckpoint(readCheckpointFiles(dir, 'trial')));
    assert.equal(resumed.epochs[0]!.epoch, pauseAt + 1);
    assert.equal(resumed.model.epoch, straight.model.epoch);
    assert.deepEqual(resumed.model.weights, straight.model.weights);
  });

  test('metadata: the data the model expects, its rates (drop probabilities), style, epoch and objective', async () => {
    const spec = overfittingSpec();
    const { dataset, model } = await trainCapturing(spec, 3);
    const trial: TrialPlan = { id: 'rate-0_seed-2', rate: 0, seed: 2, repeat: 0 };
    const metadata = trialModelMetadata(model, { spec, dataset, trial });
    assert.deepEqual(
      { ...metadata, metrics: undefined, objective: undefined, inference: undefined },
      {
        format: 1, experiment: 'overfit', trialId: 'rate-0_seed-2', seed: 2,
        dataset: { spec: spec.dataset, description: dataset.description }, task: 'classification', featureCount: 2,
        classNames: ['0', '1'], dropoutStyle: 'inverted', rates: { input: 0, hidden: 0 }, keepFoldedIntoKernels: false,
        epoch: model.epoch, metrics: undefined, objective: undefined, inference: undefined,
      },
    );
    assert.deepEqual(metadata.objective, { name: 'val_loss', value: model.metrics.val_loss });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Standardisation statistics of CSV data

test('CSV: the standardisation the dataset reports maps every standardised row back to its raw values', () => {
  const dir = tempDir();
  const rows = ['id,scaled,label'];
  for (let i = 0; i < 50; i++) rows.push(`${i},${1000 + 7 * i},${i % 3 === 0 ? 'a' : 'b'}`);
  fs.writeFileSync(path.join(dir, 'data.csv'), `${rows.join('\n')}\n`);
  const dataset = loadDataset(
    { type: 'csv', path: 'data.csv', target: 'label', task: 'classification', validationFraction: 0.3 }, { seed: 1, files: workspaceFiles(dir) });
  const { mean, std } = dataset.inputStandardization!;
  assert.deepEqual(dataset.featureNames, ['id', 'scaled']);
  assert.deepEqual(dataset.classNames, ['a', 'b']);
  const ids: number[] = [];
  for (const split of [dataset.train, dataset.validation]) {
    for (let row = 0; row < split.count; row++) {
      const id = split.x[row * 2]! * std[0]! + mean[0]!;
      const scaled = split.x[row * 2 + 1]! * std[1]! + mean[1]!;
      assert.ok(Math.abs(id - Math.round(id)) < 1e-3 && Math.abs(scaled - (1000 + 7 * Math.round(id))) < 1e-2, `row ${row}: ${id}, ${scaled}`);
      ids.push(Math.round(id));
    }
  }
  assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
});

// ---------------------------------------------------------------------------------------------------------------
// The sweep's best trial

function record(id: string, rate: number, valLosses: number[], valAccs?: number[], status: TrialRecord['status'] = 'completed'): TrialRecord {
  return {
    plan: { id, rate, seed: 1, repeat: 0 }, status,
    epochs: valLosses.map((val_loss, i) => ({ epoch: i + 1, loss: 0, train_loss: 0, val_loss, ...(valAccs ? { val_acc: valAccs[i] } : {}), durationMs: 1 })),
  };
}

describe('the sweep\'s best model', () => {
  const spec = (extra: Record<string, unknown> = {}) =>
    ({ sweep: { rates: [0, 0.5], objective: 'val_loss', strategy: 'grid', ...extra } }) as unknown as ExperimentSpec;

  test('is the best configuration\'s trial at its best epoch by val_loss; ties keep the earlier configuration; NaN never wins', () => {
    // b's NaN makes it a diverged trial: it does not vote, so rate 0.5 is c alone (0.3), tied with rate 0 (a: 0.3).
    const trials = [record('a', 0, [0.5, 0.3, 0.4]), record('b', 0.5, [0.6, 0.31, NaN]), record('c', 0.5, [0.3, 0.9])];
    assert.deepEqual(chooseBestModel(trials, spec()),
      { trialId: 'a', epoch: 2, objective: 'val_loss', value: 0.3, configuration: { rate: 0 }, seed: 1, select: 'best-epoch' });
    assert.deepEqual(chooseBestModel([record('n', 0, [NaN])], spec()), undefined);
  });

  test('with val_acc: the highest val_acc, its first epoch', () => {
    const trials = [record('a', 0, [0.5, 0.3], [0.7, 0.8]), record('b', 0.5, [0.6, 0.7, 0.8], [0.8, 0.9, 0.9])];
    assert.deepEqual(chooseBestModel(trials, spec({ objective: 'val_acc' })),
      { trialId: 'b', epoch: 2, objective: 'val_acc', value: 0.9, configuration: { rate: 0.5 }, seed: 1, select: 'best-epoch' });
  });

  test('with select final-epoch: each trial counts at its last epoch', () => {
    const trials = [record('a', 0, [0.2, 0.5]), record('b', 0.5, [0.4, 0.3])];
    assert.deepEqual(chooseBestModel(trials, spec({ select: 'final-epoch' })),
      { trialId: 'b', epoch: 2, objective: 'val_loss', value: 0.3, configuration: { rate: 0.5 }, seed: 1, select: 'final-epoch' });
    assert.equal(chooseBestModel(trials, spec())?.trialId, 'a', 'by best epoch, a (0.2) wins');
  });

  test('hyperband: only trials trained to maxEpochs compete, as for the best rate', () => {
    const trials = [record('short', 0, [0.1]), record('full', 0.5, [0.6, 0.5, 0.4])];
    assert.equal(chooseBestModel(trials, spec({ strategy: 'hyperband', maxEpochs: 3 }))?.trialId, 'full');
  });

  test('failed, cancelled and interrupted trials never win: only finished trials vote', () => {
    const trials = [
      record('ok', 0, [0.5]), record('crashed', 0.5, [0.1], undefined, 'failed'), record('stopped', 0.5, [0.4], undefined, 'cancelled'),
      record('killed', 0.5, [0.05], undefined, 'interrupted'),
    ];
    assert.equal(chooseBestModel(trials, spec())?.trialId, 'ok');
  });
});

test('messages: a trainer command may name a modelDir (a string); the panel may ask to export a named sweep\'s model', () => {
  const run = { type: 'run', trial: { id: 'a', rate: 0.5, seed: 1, repeat: 0 }, spec: {}, specDir: '/' };
  assert.ok(isTrainerCommand({ ...run, modelDir: '/s/models/a' }));
  assert.equal(isTrainerCommand({ ...run, modelDir: 7 }), false);
  assert.equal(isTrainerCommand({ ...run, type: 'resume', untilEpoch: 3, checkpointDir: '/s', modelDir: {} }), false);
  assert.ok(isFromPanelMessage({ type: 'exportModel', dir: '/w/.dropout/runs/m/1' }));
  assert.equal(isFromPanelMessage({ type: 'exportModel', dir: '' }), false);
  assert.equal(isFromPanelMessage({ type: 'exportModel' }), false);
});
