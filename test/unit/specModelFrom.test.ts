/**
 * The spec rules of a model the user already has (`model.from`): one of the four model sources, `weights` only with
 * it (default "fresh"), the input-rate fields and `sweep.rates` refused (its dropout layers are hyperparameters of
 * their own), and a sweep that may omit both rates and space.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectProblem, expectSpec } from '../support/specExpect';

type Json = any;

function doc(edit: (s: Json) => void = () => {}): string {
  const s: Json = {
    name: 'pretrained',
    dataset: { type: 'moons' },
    model: { from: './model/model.json' },
    sweep: { strategy: 'hyperband', maxEpochs: 9 },
  };
  edit(s);
  return JSON.stringify(s, null, 2);
}

describe('model.from', () => {
  test('a sweep over the model alone parses: no rates, no space, weights fresh, hidden []', () => {
    const spec = expectSpec(doc());
    assert.equal(spec.model.from, './model/model.json');
    assert.equal(spec.model.weights, 'fresh');
    assert.deepEqual(spec.model.hidden, []);
    assert.deepEqual(spec.sweep.rates, []);
    assert.equal(spec.sweep.space, undefined);
    assert.equal(expectSpec(doc((s) => { s.model.weights = 'pretrained'; })).model.weights, 'pretrained');
  });

  test('an override of a discovered name is not "unused"; other names still must be known', () => {
    const spec = expectSpec(doc((s) => { s.sweep.space = { dropout_2: { type: 'float', min: 0, max: 0.5, step: 0.1 } }; }));
    assert.deepEqual(Object.keys(spec.sweep.space!), ['dropout_2']);
    expectProblem(doc((s) => { s.training = { learningRate: { hp: 'lr' } }; }), {
      path: 'training.learningRate', message: 'unknown hyperparameter "lr": sweep.space defines no hyperparameter', at: ['"lr"'],
    });
  });

  test('exactly one of hidden, layers, module and from', () => {
    expectProblem(doc((s) => { s.model.hidden = [8]; }), {
      path: 'model.from', message: 'model.hidden and model.from both describe the network: keep one of hidden, layers, module and from', at: ['"from"'],
    });
    expectProblem(doc((s) => { s.model.module = './model.mjs'; }), {
      path: 'model.from', message: 'model.module and model.from both describe the network: keep one of hidden, layers, module and from', at: ['"from"'],
    });
  });

  test('weights only with from; the input-rate fields and sweep.rates are refused', () => {
    expectProblem(doc((s) => { s.model = { hidden: [8], weights: 'pretrained' }; s.sweep = { rates: [0, 0.5] }; }), {
      path: 'model.weights', message: 'model.weights applies to model.from only: "fresh" or "pretrained" weights of an existing model', at: ['"weights"'],
    });
    expectProblem(doc((s) => { s.model.inputDropout = 0.2; }), {
      path: 'model.inputDropout',
      message: 'model.inputDropout applies to model.hidden only: put a dropout layer first in the model of model.from instead', at: ['"inputDropout"'],
    });
    expectProblem(doc((s) => { s.sweep.inputRates = [0, 0.2]; }), {
      path: 'sweep.inputRates',
      message: 'sweep.inputRates searches the input rate of model.hidden only: put a dropout layer first in the model of model.from instead',
      at: ['"inputRates"'],
    });
    expectProblem(doc((s) => { s.sweep.rates = [0, 0.5]; }), {
      path: 'sweep.rates', message: /^no layer uses sweep.rates: each dropout layer of the model of model.from is a hyperparameter of its own \(dropout_1/,
      at: ['"rates"'],
    });
  });
});
