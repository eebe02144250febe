import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { checkLimits, DEFAULT_LIMITS, estimateResources, formatBytes, specDatasetShape, TRAINER_RUNTIME_BYTES } from '../../src/engine/model/estimate';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { repoRoot } from '../support/specs';

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
    // 20,000 samples, half for validation: 10,000 training rows, batch 10,000; units 2 + 4096 + 4096 + 2 = 8,196.
    //   training 4·10,000·8,196·4 = 1,311,360,000; scoring 4·10,000·8,196·3 = 983,520,000;
    //   parameters 4·16,801,794·4 = 268,828,704; data 4·20,000·4·3 = 960,000; runtime 134,217,728 → 2,698,886,432 B.
    const spec = moons('"hidden": [4096, 4096]', '"batchSize": 10000', '"samples": 20000');
    const problems = checkLimits(spec, specDatasetShape(spec)!, DEFAULT_LIMITS);
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0]!.path, ['training', 'batchSize']);
    assert.match(problems[0]!.message,
      /^a trial needs about 2\.5 GiB \(.*a training step of 10000 rows 1\.2 GiB.*\), more than the limit of 2 GiB; lower training\.batchSize/);
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
