import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_NESTING, parseSpec } from '../../src/engine/spec/parse';
import { problemAt } from '../../src/engine/spec/positions';
import { DATASET_TYPES, LAYER_TYPES, MAX_RATES, SPEC_SHAPES, type Field, type Shape } from '../../src/engine/spec/rules';
import { specJsonSchemaText } from '../../src/engine/spec/jsonSchema';
import { expandRateRange, formatProblem } from '../../src/engine/spec/format';
import type { ExperimentSpec, LayerType, SpecProblem } from '../../src/core/spec';
import { expectProblem, expectSpec, lineCol, show, type Expectation } from '../support/specExpect';
import { createRng } from '../../src/engine/random';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

type Json = any;

const FULL = `{
  "$schema": "../schemas/dropout.schema.json",          // optional
  "name": "moons",
  /* block comments too */
  "dataset": { "type": "moons", "samples": 300, "noise": 0.25, "validationFraction": 0.5 },
  "model": { "hidden": [256, 256], "activation": "relu", "inputDropout": 0, "dropoutStyle": "inverted" },
  "training": { "epochs": 150, "batchSize": 32, "optimizer": "adam", "learningRate": 0.01, "seed": 1,
                "earlyStopping": { "patience": 20, "minDelta": 0 } },
  "sweep": { "rates": { "min": 0, "max": 0.8, "step": 0.1 }, "repeats": 1 },
  "evaluation": { "mcSamples": 20 },
}
`;

const minimal = (): Json => ({ name: 'm', dataset: { type: 'moons' }, model: { hidden: [8] }, sweep: { rates: [0, 0.5] } });

/** The minimal spec, changed by `edit`, as pretty-printed JSON (so problems land on different lines). */
function doc(edit: (s: Json) => void = () => {}): string {
  const s = minimal();
  edit(s);
  return JSON.stringify(s, null, 2);
}

// ---------------------------------------------------------------------------------------------------------------

describe('parseSpec: valid specs', () => {
  test('the full example resolves to exactly these values, with no problem', () => {
    const result = parseSpec(FULL);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.spec, {
      name: 'moons',
      dataset: { type: 'moons', samples: 300, noise: 0.25, validationFraction: 0.5, testFraction: 0.2 },
      model: { hidden: [256, 256], activation: 'relu', inputDropout: 0, dropoutStyle: 'inverted' },
      training: {
        epochs: 150, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 1,
        earlyStopping: { patience: 20, minDelta: 0 },
      },
      sweep: {
        rates: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], repeats: 1,
        strategy: 'grid', objective: 'val_loss', select: 'best-epoch', seed: 1, factor: 3, iterations: 1,
      },
      evaluation: { mcSamples: 20 },
    } satisfies ExperimentSpec);
  });

  test('a minimal spec gets every default', () => {
    assert.deepEqual(expectSpec(doc()), {
      name: 'm',
      dataset: { type: 'moons', samples: 400, noise: 0.2, validationFraction: 0.3, testFraction: 0.2 },
      model: { hidden: [8], activation: 'relu', inputDropout: 0, dropoutStyle: 'inverted' },
      training: { epochs: 50, batchSize: 32, optimizer: 'adam', learningRate: 0.001, seed: 0 },
      sweep: { rates: [0, 0.5], repeats: 1, strategy: 'grid', objective: 'val_loss', select: 'best-epoch', seed: 0, factor: 3, iterations: 1 },
      evaluation: { mcSamples: 0 },
    } satisfies ExperimentSpec);
  });

  test('each dataset type gets its own defaults', () => {
    const dataset = (d: Json) => expectSpec(doc((s) => { s.dataset = d; })).dataset;
    assert.deepEqual(dataset({ type: 'circles' }), { type: 'circles', samples: 400, noise: 0.2, factor: 0.5, validationFraction: 0.3, testFraction: 0.2 });
    assert.deepEqual(dataset({ type: 'spirals' }),
      { type: 'spirals', samples: 400, noise: 0.2, classes: 3, turns: 1.5, validationFraction: 0.3, testFraction: 0.2 });
    assert.deepEqual(dataset({ type: 'mnist' }), { type: 'mnist', trainSamples: 1000, validationSamples: 1000, testSamples: 1000 });
    assert.deepEqual(dataset({ type: 'csv', path: 'data/iris.csv', target: 'species' }),
      { type: 'csv', path: 'data/iris.csv', target: 'species', task: 'classification', validationFraction: 0.2, testFraction: 0.2 });
    assert.deepEqual(dataset({ type: 'mnist', trainSamples: 4000, validationSamples: 5000 }),
      { type: 'mnist', trainSamples: 4000, validationSamples: 5000, testSamples: 1000 });
    assert.deepEqual(dataset({ type: 'mnist', trainSamples: 5000, validationSamples: 5000, testSamples: 0 }),
      { type: 'mnist', trainSamples: 5000, validationSamples: 5000, testSamples: 0 });
  });

  test('earlyStopping gets minDelta 0 and is absent when not given', () => {
    assert.deepEqual(expectSpec(doc((s) => { s.training = { earlyStopping: { patience: 5 } }; })).training.earlyStopping,
      { patience: 5, minDelta: 0 });
    assert.equal('earlyStopping' in expectSpec(doc()).training, false);
  });

  test('the range form expands to exactly [0, 0.1, …, 0.8]', () => {
    const rates = expectSpec(doc((s) => { s.sweep.rates = { min: 0, max: 0.8, step: 0.1 }; })).sweep.rates;
    assert.deepEqual(rates, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    assert.equal(rates.length, 9);
  });

  test('a list of rates is sorted ascending', () => {
    assert.deepEqual(expectSpec(doc((s) => { s.sweep.rates = [0.5, 0, 0.25, 0.1]; })).sweep.rates, [0, 0.1, 0.25, 0.5]);
  });

  test('comments and trailing commas are allowed', () => {
    const text = `// header\n{\n  "name": "c", /* inline */\n  "dataset": {"type": "moons",},\n`
      + `  "model": {"hidden": [4, 4,],},\n  "sweep": {"rates": [0, 0.2,],},\n}\n`;
    assert.deepEqual(expectSpec(text).model.hidden, [4, 4]);
  });

  test('a BOM at the start is accepted', () => {
    assert.equal(expectSpec(`\uFEFF${doc()}`).name, 'm');
  });
});

