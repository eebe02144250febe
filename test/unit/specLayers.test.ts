/**
 * The spec's layer lists (`model.layers`), named hyperparameters (`sweep.space`, `{ "hp": name }`) and the images
 * dataset: defaults filled in as TF.js, keras-tuner and the docs say, and each mistake positioned with its message.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSpec } from '../../src/engine/spec/parse';
import { expectProblem, expectSpec, show } from '../support/specExpect';

type Json = any;

/** A moons spec with a layer list, changed by `edit`, pretty-printed (so problems land on lines of their own). */
function doc(edit: (s: Json) => void = () => {}): string {
  const s: Json = {
    name: 'layer list',
    dataset: { type: 'moons' },
    model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dropout' }] },
    sweep: { rates: [0, 0.5] },
  };
  edit(s);
  return JSON.stringify(s, null, 2);
}

/** The issue's example, on MNIST. */
const ISSUE_EXAMPLE = `{
  "name": "mnist cnn",
  "dataset": { "type": "mnist" },
  "model": { "layers": [
    { "type": "conv2d", "filters": 32, "kernelSize": 3, "activation": "relu" },
    { "type": "maxPooling2d", "poolSize": 2 },
    { "type": "spatialDropout2d", "rate": { "hp": "conv_rate" } },
    { "type": "flatten" },
    { "type": "dense", "units": 128, "activation": "relu" },
    { "type": "dropout", "rate": { "hp": "dense_rate" } }
  ] },
  "sweep": { "strategy": "hyperband", "maxEpochs": 27, "space": {
    "conv_rate":  { "type": "float", "min": 0, "max": 0.5, "step": 0.1 },
    "dense_rate": { "type": "choice", "values": [0, 0.25, 0.5] },
    "lr":         { "type": "float", "min": 0.0001, "max": 0.01, "sampling": "log" }
  } },
  "training": { "learningRate": { "hp": "lr" } }
}`;

