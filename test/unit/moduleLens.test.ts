import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeLenses } from '../../src/extension/codeLensModel';
import { parseSpec } from '../../src/engine/spec/parse';

const moduleSpec = `{
  "name": "keras-style",
  "dataset": { "type": "mnist", "trainSamples": 200, "validationSamples": 100 },
  "model": { "module": "./model.mjs" },
  "sweep": { "strategy": "hyperband", "maxEpochs": 9, "factor": 3 }
}`;
const titles = (state: Parameters<typeof codeLenses>[2]): string[] => codeLenses(moduleSpec, parseSpec(moduleSpec), state).map((lens) => lens.title);

describe('CodeLens of a builder-module spec', () => {
  test('the spec parses without sweep.rates or sweep.space', () => {
    assert.deepEqual(parseSpec(moduleSpec).problems.filter((problem) => problem.severity === 'error'), []);
  });

  test('Run names the hyperparameters discovery found, in the strategy’s words', () => {
    assert.deepEqual(titles({ trusted: true, module: { kind: 'discovered', names: ['units', 'dropout', 'lr'] } }),
      ['$(play) Run Hyperband over 3 hyperparameters (units, dropout, lr), max 9 epochs, factor 3']);
  });

  test('while discovery runs, and when it failed', () => {
    assert.deepEqual(titles({ trusted: true, module: { kind: 'discovering' } }), ['$(sync~spin) Discovering the hyperparameters of model.mjs…']);
    assert.deepEqual(titles({ trusted: true, module: { kind: 'failed', message: 'model.mjs:4:9: build() threw: the model is not ready' } }),
      ['$(error) model.mjs:4:9: build() threw: the model is not ready']);
  });

  test('in Restricted Mode the module is not run, and the lens says so', () => {
    assert.deepEqual(titles({ trusted: false }), ['$(shield) Restricted Mode: model.mjs is not run until you trust this folder']);
  });
});