describe('parseSpec: syntax', () => {
  test('a missing comma is reported at the next property', () => {
    const text = '{\n  "name": "m"\n  "dataset": {"type": "moons"},\n  "model": {"hidden": [8]},\n  "sweep": {"rates": [0, 0.5]}\n}';
    expectProblem(text, { path: '', message: "syntax error: expected ',' (CommaExpected)", at: ['"dataset"'] });
  });

  test('an unclosed brace is reported at the end of the text', () => {
    const text = doc().replace(/\}\s*$/, '');
    const problem = parseSpec(text).problems.find((p) => p.message.includes('CloseBraceExpected'));
    assert.ok(problem);
    assert.equal(problem.message, "syntax error: the text ends too early: expected '}' (CloseBraceExpected)");
    assert.equal(problem.offset, text.length);
    assert.deepEqual({ line: problem.line, column: problem.column }, lineCol(text, text.length));
  });

  test('an unexpected character is quoted; a single quote is explained', () => {
    const problem = parseSpec("{ 'name': 1 }").problems.find((p) => p.message.startsWith('syntax error'));
    assert.equal(problem!.message, `syntax error: unexpected character "'name'": strings and property names take double quotes (InvalidSymbol)`);
    assert.deepEqual([problem!.line, problem!.column], [1, 3]);
  });

  test('nesting deeper than MAX_NESTING is one positioned problem, not a stack overflow', () => {
    const text = `{ "name": ${'['.repeat(100_000)}${']'.repeat(100_000)} }`;
    const { spec, problems } = parseSpec(text);
    assert.equal(spec, undefined);
    assert.equal(problems.length, 1);
    // The root brace is level 1, so the bracket opening level 65 is the 64th "[" at column 11 + 63.
    assert.deepEqual([problems[0]!.line, problems[0]!.column, problems[0]!.message],
      [1, 74, `nested more than ${MAX_NESTING} levels deep: a spec is an object of a few levels`]);
  });

  test('an empty document is one problem at 1:1', () => {
    for (const text of ['', '  \n\t', '\uFEFF']) {
      const { spec, problems } = parseSpec(text);
      assert.equal(spec, undefined);
      assert.equal(problems.length, 1, show(problems));
      assert.match(problems[0]!.message, /^the document is empty/);
      assert.deepEqual([problems[0]!.line, problems[0]!.column], [1, 1]);
    }
  });

  test('the root must be an object', () => {
    expectProblem('[1, 2]', { path: '', message: 'the document must be an object, found an array', at: ['[1, 2]'] });
    expectProblem('"moons"', { path: '', message: 'the document must be an object, found the string "moons"', at: ['"moons"'] });
  });

  test('after a BOM, offsets are in the original text and columns are what an editor shows', () => {
    const text = `\uFEFF{"name": 3, "dataset": {"type": "moons"}, "model": {"hidden": [8]}, "sweep": {"rates": [0, 0.5]}}`;
    const p = expectProblem(text, { path: 'name', message: 'expected a non-empty string, found 3', at: ['"name": 3', '3'] });
    assert.deepEqual([p.offset, p.line, p.column], [10, 1, 10]);
    const missing = expectProblem(`\uFEFF{}`, { path: 'name', message: /^missing required property "name"/, at: ['{'] });
    assert.deepEqual([missing.line, missing.column], [1, 1]);
  });
});

describe('parseSpec: wrong types and out-of-range values', () => {
  const cases: Array<[string, (s: Json) => void, Expectation]> = [
    ['integer given a string', (s) => { s.training = { epochs: 'ten' }; },
      { path: 'training.epochs', message: 'expected an integer ≥ 1 and ≤ 100000, found the string "ten"', at: ['"ten"'] }],
    ['integer given a fraction', (s) => { s.training = { batchSize: 2.5 }; },
      { path: 'training.batchSize', message: 'expected an integer, found 2.5', at: ['2.5'] }],
    ['integer below its minimum', (s) => { s.training = { epochs: 0 }; },
      { path: 'training.epochs', message: 'must be ≥ 1, found 0', at: ['"epochs": 0', '0'] }],
    ['integer above its maximum', (s) => { s.training = { seed: 2 ** 31 }; },
      { path: 'training.seed', message: 'must be ≤ 2147483647, found 2147483648', at: ['2147483648'] }],
    ['exclusive minimum', (s) => { s.training = { learningRate: 0 }; },
      { path: 'training.learningRate', message: 'must be > 0, found 0', at: ['"learningRate": 0', '0'] }],
    ['number given null', (s) => { s.dataset.noise = null; },
      { path: 'dataset.noise', message: 'expected a number ≥ 0 and ≤ 10, found null', at: ['null'] }],
    ['number given a boolean', (s) => { s.training = { learningRate: true }; },
      { path: 'training.learningRate', message: 'expected a number > 0 and ≤ 10 or {"hp": "name"}, found true', at: ['true'] }],
    ['exclusive maximum', (s) => { s.dataset.validationFraction = 1; },
      { path: 'dataset.validationFraction', message: 'must be < 1, found 1', at: ['"validationFraction": 1', '1'] }],
    ['samples too few', (s) => { s.dataset.samples = 5; },
      { path: 'dataset.samples', message: 'must be ≥ 10, found 5', at: ['5'] }],
    ['circles factor', (s) => { s.dataset = { type: 'circles', factor: 1.5 }; },
      { path: 'dataset.factor', message: 'must be < 1, found 1.5', at: ['1.5'] }],
    ['spirals classes', (s) => { s.dataset = { type: 'spirals', classes: 1 }; },
      { path: 'dataset.classes', message: 'must be ≥ 2, found 1', at: ['"classes": 1', '1'] }],
    ['spirals turns', (s) => { s.dataset = { type: 'spirals', turns: 0 }; },
      { path: 'dataset.turns', message: 'must be > 0, found 0', at: ['"turns": 0', '0'] }],
    ['name given a number', (s) => { s.name = 7; },
      { path: 'name', message: 'expected a non-empty string, found 7', at: ['7'] }],
    ['empty name', (s) => { s.name = ''; },
      { path: 'name', message: 'must not be empty or blank', at: ['""'] }],
    ['name too long', (s) => { s.name = 'x'.repeat(101); },
      { path: 'name', message: 'must be at most 100 characters, found 101', at: [`"${'x'.repeat(101)}"`] }],
    ['model given an array', (s) => { s.model = [8]; },
      { path: 'model', message: 'expected an object, found an array', at: ['"model": [', '['] }],
    ['empty hidden', (s) => { s.model.hidden = []; },
      { path: 'model.hidden', message: 'must list at least one layer, found an empty array', at: ['[]'] }],
    ['too many layers', (s) => { s.model.hidden = Array(33).fill(4); },
      { path: 'model.hidden', message: 'must list at most 32 layers, found 33', at: ['"hidden": [', '['] }],
    ['layer of 0 units', (s) => { s.model.hidden = [8, 0]; },
      { path: 'model.hidden[1]', message: 'must be ≥ 1, found 0', at: ['0\n', '0'] }],
    ['hidden given a number', (s) => { s.model.hidden = 64; },
      { path: 'model.hidden', message: 'expected an array of 1 to 32 layers, each an integer ≥ 1 and ≤ 8192, found 64', at: ['64'] }],
    ['activation with the wrong case', (s) => { s.model.activation = 'Relu'; },
      { path: 'model.activation', message: 'unknown activation "Relu" — did you mean "relu"? (allowed: "relu", "tanh", "sigmoid", "elu")', at: ['"Relu"'] }],
    ['misspelt optimizer', (s) => { s.training = { optimizer: 'adm' }; },
      { path: 'training.optimizer', message: 'unknown optimizer "adm" — did you mean "adam"? (allowed: "adam", "sgd", "rmsprop")', at: ['"adm"'] }],
    ['enum given a number', (s) => { s.model.dropoutStyle = 1; },
      { path: 'model.dropoutStyle', message: 'expected one of "inverted", "standard", found 1', at: ['"dropoutStyle": 1', '1'] }],
    ['inputDropout of 1', (s) => { s.model.inputDropout = 1; },
      { path: 'model.inputDropout', message: /drop probability \(keep p = 1 − rate\), and 1 would drop every unit/, at: ['"inputDropout": 1', '1'] }],
    ['mcSamples negative', (s) => { s.evaluation = { mcSamples: -1 }; },
      { path: 'evaluation.mcSamples', message: 'must be ≥ 0, found -1', at: ['-1'] }],
    ['repeats 0', (s) => { s.sweep.repeats = 0; },
      { path: 'sweep.repeats', message: 'must be ≥ 1, found 0', at: ['"repeats": 0', '0'] }],
    ['patience 0', (s) => { s.training = { earlyStopping: { patience: 0 } }; },
      { path: 'training.earlyStopping.patience', message: 'must be ≥ 1, found 0', at: ['"patience": 0', '0'] }],
    ['evaluation given a string', (s) => { s.evaluation = 'mc'; },
      { path: 'evaluation', message: 'expected an object, found the string "mc"', at: ['"mc"'] }],
  ];
  for (const [name, edit, expectation] of cases) {
    test(name, () => { expectProblem(doc(edit), expectation); });
  }

  test('a number too large for a double is not accepted', () => {
    const text = doc().replace('"type": "moons"', '"type": "moons", "samples": 1e999');
    expectProblem(text, { path: 'dataset.samples', message: 'expected an integer ≥ 10 and ≤ 1000000, found Infinity', at: ['1e999'] });
  });
});

