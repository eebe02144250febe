import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BuilderHp } from '../../src/engine/model/builderHp';
import { loadBuilderModule, runBuild, type BuilderData } from '../../src/trainer/builderModule';
import { discoverModule, moduleTrialModel } from '../../src/trainer/moduleBuild';
import { fileHash } from '../../src/store/layout';
import type { ExperimentSpec } from '../../src/core/spec';

const fixtures = path.join(__dirname, '..', 'fixtures', 'builder');
const data: BuilderData = { inputShape: [2], classes: 2, task: 'classification' };
const moonsSpec = (module: string): ExperimentSpec => ({
  dataset: { type: 'moons', samples: 100, noise: 0.2, validationFraction: 0.3, testFraction: 0 }, model: { module }, training: { seed: 1 },
} as unknown as ExperimentSpec);
const noData = (): never => { throw new Error('moons needs no loading'); };

/** The message build() of `file` fails with, in discovery mode. */
async function failure(file: string, timeoutMs?: number): Promise<string> {
  try {
    const module = await loadBuilderModule(file, fixtures);
    const { model } = await runBuild(module, new BuilderHp().api(), data, timeoutMs);
    model.dispose();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

before(async () => {
  await tf.setBackend('cpu');
});

describe('discovery: build once with every default', () => {
  test('the space in call order, the hash of the file, the converted layers and the dropout layers (shared name: one entry)', async () => {
    const discovery = await discoverModule(moonsSpec('./mlp.mjs'), fixtures, noData);
    assert.deepEqual(Object.keys(discovery.space), ['units', 'dropout', 'activation']);
    assert.deepEqual(discovery.space.dropout, { type: 'float', min: 0, max: 0.6, step: 0.2, sampling: 'linear', default: 0.2 });
    assert.equal(discovery.sha256, fileHash(path.join(fixtures, 'mlp.mjs')));
    assert.match(discovery.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(discovery.layers, ['dense', 'dropout', 'dense', 'dropout', 'dense']);
    assert.deepEqual(discovery.dropoutLayers.map(({ index, type, rate }) => ({ index, type, rate })),
      [{ index: 1, type: 'dropout', rate: 0.2 }, { index: 3, type: 'dropout', rate: 0.2 }]);
    assert.deepEqual(discovery.dropoutHps, ['dropout'], 'the float that sets the dropout layers\' rate (the verdict\'s baseline is it at 0)');
    assert.deepEqual(discovery.warnings, []);
  });

  test('a CommonJS module and a TypeScript module (with a relative import, bundled by esbuild) load too', async () => {
    assert.deepEqual(Object.keys((await discoverModule(moonsSpec('commonjs.cjs'), fixtures, noData)).space), ['rate_a']);
    const typed = await discoverModule(moonsSpec('./typed.ts'), fixtures, noData);
    assert.deepEqual(typed.space.ts_rate, { type: 'float', min: 0, max: 0.5, step: 0.1, sampling: 'linear', default: 0.3 });
    assert.deepEqual(typed.dropoutLayers.map(({ rate }) => rate), [0.3]);
    assert.deepEqual(typed.dropoutHps, ['ts_rate']);
  });

  test('a compile inside the module is ignored with a warning', async () => {
    const discovery = await discoverModule(moonsSpec('compiles.mjs'), fixtures, noData);
    assert.match(discovery.warnings[0]!, /^compiles\.mjs: build\(\) compiles the model; its optimizer, loss and metrics are ignored: training settings come from the spec/);
  });
});

describe('a trial: build with its values, convert, dispose', () => {
  test("the trial's values shape the layers; the module's model leaves no tensor behind", async () => {
    const before = tf.memory().numTensors;
    const model = await moduleTrialModel(moonsSpec('mlp.mjs'), fixtures, { units: 24, dropout: 0.4, activation: 'tanh' }, noData);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(model.inputShape, [2]);
    assert.equal(model.outputUnits, 2);
    assert.deepEqual(model.layers[0], { type: 'dense', units: 24, activation: 'relu', useBias: true });
    assert.deepEqual(model.dropoutLayers.map(({ rate }) => rate), [0.4, 0.4]);
    assert.equal(model.layers[2]!.type === 'dense' && model.layers[2].activation, 'tanh');
  });

  test('a name the trial lacks fails the build with the name and the module line', async () => {
    await assert.rejects(moduleTrialModel(moonsSpec('mlp.mjs'), fixtures, { dropout: 0.4 }, noData),
      /^Error: mlp\.mjs:5:\d+: build\(\) threw: hp\.Int\("units"\): this trial has no value for "units" \(it has "dropout"\)/);
  });
});

describe('what goes wrong, named and positioned', () => {
  test('build throws: its message at the module line', async () => {
    assert.equal(await failure('throws.mjs'), 'throws.mjs:4:9: build() threw: the model is not ready');
  });
  test('an hp call keras-tuner rejects: at the line of the call', async () => {
    assert.equal(await failure('badHp.mjs'), 'badHp.mjs:2:19: build() threw: hp.Float("dropout"): default 0.9 is outside the range from min 0 to max 0.8');
  });
  test('a TypeScript module that throws: the position in the .ts file (source map)', async () => {
    assert.equal(await failure('typedThrows.ts'), 'typedThrows.ts:3:9: build() threw: no model with 3 units');
  });
  test('build returns no model', async () => {
    assert.match(await failure('notModel.mjs'), /^notModel\.mjs: build\(\) returned undefined, not a tf\.LayersModel: end it with `return model;`/);
  });
  test('no build export: what the module exports instead', async () => {
    assert.match(await failure('noExport.mjs'), /^noExport\.mjs: no build export: a builder module exports a function build\(hp, tf, data\) .*\(it exports "buildModel"\)$/);
  });
  test('a syntax error: its line and column', async () => {
    assert.equal(await failure('syntaxError.mjs'), 'syntaxError.mjs:2:24: loading the module failed: Unexpected ";"');
  });
  test('TypeScript that does not compile: the file at fault (an import of the module) and its position', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'builder-ts-'));
    try {
      fs.writeFileSync(path.join(dir, 'model.ts'), 'import { units } from "./units";\nexport const build = (): number => units;\n');
      fs.writeFileSync(path.join(dir, 'units.ts'), 'export const units: number = (;\n');
      await assert.rejects(loadBuilderModule('./model.ts', dir), { message: 'units.ts:1:31: TypeScript could not be compiled: Unexpected ";"' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('a build that awaits forever is stopped after the timeout', async () => {
    assert.equal(await failure('waitsForever.mjs', 200), 'waitsForever.mjs: build() did not return within 0.2 s');
  });
  test('a path outside the spec folder, or missing', async () => {
    assert.match(await failure('../bad-specs/x.mjs'), /^\.\.\/bad-specs\/x\.mjs: the module path must stay inside the spec's folder /);
    assert.match(await failure('missing.mjs'), /^missing\.mjs: file not found: /);
  });
  test('a failed build frees the weights it made', async () => {
    const before = tf.memory().numTensors;
    await failure('throws.mjs');
    await failure('notModel.mjs');
    assert.equal(tf.memory().numTensors, before);
  });
  test('an edited module is loaded again (the content hash keys the cache)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'builder-module-'));
    try {
      const file = path.join(dir, 'edited.mjs');
      const write = (units: number) => fs.writeFileSync(file, `export const build = (hp, tf, data) => tf.sequential({ layers: [
        tf.layers.dense({ inputShape: data.inputShape, units: ${units} }), tf.layers.dropout({ rate: hp.Float('r', 0, 0.5) }),
        tf.layers.dense({ units: data.classes, activation: 'softmax' })] });\n`);
      write(3);
      const first = await moduleTrialModel(moonsSpec('edited.mjs'), dir, { r: 0.1 }, noData);
      write(5);
      const second = await moduleTrialModel(moonsSpec('edited.mjs'), dir, { r: 0.1 }, noData);
      assert.deepEqual([first.layers[0], second.layers[0]].map((layer) => layer!.type === 'dense' && layer.units), [3, 5]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
