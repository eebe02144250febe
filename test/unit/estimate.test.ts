import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { checkLimits, DEFAULT_LIMITS, estimateResources, formatBytes, specDatasetShape, TRAINER_RUNTIME_BYTES } from '../../src/engine/model/estimate';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec, LayerSpec, Size2d } from '../../src/core/spec';
import type { HpSpace, Searchable } from '../../src/core/hyperparameters';
import { repoRoot } from '../support/specs';
import { preflight } from '../../src/engine/preflight';
import { hpValues } from '../../src/engine/model/layerListCheck';

function specOf(text: string): ExperimentSpec {
  const { spec, problems } = parseSpec(text);
  assert.ok(spec, JSON.stringify(problems));
  return spec;
}

const example = (name: string): ExperimentSpec => specOf(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.dropout.json`), 'utf8'));
const MIB = 2 ** 20;

describe('estimateResources', () => {
  test('the moons example, derived by hand', () => {
    // 240 samples, validationFraction 0.5, testFraction 0.2 (the default) → 120 validation, 48 test, 72 train;
    // 2 features, 2 classes; hidden [128, 128].
    const spec = example('moons');
    const shape = specDatasetShape(spec)!;
    assert.deepEqual(shape, { featureCount: 2, outputUnits: 2, trainRows: 72, validationRows: 120, testRows: 48 });
    const estimate = estimateResources(spec, shape);
    // Parameters: 2·128 + 128 = 384; 128·128 + 128 = 16,512; 128·2 + 2 = 258 → 17,154.
    assert.equal(estimate.parameters, 17_154);
    assert.deepEqual(estimate.bytes, {
      // Adam: weights + gradients + m + v = 4 float32 copies: 4 B × 17,154 × 4.
      parameters: 274_464,
      // Units 2 + 128 + 128 + 2 = 260; batch 16; 4 copies: 4 B × 16 × 260 × 4.
      training: 66_560,
      // mcSamples 10: 120 validation rows × 10 passes = 1,200 > 72 training rows and 48 test rows × 10; 3 copies: 4 B × 1,200 × 260 × 3.
      evaluation: 3_744_000,
      // 240 rows × (2 features + 2 outputs) × 3 copies × 4 B.
      data: 11_520,
      runtime: TRAINER_RUNTIME_BYTES,
      // 274,464 + 66,560 + 3,744,000 + 11,520 + 134,217,728.
      total: 138_314_272,
    });
  });

  test('the mnist example, derived by hand', () => {
    // 784 pixels, 10 classes, 1000 + 1000 + 1000 digits (testSamples' default); hidden [256, 256]; batch 64; adam; mcSamples 5.
    const spec = example('mnist');
    const estimate = estimateResources(spec, specDatasetShape(spec)!);
    // 784·256 + 256 = 200,960; 256·256 + 256 = 65,792; 256·10 + 10 = 2,570 → 269,322.
    assert.equal(estimate.parameters, 269_322);
    assert.equal(estimate.bytes.parameters, 4 * 269_322 * 4); // 4,309,152
    // Units 784 + 256 + 256 + 10 = 1,306.
    assert.equal(estimate.bytes.training, 4 * 64 * 1306 * 4); // 1,337,344
    assert.equal(estimate.bytes.evaluation, 4 * 5000 * 1306 * 3); // 1,000 rows × 5 passes: 78,360,000
    assert.equal(estimate.bytes.data, 4 * 3000 * 794 * 3); // 28,584,000
    assert.equal(estimate.bytes.total, 246_808_224); // ≈ 235 MiB; the bench measured a 312 MB peak RSS for this example (before its test split)
  });

  test('sgd keeps no optimizer slots; a regression csv shape has one output', () => {
    const spec = { ...example('moons'), training: { ...example('moons').training, optimizer: 'sgd' as const } };
    assert.equal(estimateResources(spec, specDatasetShape(spec)!).bytes.parameters, 4 * 17_154 * 2);
    assert.equal(specDatasetShape({ ...spec, dataset: { type: 'csv', path: 'd.csv', target: 'y', task: 'regression', validationFraction: 0.2 } }), undefined);
  });

  test('formatBytes', () => {
    assert.equal(formatBytes(2048 * MIB), '2 GiB');
    assert.equal(formatBytes(2.34 * 1024 * MIB), '2.3 GiB');
    assert.equal(formatBytes(300 * MIB + 1), '301 MiB');
  });
});

describe('checkLimits', () => {
  // No test split: these rows are derived as train = validation = half the samples.
  const moons = (model: string, training = '"batchSize": 32', dataset = '"samples": 240'): ExperimentSpec => specOf(
    `{ "name": "m", "dataset": { "type": "moons", ${dataset}, "validationFraction": 0.5, "testFraction": 0 }, "model": { ${model} },
       "training": { ${training} }, "sweep": { "rates": [0, 0.5] } }`);

  test('the examples pass the default limits', () => {
    for (const name of ['moons', 'mnist']) assert.deepEqual(checkLimits(example(name), specDatasetShape(example(name))!, DEFAULT_LIMITS), []);
  });

  test('too many parameters: at model.hidden, with the count and the layers', () => {
    // 32 layers of 8192: 2·8192 + 8192 = 24,576; 31 × (8192² + 8192) = 2,080,628,736; 8192·2 + 2 = 16,386.
    const spec = moons(`"hidden": [${Array(32).fill(8192).join(', ')}]`);
    const [parameters, memory] = checkLimits(spec, specDatasetShape(spec)!, DEFAULT_LIMITS);
    assert.deepEqual(parameters!.path, ['model', 'hidden']);
    assert.match(parameters!.message, /^the model has 2,080,669,698 parameters \(layers 2 → 8192 × 32 → 2\), more than the limit of 50,000,000/);
    assert.deepEqual(memory!.path, ['model', 'hidden'], 'the weights dominate the memory too');
  });

  test('a training step too large for the memory limit: at training.batchSize, with the estimate', () => {
    // 24,000 samples, half for validation: 12,000 training rows, batch 12,000; units 2 + 4096 + 4096 + 2 = 8,196.
    //   training 4·12,000·8,196·4 = 1,573,632,000; scoring in chunks of ⌊2²⁴ / 8,196⌋ = 2,047 rows, one pass:
    //   4·2,047·8,196·3 = 201,326,544; parameters 4·16,801,794·4 = 268,828,704; data 4·24,000·4·3 = 1,152,000;
    //   runtime 134,217,728 → 2,179,156,976 B ≈ 2.03 GiB.
    const spec = moons('"hidden": [4096, 4096]', '"batchSize": 12000', '"samples": 24000');
    assert.equal(estimateResources(spec, specDatasetShape(spec)!).bytes.total, 2_179_156_976);
    const problems = checkLimits(spec, specDatasetShape(spec)!, DEFAULT_LIMITS);
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0]!.path, ['training', 'batchSize']);
    assert.match(problems[0]!.message,
      /^a trial needs about 2 GiB \(.*a training step of 12000 rows 1\.5 GiB.*\), more than the limit of 2 GiB; lower training\.batchSize/);
    // Raised limit: accepted.
    assert.deepEqual(checkLimits(spec, specDatasetShape(spec)!, { ...DEFAULT_LIMITS, maxMemoryMB: 4096 }), []);
  });

  test('many Monte-Carlo passes over a large validation set: at evaluation.mcSamples', () => {
    const spec = specOf(`{ "name": "m", "dataset": { "type": "mnist", "trainSamples": 1000, "validationSamples": 5000 },
      "model": { "hidden": [512] }, "sweep": { "rates": [0, 0.5] }, "evaluation": { "mcSamples": 100 } }`);
    const [problem] = checkLimits(spec, specDatasetShape(spec)!, DEFAULT_LIMITS);
    assert.deepEqual(problem!.path, ['evaluation', 'mcSamples']);
  });
});

describe('layer lists: shapes checked at the layer, sizes for the largest structure', () => {
  /** The mnist spec of the tests above with `layers` in place of `hidden` (the parser's part is tested in spec tests). */
  const mnist = '"type": "mnist", "trainSamples": 1000, "validationSamples": 500, "testSamples": 0';
  const withLayers = (layers: LayerSpec[], space?: HpSpace, dataset = mnist): ExperimentSpec => {
    const spec = specOf(`{ "name": "m", "dataset": { ${dataset} }, "model": { "hidden": [8] }, "sweep": { "rates": [0, 0.5] },
      "training": { "batchSize": 32 }, "evaluation": { "mcSamples": 0 } }`);
    return { ...spec, model: { ...spec.model, hidden: [], layers }, sweep: { ...spec.sweep, ...(space ? { space } : {}) } };
  };
  const conv = (filters: Searchable<number>, kernelSize: Size2d = 3): LayerSpec => ({
    type: 'conv2d', filters, kernelSize, strides: 1, padding: 'valid', activation: 'relu', useBias: true,
  });
  const pool: LayerSpec = { type: 'maxPooling2d', poolSize: 2, padding: 'valid' };

  test('a small convnet on MNIST, derived by hand', () => {
    const spec = withLayers([conv(8), pool, { type: 'batchNormalization', momentum: 0.99, epsilon: 0.001 }, { type: 'flatten' },
      { type: 'dense', units: 32, activation: 'relu', useBias: true }, { type: 'dropout' }]);
    const shape = specDatasetShape(spec)!;
    assert.deepEqual(shape.imageShape, [28, 28, 1]);
    assert.deepEqual(checkLimits(spec, shape, DEFAULT_LIMITS), []);
    const estimate = estimateResources(spec, shape);
    // conv 3·3·1·8 + 8 = 80 → 26×26×8; pool → 13×13×8; batch norm 4·8 = 32; flatten 1,352; dense 1,352·32 + 32 = 43,296;
    // output 32·10 + 10 = 330. Total 43,738.
    assert.equal(estimate.parameters, 43_738);
    // Units: input 784 + 5,408 + 1,352 + 1,352 + 1,352 + 32 + 32 + output 10 = 10,322; batch 32, 4 copies.
    assert.equal(estimate.bytes.training, 4 * 32 * 10_322 * 4);
  });

  test('a conv on vectors: at model.layers[0], naming the dataset and its shape', () => {
    const spec = withLayers([conv(8), { type: 'flatten' }], undefined, '"type": "moons", "samples": 100');
    assert.deepEqual(checkLimits(spec, specDatasetShape(spec)!, DEFAULT_LIMITS), [
      { path: ['model', 'layers', 0], message: 'conv2d needs image input; dataset moons gives vectors of 2' },
    ]);
  });

  test('dense on an image without flatten; spatialDropout2d on vectors; an image left at the output', () => {
    const problems = (layers: LayerSpec[]) => checkLimits(withLayers(layers), specDatasetShape(withLayers(layers))!, DEFAULT_LIMITS);
    assert.deepEqual(problems([conv(4), { type: 'dense', units: 8, activation: 'relu', useBias: true }]), [{
      path: ['model', 'layers', 1],
      message: 'dense needs vectors; model.layers[0] (conv2d) gives images of 26×26×4: add { "type": "flatten" } (or globalAveragePooling2d) before it',
    }]);
    assert.deepEqual(problems([{ type: 'flatten' }, { type: 'spatialDropout2d' }]), [
      { path: ['model', 'layers', 1], message: 'spatialDropout2d needs image input; model.layers[0] (flatten) gives vectors of 784' },
    ]);
    assert.match(problems([conv(4)])[0]!.message, /^the output layer needs vectors; the last layer gives images of 26×26×4: end with flatten/);
  });

  test('a kernel larger than its input, for one value of its hyperparameter: at the field, naming the value', () => {
    // 28 → conv 5 valid → 24 → pool 2 → 12 → conv k: k = 13 does not fit, k = 3 and 7 do.
    const space: HpSpace = { k: { type: 'choice', values: [3, 7, 13], default: 3 } };
    const spec = withLayers([conv(4, 5), pool, conv(4, { hp: 'k' }), { type: 'flatten' }], space);
    assert.deepEqual(checkLimits(spec, specDatasetShape(spec)!, DEFAULT_LIMITS), [{
      path: ['model', 'layers', 2, 'kernelSize'],
      message: 'the kernelSize 13×13 is larger than its input, model.layers[1] (maxPooling2d)\'s images of 12×12×4 (with k = 13)',
    }]);
  });

  test('hp-valued sizes: the estimate is the largest structure; the batch the largest batch', () => {
    const space: HpSpace = {
      filters: { type: 'int', min: 4, max: 16, step: 4, sampling: 'linear', default: 4 },
      batch: { type: 'choice', values: [16, 64], default: 16 },
    };
    const spec = withLayers([conv({ hp: 'filters' }), { type: 'flatten' }], space);
    const fixed = (filters: number) => estimateResources(withLayers([conv(filters), { type: 'flatten' }]), specDatasetShape(spec)!);
    const searched = estimateResources({ ...spec, training: { ...spec.training, batchSize: { hp: 'batch' } } }, specDatasetShape(spec)!);
    assert.equal(searched.parameters, fixed(16).parameters);
    // 16 filters: conv 160, output 26·26·16·10 + 10 = 108,170.
    assert.equal(searched.parameters, 160 + 108_170);
    assert.equal(searched.bytes.training, fixed(16).bytes.training * 64 / 32);
  });
});

describe('preflight: a layer-list problem at its line and column', () => {
  test('the layer named by index (the text as a user wrote it; the spec as the parser will give it)', () => {
    const text = `{
  "name": "m",
  "dataset": { "type": "moons", "samples": 100 },
  "model": { "layers": [
    { "type": "dense", "units": 8 },
    { "type": "spatialDropout2d", "rate": 0.2 }
  ] },
  "sweep": { "rates": [0] }
}`;
    const parsed = specOf(text.replace(/"layers": \[[^\]]*\]/, '"hidden": [8]'));
    const spec: ExperimentSpec = { ...parsed, model: { ...parsed.model, hidden: [], layers: [
      { type: 'dense', units: 8, activation: 'relu', useBias: true }, { type: 'spatialDropout2d', rate: 0.2 },
    ] } };
    const noFiles = (): never => { throw new Error('no files'); };
    const files = { read: noFiles, bytes: noFiles, mnistDigits: noFiles, imageFolder: noFiles };
    const [problem, ...rest] = preflight(spec, 'm.dropout.json', text, DEFAULT_LIMITS, files);
    assert.deepEqual(rest, []);
    assert.equal(problem!.path, 'model.layers[1]');
    assert.equal(problem!.message, 'spatialDropout2d needs image input; model.layers[0] (dense) gives vectors of 8');
    assert.deepEqual([problem!.line, problem!.column], [6, 5]);
  });
});

describe('hpValues: what a structural hyperparameter is checked at', () => {
  test('int ranges by step (multiplied under log sampling), choices, fixed values', () => {
    assert.deepEqual(hpValues({ type: 'int', min: 4, max: 16, step: 4, sampling: 'linear', default: 4 }), [4, 8, 12, 16]);
    // keras-tuner's range(3, 11, 3): 10 is not a value.
    assert.deepEqual(hpValues({ type: 'int', min: 3, max: 10, step: 3, sampling: 'linear', default: 3 }), [3, 6, 9]);
    const long = hpValues({ type: 'int', min: 1, max: 1000, step: 1, sampling: 'linear', default: 1 });
    assert.deepEqual([long.length, long.at(-2), long.at(-1)], [258, 257, 1000], 'cut after 257 values, then the max');
    assert.deepEqual(hpValues({ type: 'int', min: 16, max: 128, step: 2, sampling: 'log', default: 16 }), [16, 32, 64, 128]);
    assert.deepEqual(hpValues({ type: 'choice', values: [3, 5], default: 3 }), [3, 5]);
    assert.deepEqual(hpValues({ type: 'fixed', value: 7 }), [7]);
  });
});
