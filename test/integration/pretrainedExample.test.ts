/**
 * examples/pretrained through the CLI: an existing TF.js Layers model (model.from) whose two Dropout layers become
 * the hyperparameters dropout_1 and dropout_2 (keras-tuner's article range, defaulting to the file's 0.2), searched
 * by Hyperband; the stored spec carries the resolved space; the verdict names the best configuration; the best model
 * is the user's architecture (layer names kept) with the chosen rates; pretrained weights start far ahead of fresh
 * ones. About 5 s per run on wasm (17 short trials of a 4,482-parameter model).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../../scripts/e2e/codeServer';
import { cliPath, tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

interface JsonTrial {
  hp: { dropout_1: number; dropout_2: number };
  status: string;
  epochs: number;
  final: { epoch: number; val_loss: number };
}

interface Summary {
  dir: string;
  trials: JsonTrial[];
  space: Record<string, unknown>;
  best: { hp: { dropout_1: number; dropout_2: number } };
  bestModel: { dir: string; configuration: { hp: { dropout_1: number; dropout_2: number } } };
  verdict: { best: string; text: string };
}

function run(workspace: string): Summary {
  const result = spawnSync(process.execPath, [cliPath, 'run', 'pretrained.dropout.json', '--json', '--backend', testBackend], {
    cwd: workspace, encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Summary;
}

/** Mean validation loss of the trials that trained one epoch (Hyperband's first rung). */
const firstEpochLoss = (summary: Summary): number => {
  const losses = summary.trials.filter((trial) => trial.epochs === 1).map((trial) => trial.final.val_loss);
  return losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
};

describe('the pretrained example through the CLI', () => {
  test('Hyperband over the model\'s two dropout layers; the verdict and the exported model name the best rates', () => {
    const workspace = tempDir();
    fs.cpSync(path.join(repoRoot, 'examples', 'pretrained'), workspace, { recursive: true });
    const summary = run(workspace);

    const entry = { type: 'float', min: 0, max: 0.8, step: 0.1, sampling: 'linear', default: 0.2 };
    assert.deepEqual(summary.space, { dropout_1: entry, dropout_2: entry });
    assert.ok(summary.trials.length > 10);
    assert.ok(summary.trials.every((trial) => trial.status === 'completed'));
    const { dropout_1: first, dropout_2: second } = summary.best.hp;
    assert.equal(summary.verdict.best, `dropout_1-${first}_dropout_2-${second}`);
    assert.match(summary.verdict.text, new RegExp(`^dropout_1 ${first}, dropout_2 ${second} had the lowest val_loss`));

    // sweep.json keeps the resolved spec: trainers, resume and the views see the model's hyperparameters.
    const stored = JSON.parse(fs.readFileSync(path.join(summary.dir, 'sweep.json'), 'utf8')) as {
      spec: { model: { dropoutHps: string[] }; sweep: { space: Record<string, unknown> } };
    };
    assert.deepEqual(stored.spec.model.dropoutHps, ['dropout_1', 'dropout_2']);
    assert.deepEqual(stored.spec.sweep.space, summary.space);

    // The best model is the user's architecture, names kept, with the chosen rates.
    const exported = JSON.parse(fs.readFileSync(path.join(summary.bestModel.dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: { name: string; rate?: number; activation?: string } }[] } };
    };
    const layers = exported.modelTopology.config.layers.map(({ class_name: kind, config }) => [kind, config.name, config.rate ?? config.activation]);
    assert.deepEqual(layers, [
      ['Dense', 'dense_1', 'relu'], ['Dropout', 'dropout_a', first], ['Dense', 'dense_2', 'relu'], ['Dropout', 'dropout_b', second],
      ['Dense', 'output', 'softmax'],
    ]);

    // weights "fresh": the same sweep from the seeded initialisation is far behind after its first epoch.
    const specFile = path.join(workspace, 'pretrained.dropout.json');
    fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').replace('"weights": "pretrained"', '"weights": "fresh"'));
    const fresh = run(workspace);
    assert.ok(firstEpochLoss(summary) < firstEpochLoss(fresh) - 0.1, `${firstEpochLoss(summary)} vs fresh ${firstEpochLoss(fresh)}`);
  });
});
