/**
 * Builder modules (model.module) across processes: examples/keras-style through the CLI (Hyperband over the module's
 * discovered space, sweep.json's module hash, the verdict and the exported model), discovery that fails or hangs
 * (named, positioned, the process killed), a trainer that outlives a failing module, and the resume warning.
 * About 15 s on wasm (the example on fewer digits: 17 trials of up to 9 epochs on 300 samples).
 */
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ExperimentSpec } from '../../src/core/spec';
import { parseSpec } from '../../src/engine/spec/parse';
import { isTrainerEvent, type TrainerCommand, type TrainerEvent } from '../../src/protocol/trainer';
import { discoverModuleSpace, resolveModuleSpec } from '../../src/runner/moduleDiscovery';
import { moduleChangeWarning, startSweep } from '../../src/runner/runner';
import { loadSweep } from '../../src/store/reader';
import { fileHash } from '../../src/store/layout';
import { cliPath, repoRoot, tempDir, trainerPath } from '../support/specs';
import { testBackend } from '../support/backend';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'builder');

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
}

/** A moons spec whose model is `module` (a fixture), in a folder with the fixtures. */
function moonsModuleSpec(module: string, sweep: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'moons-module', dataset: { type: 'moons', samples: 80, noise: 0.2, validationFraction: 0.5 }, model: { module },
    training: { epochs: 2, batchSize: 16, learningRate: 0.01, seed: 3 }, sweep: { strategy: 'grid', ...sweep }, evaluation: { mcSamples: 0 },
  });
}

describe('examples/keras-style through the CLI', () => {
  test('Hyperband over the space the module asks for; the verdict names the best dropout; sweep.json keeps the module hash', () => {
    const workspace = tempDir();
    fs.cpSync(path.join(repoRoot, 'examples', 'keras-style'), workspace, { recursive: true });
    // The example as it is but on fewer digits, to keep the test quick.
    const specFile = path.join(workspace, 'keras-style.dropout.json');
    const text = fs.readFileSync(specFile, 'utf8').replace(/"trainSamples": \d+, "validationSamples": \d+, "testSamples": \d+/,
      '"trainSamples": 300, "validationSamples": 200, "testSamples": 200');
    assert.match(text, /"trainSamples": 300/);
    fs.writeFileSync(specFile, text);

    const validated = cli(['validate', 'keras-style.dropout.json'], workspace);
    assert.equal(validated.status, 0, validated.stderr);
    assert.match(validated.stderr, /valid \(72 configurations × 1 seeds; \.\/model\.mjs asks for units, dropout\)/);

    const result = cli(['run', 'keras-style.dropout.json', '--json', '--backend', testBackend], workspace);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as {
      dir: string; strategy: string; space: Record<string, { type: string }>; trials: { status: string; hp: { units: number; dropout: number } }[];
      best: { hp: { units: number; dropout: number } }; verdict: { best: string; bestLabel: string };
    };
    assert.equal(summary.strategy, 'hyperband');
    assert.deepEqual(Object.keys(summary.space), ['units', 'dropout'], 'the call order of the hp calls');
    assert.ok(summary.trials.length > 1 && summary.trials.every((trial) => trial.status === 'completed'));
    for (const trial of summary.trials) {
      assert.ok(trial.hp.units % 32 === 0 && trial.hp.units >= 32 && trial.hp.units <= 256, JSON.stringify(trial.hp));
      assert.ok(trial.hp.dropout >= 0 && trial.hp.dropout <= 0.8, JSON.stringify(trial.hp));
    }
    const { dropout, units } = summary.best.hp;
    assert.equal(summary.verdict.best, `units-${units}_dropout-${dropout}`);
    assert.equal(summary.verdict.bestLabel, `units ${units}, dropout ${dropout}`);

    const manifest = JSON.parse(fs.readFileSync(path.join(summary.dir, 'sweep.json'), 'utf8')) as { module: unknown; spec: ExperimentSpec };
    assert.deepEqual(manifest.module, { path: './model.mjs', sha256: fileHash(path.join(workspace, 'model.mjs')) });
    assert.deepEqual(Object.keys(manifest.spec.sweep.space!), ['units', 'dropout'], 'the stored spec carries the resolved space');
    assert.deepEqual(manifest.spec.model.dropoutHps, ['dropout'], 'the name that sets the dropout rate: the verdict\'s baseline is dropout 0');

    // The exported model is the module's architecture with the chosen values.
    const exported = JSON.parse(fs.readFileSync(path.join(summary.dir, 'best-model', 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: { rate?: number; units?: number } }[] } };
    };
    const layers = exported.modelTopology.config.layers;
    assert.deepEqual(layers.map((layer) => layer.class_name), ['Flatten', 'Dense', 'Dropout', 'Dense']);
    assert.equal(layers[1]!.config.units, units);
    assert.equal(layers[2]!.config.rate, dropout);
  });
});