describe('parseSpec: unknown keys and values', () => {
  test('an unknown key close to a known one gets "did you mean"', () => {
    expectProblem(doc((s) => { s.training = { epoch: 10 }; }),
      { path: 'training.epoch', message: 'unknown property "epoch" — did you mean "epochs"?', at: ['"epoch"'] });
    expectProblem(doc((s) => { s.training = { BatchSize: 10 }; }),
      { path: 'training.BatchSize', message: 'unknown property "BatchSize" — did you mean "batchSize"?', at: ['"BatchSize"'] });
  });

  test('an unknown key far from every known one lists the allowed keys', () => {
    expectProblem(doc((s) => { s.comment = 'x'; }), {
      path: 'comment',
      message: 'unknown property "comment" (allowed: "$schema", "name", "dataset", "model", "training", "sweep", "evaluation")',
      at: ['"comment"'],
    });
  });

  test('a key of another dataset type says which types accept it', () => {
    expectProblem(doc((s) => { s.dataset.factor = 0.5; }), {
      path: 'dataset.factor',
      message: 'unknown property "factor" for dataset type "moons" (only type "circles" accepts it)',
      at: ['"factor"'],
    });
    expectProblem(doc((s) => { s.dataset = { type: 'mnist', noise: 0.1 }; }), {
      path: 'dataset.noise',
      message: 'unknown property "noise" for dataset type "mnist" (only types "moons", "circles", "spirals" accept it)',
      at: ['"noise"'],
    });
  });

  test('an unknown dataset type gets "did you mean" and the allowed types', () => {
    expectProblem(doc((s) => { s.dataset.type = 'moon'; }), {
      path: 'dataset.type',
      message: 'unknown dataset type "moon" — did you mean "moons"? (allowed: "moons", "circles", "spirals", "mnist", "csv", "images")',
      at: ['"moon"'],
    });
    expectProblem(doc((s) => { s.dataset.type = 'imagenet'; }), {
      path: 'dataset.type',
      message: 'unknown dataset type "imagenet" (allowed: "moons", "circles", "spirals", "mnist", "csv", "images")',
      at: ['"imagenet"'],
    });
  });

  test('a duplicate key is an error at its second occurrence', () => {
    const text = '{"name": "a", "name": "b", "dataset": {"type": "moons"}, "model": {"hidden": [8]}, "sweep": {"rates": [0, 0.5]}}';
    expectProblem(text, { path: 'name', message: 'duplicate property "name"', at: ['"name": "b"', '"name"'] });
  });
});

describe('parseSpec: sweep rates', () => {
  const rates = (value: Json) => doc((s) => { s.sweep.rates = value; });

  test('a rate of 1 or more explains that rate is the drop probability', () => {
    expectProblem(rates([0, 1]), {
      path: 'sweep.rates[1]',
      message: '1 is not a valid rate: a rate is the drop probability (keep p = 1 − rate), and 1 would drop every unit; use a value ≥ 0 and < 1',
      at: ['1\n', '1'],
    });
    expectProblem(rates([1.5, 0]), { path: 'sweep.rates[0]', message: /^1\.5 is not a valid rate: a rate is the drop probability/, at: ['1.5'] });
  });

  test('a negative rate has its own message', () => {
    expectProblem(rates([0, -0.2]), {
      path: 'sweep.rates[1]',
      message: '-0.2 is negative: a rate is a drop probability, from 0 (keep every unit) to just below 1',
      at: ['-0.2'],
    });
  });

  test('a duplicate rate is reported at the duplicate', () => {
    const text = rates([0.1, 0.5, 0.1]);
    expectProblem(text, {
      path: 'sweep.rates[2]',
      message: 'duplicate rate 0.1 (already at sweep.rates[0])',
      at: ['0.5,\n      0.1', '0.1'],
    });
  });

  test('an empty list, a non-number and a wrong type', () => {
    expectProblem(rates([]), { path: 'sweep.rates', message: 'must list at least one rate, found an empty array', at: ['[]'] });
    expectProblem(rates([0, 'half']), {
      path: 'sweep.rates[1]', message: 'expected a drop probability (a number ≥ 0 and < 1), found the string "half"', at: ['"half"'],
    });
    expectProblem(rates('0.5'), {
      path: 'sweep.rates', message: 'expected an array of rates or a range {"min", "max", "step"}, found the string "0.5"', at: ['"0.5"'],
    });
  });

  test('range: min > max, step ≤ 0, too many values, missing step', () => {
    expectProblem(rates({ min: 0.8, max: 0.2, step: 0.1 }),
      { path: 'sweep.rates.max', message: 'max 0.2 is less than min 0.8', at: ['0.2'] });
    expectProblem(rates({ min: 0, max: 0.5, step: 0 }),
      { path: 'sweep.rates.step', message: 'must be > 0, found 0', at: ['"step": 0', '0'] });
    expectProblem(rates({ min: 0, max: 0.5, step: -0.1 }),
      { path: 'sweep.rates.step', message: 'must be > 0, found -0.1', at: ['-0.1'] });
    expectProblem(rates({ min: 0, max: 0.99, step: 0.0001 }), {
      path: 'sweep.rates.step',
      message: `the range from 0 to 0.99 in steps of 0.0001 has 9901 rates; at most ${MAX_RATES} are allowed`,
      at: ['0.0001'],
    });
    expectProblem(rates({ min: 0, max: 1, step: 0.5 }), { path: 'sweep.rates.max', message: /^1 is not a valid rate/, at: ['"max": 1', '1'] });
    expectProblem(rates({ min: 0, max: 0.5 }),
      { path: 'sweep.rates.step', message: /^missing required property "step": only strategy "random" draws from a continuous range/, at: ['"rates"'] });
  });

  test('a range with both min > max and a bad step reports both', () => {
    const { problems } = parseSpec(rates({ min: 0.8, max: 0.2, step: 0 }));
    assert.deepEqual(problems.map((p) => p.path), ['sweep.rates.max', 'sweep.rates.step']);
  });
});