describe('model.layers', () => {
  test("the issue's example parses, with TF.js's and keras-tuner's defaults filled in", () => {
    const { problems, spec } = parseSpec(ISSUE_EXAMPLE);
    assert.deepEqual(problems, []);
    assert.ok(spec);
    assert.deepEqual(spec.model.layers, [
      { type: 'conv2d', filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', useBias: true },
      { type: 'maxPooling2d', poolSize: 2, padding: 'valid' },
      { type: 'spatialDropout2d', rate: { hp: 'conv_rate' } },
      { type: 'flatten' },
      { type: 'dense', units: 128, activation: 'relu', useBias: true },
      { type: 'dropout', rate: { hp: 'dense_rate' } },
    ]);
    assert.deepEqual(spec.model.hidden, []);
    assert.deepEqual(spec.training.learningRate, { hp: 'lr' });
    assert.deepEqual(spec.sweep.rates, []);
    assert.deepEqual(spec.sweep.space, {
      conv_rate: { type: 'float', min: 0, max: 0.5, step: 0.1, sampling: 'linear', default: 0 },
      dense_rate: { type: 'choice', values: [0, 0.25, 0.5], default: 0 },
      lr: { type: 'float', min: 0.0001, max: 0.01, sampling: 'log', default: 0.0001 },
    });
    assert.deepEqual(Object.keys(spec.sweep.space), ['conv_rate', 'dense_rate', 'lr'], 'the order written');
  });

  test('every layer type gets its defaults; sizes are a number or [h, w]', () => {
    const spec = expectSpec(doc((s) => {
      s.dataset = { type: 'mnist' };
      s.model.layers = [
        { type: 'conv2d', filters: 8, kernelSize: [3, 5], strides: [1, 2], padding: 'same', useBias: false },
        { type: 'averagePooling2d', poolSize: [2, 3], strides: 1 },
        { type: 'maxPooling2d' },
        { type: 'batchNormalization' },
        { type: 'activation', activation: 'tanh' },
        { type: 'globalAveragePooling2d' },
        { type: 'dense', units: 4 },
        { type: 'gaussianDropout', rate: 0.1 },
        { type: 'dropout' },
      ];
    }));
    assert.deepEqual(spec.model.layers, [
      { type: 'conv2d', filters: 8, kernelSize: [3, 5], strides: [1, 2], padding: 'same', activation: 'linear', useBias: false },
      { type: 'averagePooling2d', poolSize: [2, 3], strides: 1, padding: 'valid' },
      { type: 'maxPooling2d', poolSize: 2, padding: 'valid' },
      { type: 'batchNormalization', momentum: 0.99, epsilon: 0.001 },
      { type: 'activation', activation: 'tanh' },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 4, activation: 'linear', useBias: true },
      { type: 'gaussianDropout', rate: 0.1 },
      { type: 'dropout' },
    ]);
    assert.deepEqual(spec.sweep.rates, [0, 0.5], 'the dropout layer without a rate takes them');
  });

  test('an unknown type or option is an error where it is written, with "did you mean"', () => {
    expectProblem(doc((s) => { s.model.layers[0].type = 'Dense'; }), {
      path: 'model.layers[0].type', message: /^unknown layer type "Dense" — did you mean "dense"\? \(allowed: "dense", "conv2d", /, at: ['"Dense"'],
    });
    expectProblem(doc((s) => { s.model.layers[0].unit = 16; }), {
      path: 'model.layers[0].unit', message: 'unknown property "unit" — did you mean "units"?', at: ['"unit"'],
    });
    expectProblem(doc((s) => { s.model.layers[0].filters = 8; }), {
      path: 'model.layers[0].filters', message: 'unknown property "filters" for layer type "dense" (only type "conv2d" accepts it)', at: ['"filters"'],
    });
  });

  test('a missing required option points at the layer type; integers where TF.js needs them', () => {
    expectProblem(doc((s) => { delete s.model.layers[0].units; }), {
      path: 'model.layers[0].units', message: 'missing required property "units": expected an integer ≥ 1 and ≤ 8192 or {"hp": "name"}',
      at: ['"dense"'],
    });
    expectProblem(doc((s) => { s.model.layers[0] = { type: 'conv2d', filters: 4.5, kernelSize: 3 }; }), {
      path: 'model.layers[0].filters', message: 'expected an integer, found 4.5', at: ['4.5'],
    });
    expectProblem(doc((s) => { s.model.layers[0] = { type: 'conv2d', filters: 4, kernelSize: [3, 0] }; }), {
      path: 'model.layers[0].kernelSize[1]', message: 'must be ≥ 1, found 0', at: ['3,\n          0', '0'],
    });
    expectProblem(doc((s) => { s.model.layers[0] = { type: 'conv2d', filters: 4, kernelSize: [3, 3, 3] }; }), {
      path: 'model.layers[0].kernelSize', message: 'must list at most 2 dimensions, found 3', at: ['"kernelSize": [', '['],
    });
    expectProblem(doc((s) => { s.model.layers[1].rate = 1; }), {
      path: 'model.layers[1].rate', message: /^1 is not a valid rate/, at: ['"rate": 1', '1'],
    });
  });

  test('exactly one of model.hidden and model.layers', () => {
    expectProblem(doc((s) => { s.model.hidden = [8]; }), {
      path: 'model.layers', message: /^model.hidden and model.layers both describe the network: keep one/, at: ['"layers"'],
    });
    expectProblem(doc((s) => { delete s.model.layers; }), {
      path: 'model.hidden', message: /^missing required property "hidden", "layers", "module" or "from"/, at: ['"model"'],
    });
  });

  test('the input-rate fields are refused with layers: a dropout layer first does their job', () => {
    expectProblem(doc((s) => { s.model.inputDropout = 0.2; }), {
      path: 'model.inputDropout', message: /^model.inputDropout applies to model.hidden only: put a dropout layer first in model.layers instead/,
      at: ['"inputDropout"'],
    });
    expectProblem(doc((s) => { s.sweep.inputRates = [0, 0.1]; }), {
      path: 'sweep.inputRates', message: /^sweep.inputRates searches the input rate of model.hidden only/, at: ['"inputRates"'],
    });
    expectProblem(doc((s) => { s.model.activation = 'tanh'; }), {
      path: 'model.activation', severity: 'warning', message: /^model.activation applies to model.hidden only/, at: ['"activation": "tanh"', '"activation"'],
    });
  });

  test('who takes sweep.rates: a dropout layer without a rate needs them, and they need such a layer', () => {
    const space = { lr: { type: 'choice', values: [0.01, 0.001] } };
    expectProblem(doc((s) => { s.sweep = { space }; s.training = { learningRate: { hp: 'lr' } }; }), {
      path: 'model.layers[1].rate', message: /^this dropout layer has no "rate" and sweep.rates is not given/, at: ['"dropout"'],
    });
    expectProblem(doc((s) => { s.model.layers[1].rate = 0.2; }), {
      path: 'sweep.rates', message: /^no layer uses sweep.rates: every dropout layer of model.layers has its own rate/, at: ['"rates"'],
    });
    expectProblem(doc((s) => { s.model.layers.pop(); }), {
      path: 'sweep.rates', message: /^no layer uses sweep.rates: model.layers has no dropout layer/, at: ['"rates"'],
    });
  });
});

describe('sweep.space and {"hp": name}', () => {
  const spaceDoc = (space: Json, edit: (s: Json) => void = () => {}): string => doc((s) => {
    s.model.layers = [
      { type: 'dense', units: { hp: 'units' }, activation: { hp: 'activation' } },
      { type: 'dropout', rate: { hp: 'drop' } },
    ];
    s.training = { learningRate: { hp: 'lr' }, batchSize: { hp: 'batch' } };
    s.sweep = { space, strategy: 'random', samples: 2 };
    edit(s);
  });
  const SPACE = {
    units: { type: 'int', min: 16, max: 64, step: 16 },
    activation: { type: 'choice', values: ['relu', 'tanh'] },
    drop: { type: 'float', min: 0, max: 0.5 },
    lr: { type: 'float', min: 0.0001, max: 0.1, step: 10, sampling: 'log', default: 0.001 },
    batch: { type: 'int', min: 16, max: 64, step: 2, sampling: 'log' },
  };

  test('a whole space, defaults filled in, in the order written; rates are optional with a space', () => {
    const spec = expectSpec(spaceDoc({ ...SPACE, units: { type: 'int', min: 16, max: 64 } }));
    assert.deepEqual(spec.sweep.space, {
      units: { type: 'int', min: 16, max: 64, step: 1, sampling: 'linear', default: 16 },
      activation: { type: 'choice', values: ['relu', 'tanh'], default: 'relu' },
      drop: { type: 'float', min: 0, max: 0.5, sampling: 'linear', default: 0 },
      lr: { type: 'float', min: 0.0001, max: 0.1, step: 10, sampling: 'log', default: 0.001 },
      batch: { type: 'int', min: 16, max: 64, step: 2, sampling: 'log', default: 16 },
    });
    assert.deepEqual(spec.sweep.rates, []);
    assert.deepEqual(spec.training.batchSize, { hp: 'batch' });
  });

  test('a fixed value stands for a constant; an int or a choice of integers fits an integer field', () => {
    const spec = expectSpec(spaceDoc({ ...SPACE, units: { type: 'choice', values: [16, 32] }, activation: { type: 'fixed', value: 'elu' } }));
    assert.deepEqual(spec.sweep.space!.activation, { type: 'fixed', value: 'elu' });
    assert.deepEqual(spec.sweep.space!.units, { type: 'choice', values: [16, 32], default: 16 });
  });

  test('a field that cannot be searched says so', () => {
    expectProblem(spaceDoc(SPACE, (s) => { s.training.epochs = { hp: 'lr' }; }), {
      path: 'training.epochs',
      message: 'training.epochs cannot name a hyperparameter (it is the same for every trial): expected an integer ≥ 1 and ≤ 100000',
      at: ['"epochs": {\n      "hp"', '"hp"'],
    });
  });

  test('a size names a hyperparameter whole or per dimension; each must be an integer', () => {
    const conv = (kernelSize: Json, k: Json): string => doc((s) => {
      s.dataset = { type: 'mnist' };
      s.model.layers = [{ type: 'conv2d', filters: { hp: 'filters' }, kernelSize }, { type: 'flatten' }, { type: 'dropout' }];
      s.sweep.space = { filters: { type: 'choice', values: [8, 16] }, k };
    });
    const spec = expectSpec(conv([{ hp: 'k' }, 3], { type: 'int', min: 3, max: 5, step: 2 }));
    assert.deepEqual(spec.model.layers![0], {
      type: 'conv2d', filters: { hp: 'filters' }, kernelSize: [{ hp: 'k' }, 3], strides: 1, padding: 'valid', activation: 'linear', useBias: true,
    });
    expectProblem(conv({ hp: 'k' }, { type: 'float', min: 3, max: 5 }), {
      path: 'model.layers[0].kernelSize', message: /^the hyperparameter "k" \(sweep.space.k\) is a float, but model.layers\[0\].kernelSize takes an integer/,
      at: ['"hp": "k"', '"k"'],
    });
  });

  test('neither rates nor space: an error on the sweep', () => {
    expectProblem(doc((s) => { s.sweep = { repeats: 2 }; }), {
      path: 'sweep.rates', message: /^missing required property "rates" or "space"/, at: ['"sweep"'],
    });
  });

  test("keras-tuner's rules for a range: min ≤ max, log sampling needs min > 0 and a step > 1, the default inside", () => {
    const at = (key: string, value: string): [string, string] => [`"${key}": ${value}`, value];
    expectProblem(spaceDoc({ ...SPACE, drop: { type: 'float', min: 0.5, max: 0.1 } }), {
      path: 'sweep.space.drop.max', message: 'max 0.1 is less than min 0.5', at: at('max', '0.1'),
    });
    expectProblem(spaceDoc({ ...SPACE, lr: { type: 'float', min: 0, max: 0.1, sampling: 'log' } }), {
      path: 'sweep.space.lr.min', message: 'sampling "log" spreads values by ratio, so min must be > 0, found 0', at: ['"min": 0,\n        "max": 0.1', '0'],
    });
    expectProblem(spaceDoc({ ...SPACE, lr: { type: 'float', min: 0.001, max: 0.1, sampling: 'reverse_log', step: 0.5 } }), {
      path: 'sweep.space.lr.step', message: 'with sampling "reverse_log", step is the factor between values and must be > 1, found 0.5', at: at('step', '0.5'),
    });
    expectProblem(spaceDoc({ ...SPACE, batch: { type: 'int', min: 16, max: 64, sampling: 'log' } }), {
      path: 'sweep.space.batch.sampling', message: /^an int with sampling "log" needs a step > 1/, at: ['"max": 64,\n        "sampling": "log"', '"log"'],
    });
    expectProblem(spaceDoc({ ...SPACE, drop: { type: 'float', min: 0, max: 0.5, default: 0.6 } }), {
      path: 'sweep.space.drop.default', message: 'default 0.6 is outside the range from min 0 to max 0.5', at: at('default', '0.6'),
    });
    expectProblem(spaceDoc({ ...SPACE, units: { type: 'int', min: 16.5, max: 64 } }), {
      path: 'sweep.space.units.min', message: 'expected an integer, found 16.5', at: ['16.5'],
    });
  });

  test("keras-tuner's rules for a choice: values of one type, distinct, the default among them", () => {
    expectProblem(spaceDoc({ ...SPACE, activation: { type: 'choice', values: ['relu', 1] } }), {
      path: 'sweep.space.activation.values[1]', message: 'the values of a choice must all be of one type: values[0] is a string, this is a number',
      at: ['"relu",\n          1', '1'],
    });
    expectProblem(spaceDoc({ ...SPACE, activation: { type: 'choice', values: ['relu', 'tanh', 'relu'] } }), {
      path: 'sweep.space.activation.values[2]', message: 'duplicate value "relu" (already at values[0])', at: ['"tanh",\n          "relu"', '"relu"'],
    });
    expectProblem(spaceDoc({ ...SPACE, activation: { type: 'choice', values: ['relu', 'tanh'], default: 'elu' } }), {
      path: 'sweep.space.activation.default', message: 'default "elu" is not one of the values', at: ['"elu"'],
    });
    expectProblem(spaceDoc({ ...SPACE, activation: { type: 'choice', values: [] } }), {
      path: 'sweep.space.activation.values', message: 'must list at least one value, found an empty array', at: ['[]'],
    });
  });

  test('names are identifiers; an unknown type or field of an entry says which', () => {
    expectProblem(spaceDoc({ ...SPACE, 'conv-rate': { type: 'float', min: 0, max: 0.5 } }), {
      path: 'sweep.space["conv-rate"]', message: /^"conv-rate" is not a valid hyperparameter name/, at: ['"conv-rate"'],
    });
    expectProblem(spaceDoc({ ...SPACE, drop: { type: 'Float', min: 0, max: 0.5 } }), {
      path: 'sweep.space.drop.type', message: /^unknown hyperparameter type "Float" — did you mean "float"\?/, at: ['"Float"'],
    });
    expectProblem(spaceDoc({ ...SPACE, drop: { type: 'choice', min: 0, values: [0, 0.5] } }), {
      path: 'sweep.space.drop.min', message: 'unknown property "min" for hyperparameter type "choice" (only types "float", "int" accept it)',
      at: ['"min": 0,\n        "values"', '"min"'],
    });
    expectProblem(spaceDoc({ ...SPACE, seed: { type: 'int', min: 0, max: 3 } }), {
      path: 'sweep.space.seed', message: '"seed" names a trial\'s seed in trial ids, tables and CSV columns: pick another name', at: ['"seed"'],
    });
    expectProblem(spaceDoc({}), { path: 'sweep.space', message: 'must define at least one hyperparameter, found an empty object', at: ['{}'] });
  });

  test('an unknown name is an error at the reference, with "did you mean"; an unused entry at its name', () => {
    expectProblem(spaceDoc(SPACE, (s) => { s.training.learningRate = { hp: 'Lr' }; }), {
      path: 'training.learningRate', message: 'unknown hyperparameter "Lr" — did you mean "lr"?', at: ['"Lr"'],
    });
    const problems = parseSpec(spaceDoc(SPACE, (s) => { s.training.learningRate = { hp: 'Lr' }; })).problems;
    assert.equal(problems.length, 1, `the entry "lr", suggested, is not also reported as unused:\n${show(problems)}`);
    expectProblem(spaceDoc(SPACE, (s) => { s.training.learningRate = { hp: 'step_size' }; }), {
      path: 'training.learningRate', message: 'unknown hyperparameter "step_size" (sweep.space defines "units", "activation", "drop", "lr", "batch")',
      at: ['"step_size"'],
    });
    expectProblem(spaceDoc(SPACE, (s) => { s.training.learningRate = 0.01; }), {
      path: 'sweep.space.lr', message: 'the hyperparameter "lr" is not used: no field says {"hp": "lr"} (refer to it, or remove it)', at: ['"lr": {', '"lr"'],
    });
    const unknownType = parseSpec(spaceDoc(SPACE, (s) => { s.model.layers[1].type = 'Dropout'; })).problems;
    assert.deepEqual(unknownType.map((p) => p.path), ['model.layers[1].type'], `"drop" is used by the layer of an unknown type:\n${show(unknownType)}`);
    expectProblem(doc((s) => { s.training = { learningRate: { hp: 'lr' } }; }), {
      path: 'training.learningRate', message: 'unknown hyperparameter "lr": sweep.space defines no hyperparameter', at: ['"lr"'],
    });
    expectProblem(spaceDoc(SPACE, (s) => { s.training.learningRate = { hp: 'lr', scale: 2 }; }), {
      path: 'training.learningRate.scale', message: 'unknown property "scale" (allowed: "hp")', at: ['"scale"'],
    });
  });

  test('every value a hyperparameter can take must fit each field that uses it; the message names both', () => {
    expectProblem(spaceDoc({ ...SPACE, units: { type: 'float', min: 16, max: 64 } }), {
      path: 'model.layers[0].units',
      message: 'the hyperparameter "units" (sweep.space.units) is a float, but model.layers[0].units takes an integer ≥ 1 and ≤ 8192: '
        + 'use "type": "int" (or a choice of integers)',
      at: ['"hp": "units"', '"units"'],
    });
    expectProblem(spaceDoc({ ...SPACE, batch: { type: 'choice', values: [16, 24.5] } }), {
      path: 'training.batchSize', message: 'the hyperparameter "batch" (sweep.space.batch) can be 24.5, which training.batchSize does not accept: '
        + 'expected an integer, found 24.5',
      at: ['"hp": "batch"', '"batch"'],
    });
    expectProblem(spaceDoc({ ...SPACE, drop: { type: 'float', min: 0, max: 1 } }), {
      path: 'model.layers[1].rate', message: /^the hyperparameter "drop" \(sweep.space.drop\) can be 1, which model.layers\[1\].rate does not accept: 1 is not a valid rate/,
      at: ['"hp": "drop"', '"drop"'],
    });
    expectProblem(spaceDoc({ ...SPACE, lr: { type: 'choice', values: [0.01, 0] } }), {
      path: 'training.learningRate',
      message: 'the hyperparameter "lr" (sweep.space.lr) can be 0, which training.learningRate does not accept: must be > 0, found 0',
      at: ['"hp": "lr"', '"lr"'],
    });
    expectProblem(spaceDoc({ ...SPACE, activation: { type: 'choice', values: ['relu', 'gelu'] } }), {
      path: 'model.layers[0].activation',
      message: 'the hyperparameter "activation" (sweep.space.activation) can be "gelu", but model.layers[0].activation takes one of "linear", "relu", '
        + '"tanh", "sigmoid", "elu", "softmax"',
      at: ['"hp": "activation"', '"activation"'],
    });
    expectProblem(spaceDoc({ ...SPACE, activation: { type: 'float', min: 0, max: 1 } }), {
      path: 'model.layers[0].activation', message: /^the hyperparameter "activation" \(sweep.space.activation\) is a float, but model.layers\[0\].activation takes a name/,
      at: ['"hp": "activation"', '"activation"'],
    });
    expectProblem(spaceDoc({ ...SPACE, batch: { type: 'boolean' } }), {
      path: 'training.batchSize', message: /^the hyperparameter "batch" \(sweep.space.batch\) is a boolean, but training.batchSize takes an integer/,
      at: ['"hp": "batch"', '"batch"'],
    });
  });
});

describe('dataset type images', () => {
  const imagesDoc = (dataset: Json): string => doc((s) => { s.dataset = { type: 'images', path: 'digits', ...dataset }; });

  test('path is required; size, channels and augment are optional; augment fills flip false and shift 0', () => {
    assert.deepEqual(expectSpec(imagesDoc({})).dataset, { type: 'images', path: 'digits', validationFraction: 0.2, testFraction: 0.2 });
    assert.deepEqual(expectSpec(imagesDoc({ size: [28, 32], channels: 3, augment: {} })).dataset, {
      type: 'images', path: 'digits', size: [28, 32], channels: 3, augment: { flip: false, shift: 0 }, validationFraction: 0.2, testFraction: 0.2,
    });
    expectProblem(doc((s) => { s.dataset = { type: 'images' }; }), {
      path: 'dataset.path', message: 'missing required property "path": expected a non-empty string', at: ['"dataset"'],
    });
  });

  test('the path stays inside the spec folder; size [h, w] of positive integers; channels 1 or 3; shift in [0, 0.5]', () => {
    expectProblem(imagesDoc({ path: '../elsewhere' }), { path: 'dataset.path', message: /^must stay inside the spec's folder/, at: ['"../elsewhere"'] });
    expectProblem(imagesDoc({ size: 28 }), { path: 'dataset.size', message: /^expected an array of 2 to 2 dimensions/, at: ['28'] });
    expectProblem(imagesDoc({ size: [28, 0] }), { path: 'dataset.size[1]', message: 'must be ≥ 1, found 0', at: ['28,\n      0', '0'] });
    expectProblem(imagesDoc({ channels: 2 }), { path: 'dataset.channels', message: 'must be 1 or 3, found 2', at: ['2'] });
    expectProblem(imagesDoc({ augment: { flip: 'yes' } }), {
      path: 'dataset.augment.flip', message: 'expected true or false, found the string "yes"', at: ['"yes"'],
    });
    expectProblem(imagesDoc({ augment: { shift: 0.75 } }), { path: 'dataset.augment.shift', message: 'must be ≤ 0.5, found 0.75', at: ['0.75'] });
    expectProblem(imagesDoc({ validationFraction: 0.5, testFraction: 0.5 }), {
      path: 'dataset.testFraction', message: /^validationFraction \+ testFraction = 0.5 \+ 0.5 = 1 leaves no samples to train on/, at: ['"testFraction": 0.5', '0.5'],
    });
  });
});