describe('discovery problems', () => {
  test('a build that throws: exit 2 and the module line, from validate', () => {
    const workspace = tempDir();
    fs.cpSync(fixtures, workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'throws.dropout.json'), moonsModuleSpec('throws.mjs'));
    const result = cli(['validate', 'throws.dropout.json'], workspace);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /throws\.mjs:4:9 build\(\) threw: the model is not ready/);
  });

  test('a sweep.space entry the module never asks for or of another kind, sweep.rates, and a float without a step on a grid', () => {
    const workspace = tempDir();
    fs.cpSync(fixtures, workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'typo.dropout.json'),
      moonsModuleSpec('mlp.mjs', { space: { dropuot: { type: 'float', min: 0, max: 0.5, step: 0.25 } } }));
    const typo = cli(['validate', 'typo.dropout.json'], workspace);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /typo\.dropout\.json:\d+:\d+ sweep\.space\.dropuot: mlp\.mjs never asks for "dropuot" — did you mean "dropout"\?/);
    fs.writeFileSync(path.join(workspace, 'kind.dropout.json'), moonsModuleSpec('mlp.mjs', {
      space: { units: { type: 'float', min: 8, max: 32, step: 8 }, activation: { type: 'choice', values: [1, 2] } },
    }));
    const kind = cli(['validate', 'kind.dropout.json'], workspace);
    assert.equal(kind.status, 2);
    assert.match(kind.stderr, /sweep\.space\.units: mlp\.mjs asks for "units" as an integer \(hp\.Int\), but sweep\.space makes it a float range/);
    assert.match(kind.stderr, /sweep\.space\.activation: mlp\.mjs asks for "activation" as a string \(hp\.Choice\), but sweep\.space can make it 1/);
    fs.writeFileSync(path.join(workspace, 'rates.dropout.json'), moonsModuleSpec('mlp.mjs', { rates: [0, 0.5] }));
    const rates = cli(['validate', 'rates.dropout.json'], workspace);
    assert.equal(rates.status, 2);
    assert.match(rates.stderr, /sweep\.rates: mlp\.mjs gives its dropout layers their rates, so sweep\.rates would reach none of them/);
    fs.writeFileSync(path.join(workspace, 'big.dropout.json'), moonsModuleSpec('mlp.mjs', { maxTrials: 10 }));
    const big = cli(['validate', 'big.dropout.json'], workspace);
    assert.equal(big.status, 2);
    assert.match(big.stderr, /sweep\.maxTrials: mlp\.mjs's hyperparameters \([\w, ]+\) give the grid 32 trials, more than sweep\.maxTrials 10/);
    fs.writeFileSync(path.join(workspace, 'draw.dropout.json'), moonsModuleSpec('mlp.mjs', { strategy: 'random', samples: 40 }));
    const draw = cli(['validate', 'draw.dropout.json'], workspace);
    assert.equal(draw.status, 2);
    assert.match(draw.stderr, /sweep\.samples: mlp\.mjs: cannot draw .*: use fewer samples/);
    fs.writeFileSync(path.join(workspace, 'nogrid.dropout.json'), moonsModuleSpec('noStep.mjs'));
    const noGrid = cli(['validate', 'nogrid.dropout.json'], workspace);
    assert.equal(noGrid.status, 2);
    assert.match(noGrid.stderr, /sweep\.strategy: noStep\.mjs: sweep\.space\.rate_b is a float range without a step, so it has no grid/);
  });

  test('a build that never returns: the trainer process is killed after the timeout', async () => {
    const spec = parseSpec(moonsModuleSpec('hangs.mjs')).spec!;
    const started = Date.now();
    const result = await discoverModuleSpace({ trainerPath, spec, specDir: fixtures, buildTimeoutMs: 1000 });
    assert.deepEqual(result, { problem: { message: 'hangs.mjs: build() did not return within 1 s' } });
    assert.ok(Date.now() - started < 20_000);
  });
});