describe('parseSpec: datasets', () => {
  const dataset = (value: Json) => doc((s) => { s.dataset = value; });

  test('mnist: trainSamples + validationSamples over 10000 names both numbers', () => {
    expectProblem(dataset({ type: 'mnist', trainSamples: 9000, validationSamples: 2000 }), {
      path: 'dataset.validationSamples',
      message: 'trainSamples + validationSamples = 9000 + 2000 = 11000, but the mnist package ships only 10000 digits',
      at: ['2000'],
    });
    expectProblem(dataset({ type: 'mnist', trainSamples: 9500 }), {
      path: 'dataset.trainSamples',
      message: 'trainSamples + validationSamples = 9500 + 1000 = 10500, but the mnist package ships only 10000 digits',
      at: ['9500'],
    });
    expectProblem(dataset({ type: 'mnist', trainSamples: 20000 }),
      { path: 'dataset.trainSamples', message: 'must be ≤ 9990, found 20000', at: ['20000'] });
  });

  test('mnist: the test split counts too, and the problem is on the last split field written', () => {
    expectProblem(dataset({ type: 'mnist', trainSamples: 5000, validationSamples: 4000, testSamples: 1001 }), {
      path: 'dataset.testSamples',
      message: 'trainSamples + validationSamples + testSamples = 5000 + 4000 + 1001 = 10001, but the mnist package ships only 10000 digits',
      at: ['1001'],
    });
    // testSamples left to its default: the message says so, on the field that was written.
    expectProblem(dataset({ type: 'mnist', trainSamples: 5000, validationSamples: 5000 }), {
      path: 'dataset.validationSamples',
      message: 'trainSamples + validationSamples + testSamples = 5000 + 5000 + 1000 = 11000, but the mnist package ships only 10000 digits'
        + ' (testSamples defaults to 1000: lower it, or set it to 0 to go without a test split)',
      at: ['"validationSamples": 5000', '5000'],
    });
    expectProblem(dataset({ type: 'mnist', testSamples: 9981 }),
      { path: 'dataset.testSamples', message: 'must be ≤ 9980, found 9981', at: ['9981'] });
    expectProblem(dataset({ type: 'mnist', testSamples: -1 }),
      { path: 'dataset.testSamples', message: 'must be ≥ 0, found -1', at: ['-1'] });
  });

  test('testFraction: 0 opts out with a warning; with validationFraction it must leave samples to train on', () => {
    const optOut = expectProblem(dataset({ type: 'moons', testFraction: 0 }), {
      path: 'dataset.testFraction', severity: 'warning', at: ['"testFraction": 0', '0'],
      message: 'testFraction 0: no test split, so every figure reported is a validation figure, '
        + 'measured on the data that also chooses the epoch, the configuration and the model',
    });
    assert.ok(optOut);
    assert.equal(expectSpec(dataset({ type: 'moons', testFraction: 0 })).dataset.type, 'moons');
    expectProblem(dataset({ type: 'mnist', testSamples: 0 }),
      { path: 'dataset.testSamples', severity: 'warning', at: ['"testSamples": 0', '0'], message: /^testSamples 0: no test split/ });
    expectProblem(dataset({ type: 'circles', validationFraction: 0.4, testFraction: 0.6 }), {
      path: 'dataset.testFraction', at: ['"testFraction": 0.6', '0.6'],
      message: 'validationFraction + testFraction = 0.4 + 0.6 = 1 leaves no samples to train on; the two must add up to less than 1',
    });
    expectProblem(dataset({ type: 'csv', path: 'd.csv', target: 'y', validationFraction: 0.9 }), {
      path: 'dataset.validationFraction', at: ['"validationFraction": 0.9', '0.9'],
      message: 'validationFraction + testFraction = 0.9 + 0.2 = 1.1 leaves no samples to train on; '
        + 'the two must add up to less than 1 (testFraction defaults to 0.2)',
    });
    expectProblem(dataset({ type: 'spirals', testFraction: 1 }), { path: 'dataset.testFraction', message: 'must be < 1, found 1', at: ['1'] });
    expectProblem(dataset({ type: 'moons', testFraction: -0.1 }), { path: 'dataset.testFraction', message: 'must be ≥ 0, found -0.1', at: ['-0.1'] });
    expectProblem(dataset({ type: 'mnist', testFraction: 0.1 }),
      { path: 'dataset.testFraction', message: /^unknown property "testFraction" for dataset type "mnist"/, at: ['"testFraction"'] });
  });

  test('sweep.select: best-epoch by default, or final-epoch; anything else is a positioned error', () => {
    assert.equal(expectSpec(doc((s) => { s.sweep.select = 'final-epoch'; })).sweep.select, 'final-epoch');
    expectProblem(doc((s) => { s.sweep.select = 'final'; }), {
      path: 'sweep.select', at: ['"final"'],
      message: 'unknown select rule "final" (allowed: "best-epoch", "final-epoch")',
    });
  });

  test('csv: the path must be relative and stay inside the spec folder', () => {
    const csv = (path: string) => dataset({ type: 'csv', path, target: 'y' });
    for (const path of ['/data/x.csv', 'C:\\data\\x.csv', '\\\\server\\x.csv']) {
      const text = csv(path);
      expectProblem(text, {
        path: 'dataset.path',
        message: `must be relative to the spec's folder, found the absolute path ${JSON.stringify(path)}`,
        at: [JSON.stringify(path)],
      });
    }
    for (const path of ['../x.csv', 'data/../../x.csv', '..\\x.csv', './..']) {
      expectProblem(csv(path), {
        path: 'dataset.path',
        message: `must stay inside the spec's folder, but ${JSON.stringify(path)} leads out of it through ".."`,
        at: [JSON.stringify(path)],
      });
    }
    assert.equal((expectSpec(csv('data/../x.csv')).dataset as { path: string }).path, 'data/../x.csv');
  });

  test('csv: path and target are required, target non-empty, task an enum', () => {
    const text = dataset({ type: 'csv' });
    expectProblem(text, { path: 'dataset.path', message: 'missing required property "path": expected a non-empty string', at: ['"dataset"'] });
    expectProblem(text, { path: 'dataset.target', message: 'missing required property "target": expected a non-empty string', at: ['"dataset"'] });
    expectProblem(dataset({ type: 'csv', path: 'a.csv', target: ' ' }), { path: 'dataset.target', message: 'must not be empty or blank', at: ['" "'] });
    expectProblem(dataset({ type: 'csv', path: 'a.csv', target: 'y', task: 'regresion' }), {
      path: 'dataset.task',
      message: 'unknown task "regresion" — did you mean "regression"? (allowed: "classification", "regression")',
      at: ['"regresion"'],
    });
  });

  test('a dataset without a type: the type is required, and keys no type accepts are still reported', () => {
    const text = dataset({ samples: 100, colour: 'red' });
    expectProblem(text, {
      path: 'dataset.type',
      message: 'missing required property "type": expected one of "moons", "circles", "spirals", "mnist", "csv", "images"',
      at: ['"dataset"'],
    });
    expectProblem(text, { path: 'dataset.colour', message: /^unknown property "colour"/, at: ['"colour"'] });
    assert.equal(parseSpec(text).problems.length, 2);
  });
});

describe('parseSpec: missing required fields', () => {
  test('a missing top-level field points at the root brace', () => {
    const text = '\n  {"name": "m", "dataset": {"type": "moons"}, "model": {"hidden": [8]}}';
    expectProblem(text, { path: 'sweep', message: 'missing required property "sweep": expected an object', at: ['{'] });
  });

  test('a missing nested field points at the key of its object', () => {
    expectProblem(doc((s) => { s.model = {}; }),
      { path: 'model.hidden', message: /^missing required property "hidden", "layers", "module" or "from": the units of each hidden layer/, at: ['"model"'] });
    expectProblem(doc((s) => { s.sweep = { repeats: 2 }; }),
      { path: 'sweep.rates', message: /^missing required property "rates"/, at: ['"sweep"'] });
    expectProblem(doc((s) => { s.training = { earlyStopping: {} }; }),
      { path: 'training.earlyStopping.patience', message: 'missing required property "patience": expected an integer ≥ 1', at: ['"earlyStopping"'] });
  });

  test('{} lacks name, dataset, model and sweep', () => {
    assert.deepEqual(parseSpec('{}').problems.map((p) => p.path), ['name', 'dataset', 'model', 'sweep']);
  });
});

