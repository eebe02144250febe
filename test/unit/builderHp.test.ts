import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BuilderHp, type BuilderHpApi } from '../../src/engine/model/builderHp';

const rejects = (call: (hp: BuilderHpApi) => unknown, message: RegExp): void => {
  assert.throws(() => call(new BuilderHp().api()), message);
};

describe('hp in discovery (build with defaults, record the calls)', () => {
  test('each kind returns its default and is recorded in call order with keras-tuner defaults filled in', () => {
    const recorder = new BuilderHp();
    const hp = recorder.api();
    assert.equal(hp.Int('units', 32, 256, { step: 32, default: 128 }), 128);
    assert.equal(hp.Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 }), 0.5);
    assert.equal(hp.Float('lr', 1e-4, 1e-2, { sampling: 'log' }), 1e-4, 'a range without default starts at min');
    assert.equal(hp.Choice('activation', ['relu', 'tanh']), 'relu', 'a choice without default is its first value');
    assert.equal(hp.Boolean('batch_norm'), false);
    assert.equal(hp.Boolean('bias', { default: true }), true);
    assert.equal(hp.Fixed('filters', 16), 16);
    assert.deepEqual(Object.keys(recorder.space), ['units', 'dropout', 'lr', 'activation', 'batch_norm', 'bias', 'filters']);
    assert.deepEqual(recorder.space.units, { type: 'int', min: 32, max: 256, step: 32, sampling: 'linear', default: 128 });
    assert.deepEqual(recorder.space.dropout, { type: 'float', min: 0, max: 0.8, step: 0.1, sampling: 'linear', default: 0.5 });
    assert.deepEqual(recorder.space.lr, { type: 'float', min: 1e-4, max: 1e-2, sampling: 'log', default: 1e-4 });
    assert.deepEqual(recorder.space.activation, { type: 'choice', values: ['relu', 'tanh'], default: 'relu' });
    assert.deepEqual(recorder.space.filters, { type: 'fixed', value: 16 });
  });

  test('asking for a name again returns the same value: two Dropout layers sharing "dropout" are one hyperparameter', () => {
    const recorder = new BuilderHp({ dropout: 0.3 });
    const { Float } = recorder.api();
    assert.equal(Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 }), 0.3);
    assert.equal(Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 }), 0.3);
    assert.deepEqual(Object.keys(recorder.space), ['dropout']);
    assert.deepEqual(recorder.warnings, []);
  });

  test('a name asked again with another definition keeps the first (as keras-tuner does) and says so', () => {
    const recorder = new BuilderHp();
    const hp = recorder.api();
    assert.equal(hp.Float('dropout', 0, 0.8, { default: 0.5 }), 0.5);
    assert.equal(hp.Float('dropout', 0, 0.5), 0.5);
    assert.equal(recorder.space.dropout?.type === 'float' && recorder.space.dropout.max, 0.8);
    assert.match(recorder.warnings[0]!, /hp\.Float\("dropout"\) asks again for "dropout" with another definition; the first is kept \(float 0…0\.8, default 0\.5\)/);
  });
});

describe('hp in a trial', () => {
  test("returns the trial's values; a fixed value stays fixed", () => {
    const hp = new BuilderHp({ units: 64, dropout: 0.2, activation: 'tanh', batch_norm: true }).api();
    assert.equal(hp.Int('units', 32, 256, { step: 32, default: 128 }), 64);
    assert.equal(hp.Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 }), 0.2);
    assert.equal(hp.Choice('activation', ['relu', 'tanh']), 'tanh');
    assert.equal(hp.Boolean('batch_norm'), true);
    assert.equal(hp.Fixed('filters', 16), 16);
  });

  test('a name the trial lacks is an error that names it and the names the trial has', () => {
    const hp = new BuilderHp({ dropout: 0.2 }).api();
    assert.throws(() => hp.Int('units', 32, 256), /hp\.Int\("units"\): this trial has no value for "units" \(it has "dropout"\)/);
  });
});

describe('the calls keras-tuner rejects (the rules of sweep.space entries)', () => {
  test('a range whose max is below its min', () => rejects((hp) => hp.Float('x', 1, 0), /^Error: hp\.Float\("x"\): max 0 is less than min 1$/));
  test('log sampling with min ≤ 0', () => rejects((hp) => hp.Float('x', 0, 1, { sampling: 'log' }), /min: sampling "log" spreads values by ratio, so min must be > 0, found 0/));
  test('log sampling with a step that is no factor', () => rejects((hp) => hp.Float('x', 1, 8, { sampling: 'log', step: 1 }), /step: with sampling "log", step is the factor between values and must be > 1, found 1/));
  test('an int with log sampling and no step', () => rejects((hp) => hp.Int('x', 16, 256, { sampling: 'log' }), /an int with sampling "log" needs a step > 1/));
  test('an int range with a fraction', () => rejects((hp) => hp.Int('x', 0.5, 2), /hp\.Int\("x"\): min: expected an integer, found 0\.5/));
  test('a step ≤ 0', () => rejects((hp) => hp.Float('x', 0, 1, { step: -1 }), /step: must be > 0, found -1/));
  test('a default outside the range', () => rejects((hp) => hp.Float('x', 0, 1, { default: 2 }), /default 2 is outside the range from min 0 to max 1/));
  test('an unknown sampling', () => rejects((hp) => hp.Float('x', 0, 1, { sampling: 'lin' }), /unknown sampling "lin" — did you mean "log"\?/));
  test('a bound that is not a finite number', () => rejects((hp) => hp.Float('x', 0, NaN), /max: expected a finite number, found NaN/));
  test('a choice without values', () => rejects((hp) => hp.Choice('x', []), /values: must list at least one value, found an empty array/));
  test('a choice of mixed types', () => rejects((hp) => hp.Choice('x', [1, 'a']), /values\[1\]: the values of a choice must all be of one type: values\[0\] is a number, this is a string/));
  test('a choice with a duplicate', () => rejects((hp) => hp.Choice('x', [1, 2, 1]), /values\[2\]: duplicate value 1 \(already at values\[0\]\)/));
  test("a choice's default not among its values", () => rejects((hp) => hp.Choice('x', [1, 2], { default: 3 }), /hp\.Choice\("x"\): default 3 is not one of the values/));
  test('a boolean default that is not a boolean', () => rejects((hp) => hp.Boolean('b', { default: 1 as never }), /default: expected true or false, found 1/));
  test('a fixed value that is not a number, string or boolean', () => rejects((hp) => hp.Fixed('f', null as never), /value: expected a number, a string, true or false, found null/));
  test('a name that is not an identifier, or is reserved', () => {
    rejects((hp) => hp.Float('1x', 0, 1), /"1x" is not a valid hyperparameter name/);
    rejects((hp) => hp.Float('rate', 0, 1), /"rate" names the rate of sweep\.rates in trial ids, tables and CSV columns: pick another name/);
    rejects((hp) => hp.Float(3 as never, 0, 1), /hp\.Float: the first argument is the hyperparameter's name, a string; found 3/);
  });
  test("Python's positional step, and keyword names, are explained", () => {
    rejects((hp) => hp.Float('x', 0, 1, 0.1 as never), /hp\.Float: options are an object \{ step, sampling, default \}, found 0\.1/);
    rejects((hp) => hp.Float('x', 0, 1, { min_value: 0 } as never), /hp\.Float: unknown property "min_value" \(allowed: "step", "sampling", "default"\)/);
  });
});