/** Events of a trainer process until `until` says stop. */
function trainerEvents(commands: TrainerCommand[], until: (events: TrainerEvent[]) => boolean): Promise<TrainerEvent[]> {
  const child = fork(trainerPath, ['cpu'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
  const events: TrainerEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`no end: ${JSON.stringify(events)}`)); }, 60_000);
    child.on('message', (message: unknown) => {
      if (!isTrainerEvent(message)) return;
      events.push(message);
      if (message.type === 'ready') commands.forEach((command) => child.send(command));
      if (until(events)) {
        clearTimeout(timer);
        child.kill();
        resolve(events);
      }
    });
  });
}

describe('a trainer and a failing module', () => {
  test('the trial fails with the positioned message; the same trainer then trains the next trial', async () => {
    const failing = parseSpec(moonsModuleSpec('throws.mjs')).spec!;
    const working = parseSpec(moonsModuleSpec('commonjs.cjs')).spec!;
    const trial = (id: string) => ({ id, seed: 1, repeat: 0, hp: { rate_a: 0.25 } });
    const events = await trainerEvents([
      { type: 'run', trial: trial('bad'), spec: failing, specDir: fixtures },
      { type: 'run', trial: trial('good'), spec: working, specDir: fixtures },
    ], (seen) => seen.filter((event) => event.type === 'trialEnded').length === 2);
    const ended = events.filter((event) => event.type === 'trialEnded');
    assert.equal(ended[0]!.summary.status, 'failed');
    assert.equal(ended[0]!.summary.error, 'throws.mjs:4:9: build() threw: the model is not ready');
    assert.equal(ended[1]!.summary.status, 'completed');
    assert.equal(ended[1]!.summary.epochs, 2);
  });
});

describe('a trial whose build never returns', () => {
  test('its trainer is killed after the build timeout; the trial fails with that message, the other trial completes', async () => {
    const workspace = tempDir();
    fs.cpSync(fixtures, workspace, { recursive: true });
    const specText = moonsModuleSpec('hangsInTrial.mjs');
    const specPath = path.join(workspace, 'hangs.dropout.json');
    fs.writeFileSync(specPath, specText);
    const parsed = parseSpec(specText).spec!;
    const resolved = resolveModuleSpec(parsed, specPath, specText, await discoverModuleSpace({ trainerPath, spec: parsed, specDir: workspace }));
    assert.ok('spec' in resolved, JSON.stringify(resolved));
    const run = startSweep({ spec: resolved.spec, specPath, specText, trainerPath, backend: 'cpu', workers: 1, buildTimeoutMs: 1500 });
    assert.equal(await run.finished, 'completed');
    const trials = loadSweep(run.dir).trials.map((trial) => [trial.plan.hp?.rate_h, trial.status, trial.summary?.error]);
    assert.deepEqual(trials, [
      [0, 'completed', undefined],
      [0.5, 'failed', 'hangsInTrial.mjs: build() did not return within 1.5 s; its trainer was stopped'],
    ]);
  });
});

describe('resume after the module changed', () => {
  test('a warning naming both hashes; none when the file is the same', () => {
    const workspace = tempDir();
    const module = path.join(workspace, 'model.mjs');
    fs.writeFileSync(module, 'export const build = () => null;\n');
    const then = fileHash(module);
    const specPath = path.join(workspace, 'x.dropout.json');
    assert.equal(moduleChangeWarning({ path: './model.mjs', sha256: then }, specPath), undefined);
    fs.writeFileSync(module, 'export const build = () => undefined;\n');
    assert.equal(moduleChangeWarning({ path: './model.mjs', sha256: then }, specPath),
      `./model.mjs has changed since the sweep started (sha256 ${then} then, ${fileHash(module)} now): the resumed trials build the module as it is now`);
  });
});