describe('parseSpec: several problems', () => {
  test('every problem is reported, in document order', () => {
    const text = doc((s) => {
      s.name = '';
      s.dataset.type = 'moon';
      s.model.hidden = [8, 2.5];
      s.training = { epoch: 5, optimizer: 'SGD' };
      s.sweep.rates = [0.2, 1, 0.2];
      delete s.model;
    });
    const { spec, problems } = parseSpec(text);
    assert.equal(spec, undefined);
    // model is missing (reported at the root brace), then the rest in the order JSON.stringify wrote them.
    assert.deepEqual(problems.map((p) => p.path),
      ['model', 'name', 'dataset.type', 'sweep.rates[1]', 'sweep.rates[2]', 'training.epoch', 'training.optimizer'], show(problems));
    const offsets = problems.map((p) => p.offset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
  });
});

describe('parseSpec: warnings', () => {
  test('a single rate is a warning, and the spec is still returned', () => {
    const text = doc((s) => { s.sweep.rates = [0.3]; });
    expectProblem(text, {
      path: 'sweep.rates', severity: 'warning', message: 'the sweep has a single rate (0.3), so there is nothing to compare', at: ['[\n      0.3', '['],
    });
    assert.deepEqual(expectSpec(text).sweep.rates, [0.3]);
  });

  test('MC dropout with every rate 0 and no input dropout is a warning', () => {
    const text = doc((s) => { s.sweep.rates = { min: 0, max: 0, step: 0.1 }; s.evaluation = { mcSamples: 10 }; });
    expectProblem(text,
      { path: 'evaluation.mcSamples', severity: 'warning', message: /^MC dropout with 10 samples changes nothing/, at: ['"mcSamples": 10', '10'] });
    assert.equal(parseSpec(doc((s) => { s.sweep.rates = [0, 0.1]; s.evaluation = { mcSamples: 10 }; })).problems.length, 0);
    assert.equal(parseSpec(doc((s) => { s.sweep.rates = [0, 0]; s.evaluation = { mcSamples: 10 }; })).spec, undefined);
  });

  test('patience ≥ epochs is a warning', () => {
    expectProblem(doc((s) => { s.training = { epochs: 10, earlyStopping: { patience: 10 } }; }), {
      path: 'training.earlyStopping.patience', severity: 'warning', message: 'patience 10 ≥ epochs 10: early stopping can never trigger',
      at: ['"patience": 10', '10'],
    });
  });
});

describe('problemAt', () => {
  test('at the value, else at the key of the nearest object the text has, else at the root brace', () => {
    const text = '\uFEFF{\n  "model": { "hidden": [16] },\n  "training": { "epochs": 3 }\n}';
    const at = (path: string[]) => { const p = problemAt(text, path, 'm'); return [p.path, p.line, p.column]; };
    assert.deepEqual(at(['model', 'hidden']), ['model.hidden', 2, 24]);
    assert.deepEqual(at(['training', 'batchSize']), ['training.batchSize', 3, 3], 'defaulted: the key "training"');
    assert.deepEqual(at(['evaluation', 'mcSamples']), ['evaluation.mcSamples', 1, 1], 'no evaluation object: the root brace');
    assert.deepEqual(at([]), ['', 1, 1]);
    assert.equal(problemAt(text, [], 'm').length, 1, 'the root brace, not the whole document');
  });

  test('numbers index a layer list; a defaulted option of a layer is put on its type', () => {
    const text = '{\n  "model": { "layers": [\n    { "type": "flatten" },\n    { "type": "conv2d", "filters": 8, "kernelSize": 3 }\n  ] }\n}';
    const at = (path: Array<string | number>) => { const p = problemAt(text, path, 'm'); return [p.path, p.line, p.column]; };
    assert.deepEqual(at(['model', 'layers', 1, 'kernelSize']), ['model.layers[1].kernelSize', 4, 53]);
    assert.deepEqual(at(['model', 'layers', 1, 'strides']), ['model.layers[1].strides', 4, 15], 'defaulted: the layer\'s type');
    assert.deepEqual(at(['model', 'layers', 0]), ['model.layers[0]', 3, 5]);
  });
});

describe('formatProblem', () => {
  const problem: SpecProblem = { path: 'training.epochs', message: 'must be ≥ 1, found 0', severity: 'error', offset: 40, length: 1, line: 3, column: 15 };

  test('file:line:col path: message', () => {
    assert.equal(formatProblem('exp/a.dropout.json', problem), 'exp/a.dropout.json:3:15 training.epochs: must be ≥ 1, found 0');
  });

  test('no path for the whole document, "warning: " for warnings', () => {
    assert.equal(formatProblem('a.json', { ...problem, path: '', message: 'syntax error' }), 'a.json:3:15 syntax error');
    assert.equal(formatProblem('a.json', { ...problem, severity: 'warning' }), 'a.json:3:15 warning: training.epochs: must be ≥ 1, found 0');
  });
});

describe('expandRateRange', () => {
  test('keras-tuner Float semantics without float noise', () => {
    assert.deepEqual(expandRateRange({ min: 0, max: 0.8, step: 0.1 }), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    assert.deepEqual(expandRateRange({ min: 0.05, max: 0.5, step: 0.15 }), [0.05, 0.2, 0.35, 0.5]);
    assert.deepEqual(expandRateRange({ min: 0.1, max: 0.35, step: 0.1 }), [0.1, 0.2, 0.3]); // max off the grid: excluded
    assert.deepEqual(expandRateRange({ min: 0.3, max: 0.3, step: 0.1 }), [0.3]);
    assert.deepEqual(expandRateRange({ min: 0, max: 0.3, step: 0.1 }).map(String), ['0', '0.1', '0.2', '0.3']);
    assert.deepEqual(expandRateRange({ min: 0, max: 3e-7, step: 1e-7 }), [0, 1e-7, 2e-7, 3e-7]);
  });

  test('an unusable range expands to nothing', () => {
    assert.deepEqual(expandRateRange({ min: 0.5, max: 0.1, step: 0.1 }), []);
    assert.deepEqual(expandRateRange({ min: 0, max: 0.5, step: 0 }), []);
    assert.deepEqual(expandRateRange({ min: 0, max: 0.5, step: Number.NaN }), []);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('schemas/dropout.schema.json is generated from the rule table, for completion and hover only', () => {
  const text = readFileSync(join(__dirname, '../../schemas/dropout.schema.json'), 'utf8');
  const schema: Json = JSON.parse(text);
  const resolve = (node: Json): Json =>
    node?.$ref ? resolve(node.$ref.replace(/^#\//, '').split('/').reduce((n: Json, k: string) => n[k], schema)) : node;
  const datasetBranch = (type: string): Json =>
    resolve(schema.properties.dataset.allOf.find((b: Json) => b.if.properties.type.const === type).then);

  test('the committed file is what the generator writes (after changing rules.ts or schemaDocs.ts: npm run build)', () => {
    assert.ok(text === specJsonSchemaText(), 'schemas/dropout.schema.json is out of date: run npm run build and commit it');
    assert.match(schema.$comment, /^Generated from the rule table .* do not edit/);
  });

  const branch = (node: Json, type: string): Json => resolve(node.allOf.find((b: Json) => b.if.properties.type.const === type).then);
  const layer = (type: string): Json => branch(schema.properties.model.properties.layers.items, type);
  const hp = (type: string): Json => branch(schema.properties.sweep.properties.space.additionalProperties, type);
  const levels: Record<keyof typeof SPEC_SHAPES, Json> = {
    root: schema,
    moons: datasetBranch('moons'),
    circles: datasetBranch('circles'),
    spirals: datasetBranch('spirals'),
    mnist: datasetBranch('mnist'),
    csv: datasetBranch('csv'),
    images: datasetBranch('images'),
    imageAugment: datasetBranch('images').properties.augment,
    model: schema.properties.model,
    ...Object.fromEntries(LAYER_TYPES.map((type) => [type, layer(type)])) as Record<LayerType, Json>,
    training: schema.properties.training,
    earlyStopping: schema.properties.training.properties.earlyStopping,
    sweep: schema.properties.sweep,
    rateRange: schema.properties.sweep.properties.rates,
    hpRef: schema.properties.training.properties.learningRate,
    hpFloat: hp('float'),
    hpInt: hp('int'),
    hpChoice: hp('choice'),
    hpBoolean: hp('boolean'),
    hpFixed: hp('fixed'),
    evaluation: schema.properties.evaluation,
  };

  /** The values completion offers for a field without typing: its snippets' bodies, else its default or examples. */
  const offered = (node: Json): unknown[] =>
    node.defaultSnippets?.map((s: Json) => s.body) ?? [...(node.default !== undefined ? [node.default] : []), ...(node.examples ?? [])];

  for (const [level, shape] of Object.entries(SPEC_SHAPES) as Array<[keyof typeof SPEC_SHAPES, Shape]>) {
    test(`${level}: the table's properties, defaults and enum values`, () => {
      const node = levels[level];
      assert.ok(node, `no schema for ${level}`);
      assert.deepEqual(Object.keys(node.properties), Object.keys(shape), `${level}: property names`);
      for (const [key, f] of Object.entries(shape) as Array<[string, Field]>) {
        const property = node.properties[key];
        const path = `${level}.${key}`;
        if ('default' in f) assert.deepEqual(property.default, f.default, `${path}: default`);
        if (f.kind === 'enum' && key !== 'type') assert.deepEqual(offered(property), [...f.values], `${path}: values offered`);
        if ('searchable' in f && f.searchable) assert.ok(property.properties.hp.description, `${path}: {"hp": name} described`);
        if (f.kind === 'object') assert.ok(property.properties, `${path}: properties`);
        if (f.kind === 'list' || f.kind === 'rates') assert.ok(property.items, `${path}: items`);
        // Completion inserts a value with the property: a default, an example, a snippet, or {} / [] from properties / items.
        const template = property.default !== undefined || property.examples || property.defaultSnippets || property.properties || property.items;
        assert.ok(template || property.doNotSuggest || key === 'type', `${path}: nothing to insert as its value`);
      }
    });
  }

  test('dataset: the types offered with their descriptions, one if/then branch per type, in the same order', () => {
    const dataset = schema.properties.dataset;
    assert.deepEqual(offered(dataset.properties.type), [...DATASET_TYPES]);
    assert.ok(dataset.properties.type.defaultSnippets.every((s: Json) => s.label === JSON.stringify(s.body) && s.markdownDescription.length > 10));
    assert.deepEqual(dataset.allOf.map((b: Json) => b.if.properties.type.const), [...DATASET_TYPES]);
    for (const b of dataset.allOf) assert.deepEqual(b.if.required, ['type']);
  });

  test('it validates nothing the engine validates: no keyword the JSON language service reports problems for, outside an if', () => {
    // Each would show a problem the extension already shows, a second time in the Problems panel.
    const VALIDATING = ['type', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength',
      'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'required', 'additionalProperties',
      'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependencies', 'oneOf', 'anyOf', 'not', 'deprecated',
      'deprecationMessage', 'errorMessage', 'unevaluatedProperties', 'unevaluatedItems'];
    const found: string[] = [];
    const walk = (node: Json, path: string): void => {
      for (const k of VALIDATING) if (node[k] !== undefined && k !== 'additionalProperties') found.push(`${path}/${k}`);
      for (const [key, value] of Object.entries<Json>(node.properties ?? {})) walk(value, `${path}/properties/${key}`);
      for (const [key, value] of Object.entries<Json>(node.definitions ?? {})) walk(value, `${path}/definitions/${key}`);
      if (node.items) walk(node.items, `${path}/items`);
      // additionalProperties as a schema without validating keywords reports nothing (false would).
      if (node.additionalProperties !== undefined) {
        const entry = node.additionalProperties;
        if (typeof entry === 'object') walk({ ...entry, additionalProperties: undefined }, `${path}/additionalProperties`);
        else found.push(`${path}/additionalProperties`);
      }
      // An if-clause only selects its branch: the service reports nothing from it.
      node.allOf?.forEach((b: Json, i: number) => b.then && walk(resolve(b.then), `${path}/allOf/${i}/then`));
    };
    walk(schema, '#');
    assert.deepEqual(found, []);
  });

  test('every property has a description and a markdownDescription; rates say keep p = 1 − rate', () => {
    const walk = (node: Json, path: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries<Json>(node.properties ?? {})) {
        for (const k of ['description', 'markdownDescription']) {
          assert.equal(typeof value[k], 'string', `${path}.${key}: ${k}`);
          assert.ok(value[k].length > 5, `${path}.${key}: ${k}`);
        }
      }
      for (const [key, value] of Object.entries<Json>(node)) {
        // An if-clause only selects a branch; the editor never shows its properties.
        if (value && typeof value === 'object' && key !== 'if') walk(value, `${path}/${key}`);
      }
    };
    walk(schema, '#');
    const { rates, inputRates } = schema.properties.sweep.properties;
    for (const rate of [schema.properties.model.properties.inputDropout, rates, inputRates]) {
      assert.match(rate.description, /1 − rate/);
      assert.match(rate.markdownDescription, /1 − rate/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parseSpec: robustness', () => {
  test('mutated specs never throw and always yield a spec or positioned problems', () => {
    const rng = createRng(20240601);
    const pickOne = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
    const CHARS = ['{', '}', '[', ']', ',', ':', '"', '0', '9', '.', '-', 'e', ' ', '\n', '\r', '/', '*', 'x', '\\', '\uFEFF', 'é'];
    const VALUES = ['0', '-1', '1', '0.5', '1.5', '2.5', '1e999', '-0', 'null', 'true', '""', '"x"', '"moons"', '"../x"', '[]', '{}',
      '[0.1, 0.1]', '{"min": 1}', '{"min": 0, "max": 0.5, "step": 1e-9}', '"\\u0000"', '[[[]]]'];
    const valueSpans = [...FULL.matchAll(/-?\d+(\.\d+)?|"[^"\n]*"|\[[^\]\n]*\]/g)].map((m) => [m.index, m[0].length] as const);
    let withSpec = 0;
    for (let round = 0; round < 600; round++) {
      let text = round % 5 === 0 ? `\uFEFF${FULL}` : FULL;
      const mutations = 1 + rng.int(3);
      for (let m = 0; m < mutations; m++) {
        const at = rng.int(text.length + 1);
        switch (rng.int(3)) {
          case 0: text = text.slice(0, at) + text.slice(at + 1 + rng.int(4)); break;
          case 1: text = text.slice(0, at) + pickOne(CHARS) + text.slice(at); break;
          default: {
            const [start, length] = pickOne(valueSpans);
            if (start + length <= text.length) text = text.slice(0, start) + pickOne(VALUES) + text.slice(start + length);
          }
        }
      }
      // parseSpec catches whatever its parser throws and reports it as an "internal error" problem: that is what fails below.
      const { spec, problems } = parseSpec(text);
      const errors = problems.filter((p) => p.severity === 'error');
      assert.ok(spec ? errors.length === 0 : errors.length > 0, `round ${round}: spec xor errors\n${JSON.stringify(text)}`);
      if (spec) withSpec++;
      for (const p of problems) {
        assert.ok(p.line >= 1 && p.column >= 1, `round ${round}: ${formatProblem('t', p)}`);
        assert.ok(p.offset >= 0 && p.length >= 0 && p.offset + p.length <= text.length, `round ${round}: ${formatProblem('t', p)}`);
        assert.doesNotMatch(p.message, /^internal error/, `round ${round}: ${JSON.stringify(text)}`);
      }
    }
    // Some mutations (whitespace, a value swapped for a valid one) keep the spec valid: both branches ran.
    assert.ok(withSpec > 0 && withSpec < 600, `valid after mutation: ${withSpec}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parseSpec: sweep strategies and objective', () => {
  const sweepDoc = (sweep: Json, edit: (s: Json) => void = () => {}): string => doc((s) => { s.sweep = sweep; edit(s); });

  test('grid is the default and keeps the rates; val_loss is the default objective', () => {
    const sweep = expectSpec(sweepDoc({ rates: [0.5, 0] })).sweep;
    assert.equal(sweep.strategy, 'grid');
    assert.equal(sweep.objective, 'val_loss');
    assert.deepEqual(sweep.rates, [0, 0.5]);
  });

  test('random draws `samples` distinct rates from a list, the same ones for the same seed', () => {
    const list = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    const draw = (seed?: number) => expectSpec(sweepDoc({ rates: list, strategy: 'random', samples: 4, ...(seed === undefined ? {} : { seed }) })).sweep;
    const first = draw(11);
    assert.equal(first.rates.length, 4);
    assert.equal(new Set(first.rates).size, 4);
    assert.ok(first.rates.every((rate) => list.includes(rate)));
    assert.deepEqual([...first.rates].sort((a, b) => a - b), first.rates);
    assert.deepEqual(draw(11).rates, first.rates);
    const others = [12, 13, 14, 15].map((seed) => draw(seed).rates.join());
    assert.ok(others.some((rates) => rates !== first.rates.join()), 'another seed draws other rates');
    // The seed defaults to training.seed.
    assert.equal(draw().seed, 0);
    assert.deepEqual(draw().rates, draw(0).rates);
  });

  test('random on a range with step draws grid points; without step, from the interval', () => {
    const grid = expectSpec(sweepDoc({ rates: { min: 0, max: 0.8, step: 0.1 }, strategy: 'random', samples: 9, seed: 3 })).sweep;
    assert.deepEqual(grid.rates, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], 'all 9 grid points, no duplicate');
    const continuous = expectSpec(sweepDoc({ rates: { min: 0.2, max: 0.6 }, strategy: 'random', samples: 5, seed: 3 })).sweep;
    assert.equal(new Set(continuous.rates).size, 5);
    assert.ok(continuous.rates.every((rate) => rate >= 0.2 && rate <= 0.6), continuous.rates.join());
  });

  test('random: more samples than the list or grid has is an error on samples; samples is required', () => {
    expectProblem(sweepDoc({ rates: [0, 0.5], strategy: 'random', samples: 3 }),
      { path: 'sweep.samples', message: 'cannot draw 3 distinct rates from the 2 rates of sweep.rates; use samples ≤ 2', at: ['"samples": 3', '3'] });
    expectProblem(sweepDoc({ rates: { min: 0, max: 0.2, step: 0.1 }, strategy: 'random', samples: 4 }),
      { path: 'sweep.samples', message: /^cannot draw 4 distinct rates from the 3 rates/, at: ['"samples": 4', '4'] });
    expectProblem(sweepDoc({ rates: [0, 0.5], strategy: 'random' }),
      { path: 'sweep.samples', message: /^missing required property "samples"/, at: ['"strategy"'] });
  });

  test('hyperband needs maxEpochs, takes factor 3 and iterations 1 by default, and warns that training.epochs is ignored', () => {
    const sweep = expectSpec(sweepDoc({ rates: [0, 0.5], strategy: 'hyperband', maxEpochs: 27 })).sweep;
    assert.deepEqual([sweep.maxEpochs, sweep.factor, sweep.iterations], [27, 3, 1]);
    expectProblem(sweepDoc({ rates: [0, 0.5], strategy: 'hyperband' }),
      { path: 'sweep.maxEpochs', message: /^missing required property "maxEpochs"/, at: ['"strategy"'] });
    expectProblem(sweepDoc({ rates: [0, 0.5], strategy: 'hyperband', maxEpochs: 9 }, (s) => { s.training = { epochs: 30 }; }),
      { path: 'training.epochs', message: /^ignored with strategy "hyperband"/, at: ['"epochs": 30', '30'], severity: 'warning' });
    expectProblem(sweepDoc({ rates: [0, 0.5], strategy: 'hyperband', maxEpochs: 9, factor: 1 }),
      { path: 'sweep.factor', message: 'must be ≥ 2, found 1', at: ['"factor": 1', '1'] });
    expectProblem(sweepDoc({ rates: [0, 0.5], strategy: 'hyperband', maxEpochs: 9, repeats: 2 }),
      { path: 'sweep.repeats', message: /repeats > 1 is not supported/, at: ['"repeats": 2', '2'] });
    expectProblem(sweepDoc({ rates: { min: 0, max: 0.5 }, strategy: 'hyperband', maxEpochs: 9 }),
      { path: 'sweep.rates.step', message: /^missing required property "step"/, at: ['"rates"'] });
  });

  test('fields of another strategy are warnings', () => {
    expectProblem(sweepDoc({ rates: [0, 0.5], maxEpochs: 9 }),
      {
        path: 'sweep.maxEpochs', message: 'maxEpochs is used only by strategy "hyperband"; strategy "grid" ignores it', at: ['"maxEpochs": 9', '9'],
        severity: 'warning',
      });
    expectProblem(sweepDoc({ rates: [0, 0.5], samples: 2 }),
      { path: 'sweep.samples', message: /^samples is used only by strategy "random"/, at: ['"samples": 2', '2'], severity: 'warning' });
  });

  test('objective: val_acc is for classification; an unknown objective is named', () => {
    assert.equal(expectSpec(sweepDoc({ rates: [0, 0.5], objective: 'val_acc' })).sweep.objective, 'val_acc');
    expectProblem(sweepDoc({ rates: [0, 0.5], objective: 'val_acc' }, (s) => { s.dataset = { type: 'csv', path: 'd.csv', target: 'y', task: 'regression' }; }),
      { path: 'sweep.objective', message: /^objective "val_acc" needs a classification task/, at: ['"val_acc"'] });
    expectProblem(sweepDoc({ rates: [0, 0.5], objective: 'val_los' }),
      { path: 'sweep.objective', message: /^unknown objective "val_los" — did you mean "val_loss"\?/, at: ['"val_los"'] });
  });

  test('budgets: maxTrials ≥ 1, maxMinutes > 0', () => {
    const sweep = expectSpec(sweepDoc({ rates: [0, 0.5], maxTrials: 5, maxMinutes: 1.5 })).sweep;
    assert.deepEqual([sweep.maxTrials, sweep.maxMinutes], [5, 1.5]);
    expectProblem(sweepDoc({ rates: [0, 0.5], maxMinutes: 0 }), { path: 'sweep.maxMinutes', message: 'must be > 0, found 0', at: ['"maxMinutes": 0', '0'] });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parseSpec: per-layer rates (sweep.inputRates)', () => {
  const layersDoc = (sweep: Json, edit: (s: Json) => void = () => {}): string => doc((s) => { s.sweep = { rates: [0, 0.5], ...sweep }; edit(s); });

  test('a list or a range of input rates resolves like rates: ascending, unique; absent stays absent', () => {
    assert.deepEqual(expectSpec(layersDoc({ inputRates: [0.2, 0, 0.1] })).sweep.inputRates, [0, 0.1, 0.2]);
    assert.deepEqual(expectSpec(layersDoc({ inputRates: { min: 0, max: 0.3, step: 0.1 } })).sweep.inputRates, [0, 0.1, 0.2, 0.3]);
    const without = expectSpec(layersDoc({})).sweep;
    assert.equal('inputRates' in without, false);
    assert.equal('drawnConfigs' in without, false);
  });

  test('bad input rates are reported where they are, with the rate rules', () => {
    const text = layersDoc({ inputRates: [0, 1] });
    const problem = expectProblem(text, {
      path: 'sweep.inputRates[1]', message: /^1 is not a valid rate: a rate is the drop probability \(keep p = 1 − rate\)/,
      at: ['"inputRates": [\n      0,\n      1', '1'],
    });
    assert.equal(problem.line, text.split('\n').findIndex((line) => line.trim() === '1') + 1);
    expectProblem(layersDoc({ inputRates: [0.1, -0.1] }),
      { path: 'sweep.inputRates[1]', message: /^-0\.1 is negative: a rate is a drop probability/, at: ['-0.1'] });
    expectProblem(layersDoc({ inputRates: [0.1, 0.2, 0.1] }),
      { path: 'sweep.inputRates[2]', message: 'duplicate rate 0.1 (already at sweep.inputRates[0])', at: ['0.2,\n      0.1', '0.1'] });
    expectProblem(layersDoc({ inputRates: [] }), { path: 'sweep.inputRates', message: 'must list at least one rate, found an empty array', at: ['[]'] });
    expectProblem(layersDoc({ inputRates: 'low' }),
      { path: 'sweep.inputRates', message: 'expected an array of rates or a range {"min", "max", "step"}, found the string "low"', at: ['"low"'] });
    expectProblem(layersDoc({ inputRates: { min: 0.3, max: 0.1, step: 0.1 } }),
      { path: 'sweep.inputRates.max', message: 'max 0.1 is less than min 0.3', at: ['"max": 0.1', '0.1'] });
    expectProblem(layersDoc({ inputRates: { min: 0, max: 0.3 } }),
      {
        path: 'sweep.inputRates.step', message: /^missing required property "step": only strategy "random" draws from a continuous range/,
        at: ['"inputRates"'],
      });
  });

  test('a non-zero model.inputDropout and sweep.inputRates together are an error on inputRates', () => {
    expectProblem(layersDoc({ inputRates: [0, 0.2] }, (s) => { s.model.inputDropout = 0.2; }), {
      path: 'sweep.inputRates',
      message: 'sweep.inputRates searches the input drop rate, but model.inputDropout fixes it at 0.2: '
        + 'remove model.inputDropout (or set it to 0), or remove sweep.inputRates',
      at: ['"inputRates"'],
    });
    // inputDropout 0 is the "not fixed" value: written explicitly, it does not conflict.
    assert.deepEqual(expectSpec(layersDoc({ inputRates: [0, 0.2] }, (s) => { s.model.inputDropout = 0; })).sweep.inputRates, [0, 0.2]);
  });

  test('random draws distinct (input, hidden) pairs from the product, the same pairs for the same seed', () => {
    const draw = (seed: number) => expectSpec(layersDoc({ rates: [0, 0.2, 0.4, 0.6], inputRates: [0, 0.1, 0.2], strategy: 'random', samples: 5, seed })).sweep;
    const first = draw(7);
    const pairs = first.drawnConfigs!;
    assert.equal(pairs.length, 5);
    assert.equal(new Set(pairs.map((p) => `${p.inputRate}/${p.rate}`)).size, 5);
    assert.ok(pairs.every((p) => [0, 0.1, 0.2].includes(p.inputRate!) && [0, 0.2, 0.4, 0.6].includes(p.rate!)));
    // Input-major ascending; rates and inputRates are the distinct values of the pairs.
    assert.deepEqual(pairs, [...pairs].sort((a, b) => a.inputRate! - b.inputRate! || a.rate! - b.rate!));
    assert.deepEqual(first.rates, [...new Set(pairs.map((p) => p.rate))].sort((a, b) => a! - b!));
    assert.deepEqual(first.inputRates, [...new Set(pairs.map((p) => p.inputRate))].sort((a, b) => a! - b!));
    assert.deepEqual(draw(7).drawnConfigs, pairs);
    assert.ok([8, 9, 10, 11].some((seed) => JSON.stringify(draw(seed).drawnConfigs) !== JSON.stringify(pairs)), 'another seed draws other pairs');
    // All 12 pairs of the product can be drawn, not one more.
    const twelve = expectSpec(layersDoc({ rates: [0, 0.2, 0.4, 0.6], inputRates: [0, 0.1, 0.2], strategy: 'random', samples: 12 }));
    assert.equal(twelve.sweep.drawnConfigs!.length, 12);
    expectProblem(layersDoc({ rates: [0, 0.2, 0.4, 0.6], inputRates: [0, 0.1, 0.2], strategy: 'random', samples: 13 }), {
      path: 'sweep.samples',
      message: 'cannot draw 13 distinct (input rate, rate) pairs from the 3 rates of sweep.inputRates × the 4 rates of sweep.rates (12 pairs); '
        + 'use samples ≤ 12',
      at: ['"samples": 13', '13'],
    });
  });

  test('random draws pairs from continuous ranges too, rounded and inside them', () => {
    const sweep = expectSpec(layersDoc({ rates: { min: 0, max: 0.8 }, inputRates: { min: 0, max: 0.3 }, strategy: 'random', samples: 6, seed: 2 })).sweep;
    assert.equal(sweep.drawnConfigs!.length, 6);
    for (const { inputRate, rate } of sweep.drawnConfigs!) {
      assert.ok(inputRate! >= 0 && inputRate! <= 0.3 && rate! >= 0 && rate! <= 0.8, `${inputRate}, ${rate}`);
      assert.equal(Number(rate!.toFixed(4)), rate);
    }
  });

  test('a single configuration warns; one hidden rate with several input rates does not', () => {
    expectProblem(layersDoc({ rates: [0.3], inputRates: [0.1] }), {
      path: 'sweep.rates', severity: 'warning', message: 'the sweep has a single configuration (input rate 0.1, rate 0.3), so there is nothing to compare',
      at: ['[\n      0.3', '['],
    });
    assert.deepEqual(parseSpec(layersDoc({ rates: [0.3], inputRates: [0, 0.1] })).problems, []);
  });
});
