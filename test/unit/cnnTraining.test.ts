/**
 * The training loop on a layer list: a tiny convnet on MNIST images (wasm), with hyperparameter-valued fields, common
 * random numbers across rates, pause and resume with batch-norm state, and the shape check of a conv on vectors.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { loadDataset, type Dataset } from '../../src/engine/datasets';
import { parseSpec } from '../../src/engine/spec/parse';
import { trainTrial, type PausedTrial, type TrainedModel } from '../../src/engine/train/loop';
import { isLayerList, networkConfig } from '../../src/engine/model/network';
import { trialModelArtifacts, type ModelMetadata } from '../../src/engine/model/export';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import type { EpochMetrics } from '../../src/core/trial';
import type { ExperimentSpec, LayerSpec } from '../../src/core/spec';
import type { HpAssignment } from '../../src/core/hyperparameters';
import { testBackend } from '../support/backend';

/** conv(filters from hp) → pool → spatial dropout (swept rate) → batch norm → flatten → dense → dropout (hp rate). */
const convnet: LayerSpec[] = [
  { type: 'conv2d', filters: { hp: 'filters' }, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', useBias: true },
  { type: 'maxPooling2d', poolSize: 2, padding: 'valid' },
  { type: 'spatialDropout2d' },
  { type: 'batchNormalization', momentum: 0.9, epsilon: 0.001 },
  { type: 'flatten' },
  { type: 'dense', units: 16, activation: 'relu', useBias: true },
  { type: 'dropout', rate: { hp: 'dense_rate' } },
];

/** A parsed MNIST spec (the parser's defaults) with the layer list and hyperparameter-valued learning rate set on it. */
function cnnSpec(epochs: number, layers: LayerSpec[] = convnet): ExperimentSpec {
  const { spec, problems } = parseSpec(JSON.stringify({
    name: 'cnn',
    dataset: { type: 'mnist', trainSamples: 200, validationSamples: 100, testSamples: 50 },
    model: { hidden: [8] },
    training: { epochs, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 1 },
    sweep: { rates: [0, 0.3] },
    evaluation: { mcSamples: 3 },
  }));
  assert.ok(spec, JSON.stringify(problems));
  return { ...spec, model: { ...spec.model, hidden: [], layers }, training: { ...spec.training, learningRate: { hp: 'lr' } } };
}

const hp: HpAssignment = { filters: 4, dense_rate: 0.25, lr: 0.01 };
let mnist: Dataset;

before(async () => {
  assert.equal((await initBackend(testBackend)).name, testBackend);
  const spec = cnnSpec(1);
  const loaded = loadDataset(spec.dataset, { seed: 1, files: workspaceFiles(os.tmpdir()) });
  mnist = { ...loaded, imageShape: loaded.imageShape ?? [28, 28, 1] };
});

async function train(spec: ExperimentSpec, rate: number, extra: { maskSeed?: number; untilEpoch?: number; resumeFrom?: PausedTrial } = {}) {
  const epochs: EpochMetrics[] = [];
  const tensors: number[] = [];
  let paused: PausedTrial | undefined;
  let model: TrainedModel | undefined;
  let parameterCount = 0;
  const summary = await trainTrial({ spec, dataset: mnist, rate, hp, seed: 1, ...extra }, {
    onStart: (info) => { parameterCount = info.parameterCount; },
    onEpoch: (metrics) => { epochs.push(metrics); tensors.push(tf.memory().numTensors); },
    onPause: (state) => { paused = state; },
    onModel: (m) => { model = m; },
    isCancelled: () => false,
  });
  return { summary, epochs, tensors, paused, model, parameterCount };
}

const strip = (epochs: EpochMetrics[]) => epochs.map(({ durationMs: _, ...rest }) => rest);

describe('a convnet on MNIST images', () => {
  test('trains on wasm: the loss falls, tensors stay flat, parameters counted, every tensor freed', async () => {
    const before = tf.memory().numTensors;
    const r = await train(cnnSpec(4), 0.2);
    assert.equal(r.summary.status, 'completed');
    assert.equal(r.epochs.length, 4);
    // 10 classes: the untrained loss is about ln 10 ≈ 2.3. Four epochs of 7 Adam steps at 0.01 bring the training
    // loss below the first epoch's mean, each epoch, and the validation loss below chance.
    assert.ok(r.epochs.every((e, i) => i === 0 || e.loss < r.epochs[i - 1]!.loss), `loss ${r.epochs.map((e) => e.loss)}`);
    assert.ok(r.epochs[3]!.val_loss < Math.log(10), `val_loss ${r.epochs[3]!.val_loss}`);
    assert.ok(r.epochs.every((e) => e.mc_val_loss !== undefined && Number.isFinite(e.mc_val_loss)));
    // From epoch 2 on: the kept epoch's weights are cloned after epoch 1 is reported (as in training.test.ts).
    assert.equal(new Set(r.tensors.slice(1)).size, 1, `tensors per epoch ${r.tensors}`);
    assert.equal(tf.memory().numTensors, before);
    // conv 3·3·1·4 + 4 = 40; batch norm over 4 channels: γ, β + moving mean, variance = 16; 13·13·4 = 676 → 16:
    // 676·16 + 16 = 10,832; output 16·10 + 10 = 170. Total 11,058.
    assert.equal(r.parameterCount, 11_058);
    assert.ok(r.summary.selected?.test, 'a finished trial is scored on the test split');
    assert.equal(r.model!.weights.length, 2 + 2 + 2 + 2 + 2, 'conv, γ β, dense, output; then the moving statistics');
  });

  test('common random numbers: rates of one seed share split, initial weights and batch order; only the masks differ', async () => {
    const spec = cnnSpec(1);
    const layers = (rate: number) => {
      const config = networkConfig(spec, mnist, { rate, hp });
      return isLayerList(config) ? config.layers : [];
    };
    // The swept rate goes to the dropout layers without a rate of their own; the hp-valued one keeps its value.
    assert.deepEqual(layers(0.3).filter((layer) => 'rate' in layer), [{ type: 'spatialDropout2d', rate: 0.3 }, { type: 'dropout', rate: 0.25 }]);
    // Rate 0 everywhere draws no mask: another mask seed changes nothing (same split, initial weights, batch order).
    const zero = cnnSpec(1);
    const noDropout = { ...zero, model: { ...zero.model, layers: convnet.filter((layer) => layer.type !== 'dropout') } };
    assert.deepEqual(strip((await train(noDropout, 0, { maskSeed: 99 })).epochs), strip((await train(noDropout, 0)).epochs));
    // And the masks are wired: with rate 0.5 another mask seed changes the first epoch.
    assert.notEqual((await train(spec, 0.5, { maskSeed: 99 })).epochs[0]!.loss, (await train(spec, 0.5)).epochs[0]!.loss);
  });

  test('pause and resume (batch-norm moving statistics in the checkpoint) continue exactly', async () => {
    const spec = cnnSpec(2);
    const whole = await train(spec, 0.2);
    const first = await train(spec, 0.2, { untilEpoch: 1 });
    assert.equal(first.paused!.variables.length, 10, 'trainable variables and batch-norm state');
    const rest = await train(spec, 0.2, { resumeFrom: first.paused! });
    assert.deepEqual(strip([...first.epochs, ...rest.epochs]), strip(whole.epochs));
  });

  test('the kept model exports as a Keras-named Layers model with the trial\'s hyperparameters', async () => {
    const spec = cnnSpec(1);
    const { model } = await train(spec, 0.2);
    const trial = { id: 'x', rate: 0.2, seed: 1, repeat: 0, hp };
    const artifacts = await trialModelArtifacts(model!, { spec, dataset: mnist, trial });
    type Saved = { modelTopology: { config: { layers: { class_name: string }[] } }; userDefinedMetadata: { dropoutLab: ModelMetadata } };
    const json = JSON.parse(artifacts.modelJson) as Saved;
    assert.deepEqual(json.modelTopology.config.layers.map((layer) => layer.class_name), [
      'Conv2D', 'MaxPooling2D', 'SpatialDropout2D', 'BatchNormalization', 'Flatten', 'Dense', 'Dropout', 'Dense',
    ]);
    const metadata = json.userDefinedMetadata.dropoutLab;
    assert.deepEqual(metadata.inputShape, [28, 28, 1]);
    assert.deepEqual(metadata.hp, hp);
    assert.deepEqual(metadata.dropoutLayers, [{ index: 2, type: 'spatialDropout2d', rate: 0.2 }, { index: 6, type: 'dropout', rate: 0.25 }]);
  });

  test('a layer list on vectors (moons), standard style, Gaussian dropout and batch norm: trains, MC evaluation included', async () => {
    const base = cnnSpec(6);
    const spec: ExperimentSpec = {
      ...base,
      dataset: { type: 'moons', samples: 300, noise: 0.2, validationFraction: 0.3, testFraction: 0.2 },
      model: { ...base.model, dropoutStyle: 'standard', layers: [
        { type: 'dense', units: 32, activation: 'relu', useBias: true },
        { type: 'batchNormalization', momentum: 0.9, epsilon: 0.001 },
        { type: 'gaussianDropout', rate: 0.3 },
        { type: 'dense', units: 16, activation: 'tanh', useBias: true },
        { type: 'dropout' },
      ] },
    };
    const moons = loadDataset(spec.dataset, { seed: 1, files: workspaceFiles(os.tmpdir()) });
    const epochs: EpochMetrics[] = [];
    const summary = await trainTrial({ spec, dataset: moons, rate: 0.2, hp, seed: 2 }, { onEpoch: (m) => epochs.push(m), isCancelled: () => false });
    assert.equal(summary.status, 'completed');
    // Two classes: chance is ln 2 ≈ 0.69; six epochs of Adam at 0.01 on 150 rows learn the moons well below it.
    assert.ok(epochs.at(-1)!.val_loss < 0.5 && epochs.at(-1)!.loss < epochs[0]!.loss, `val_loss ${epochs.map((e) => e.val_loss)}`);
    assert.ok(epochs.every((e) => Number.isFinite(e.mc_val_loss) && Number.isFinite(e.mc_entropy)));
    assert.ok(summary.selected?.test?.mc_loss !== undefined);
  });

  test('a conv on vectors is refused before training, at the layer', () => {
    const spec = { ...cnnSpec(1), dataset: { type: 'moons' as const, samples: 100, noise: 0.1, validationFraction: 0.2 } };
    const moons = loadDataset(spec.dataset, { seed: 1, files: workspaceFiles(os.tmpdir()) });
    assert.throws(() => networkConfig(spec, moons, { rate: 0.1, hp }), {
      message: 'conv2d needs image input; dataset moons gives vectors of 2 at model.layers[0]',
    });
  });
});

describe('image augmentation (dataset.augment) in the loop', () => {
  const augmented = (): Dataset => ({ ...mnist, augment: { flip: true, shift: 0.1 } });

  test('changes the training batches, is reproducible from the seed, and resumes exactly from a checkpoint', async () => {
    const spec = cnnSpec(3);
    const plain = await train(spec, 0.2);
    const original = mnist;
    try {
      mnist = augmented();
      const once = await train(spec, 0.2);
      const again = await train(spec, 0.2);
      // Flipped and shifted digits are other inputs: the first epoch's training loss moves.
      assert.notEqual(once.epochs[0]!.loss, plain.epochs[0]!.loss);
      assert.deepEqual(strip(again.epochs), strip(once.epochs), 'the augmentation stream is seeded by the trial seed');
      const first = await train(spec, 0.2, { untilEpoch: 1 });
      assert.ok(first.paused!.rng.augment, 'the checkpoint carries the augmentation stream');
      const rest = await train(spec, 0.2, { resumeFrom: first.paused! });
      assert.deepEqual(strip([...first.epochs, ...rest.epochs]), strip(once.epochs));
      // From epoch 2 on (the kept epoch's weights are cloned after epoch 1), as in the first test.
      assert.equal(new Set(once.tensors.slice(1)).size, 1, `tensors per epoch ${once.tensors}`);
    } finally {
      mnist = original;
    }
  });
});
