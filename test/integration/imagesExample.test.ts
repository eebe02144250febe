/**
 * examples/images through the CLI: an image folder decoded once into the runs folder's cache, a layer list whose
 * dropout takes the swept `sweep.rates` while a spatialDropout2d takes the named hyperparameter `conv_rate`, and the
 * outputs (--json, CSV) carrying both. About 5 s on wasm (8 trials of 20 epochs on 108 training images of 16×16).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../../scripts/e2e/codeServer';
import { sweepToCsv } from '../../src/store/csv';
import { loadSweep } from '../../src/store/reader';
import { cliPath, tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

interface JsonTrial {
  id: string;
  rate: number;
  hp: { conv_rate: number };
  seed: number;
  status: string;
  selected: { value: number; test?: { loss: number } };
}

function runExample(workspace: string) {
  const result = spawnSync(process.execPath, [cliPath, 'run', 'shapes.dropout.json', '--json', '--backend', testBackend], {
    cwd: workspace, encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as {
    dir: string; trials: JsonTrial[]; space: Record<string, unknown>;
    best: { rate: number; hp: { conv_rate: number } };
    verdict: { best: string; summaries: { key: string; rate: number; hp: { conv_rate: number }; objective: { mean: number } }[] };
  };
}

describe('the images example through the CLI', () => {
  test('trains rates × conv_rate × seeds from the cached folder; --json and the CSV carry both dimensions', () => {
    const workspace = tempDir();
    fs.cpSync(path.join(repoRoot, 'examples', 'images'), workspace, { recursive: true });
    const summary = runExample(workspace);

    // 2 rates × 2 conv_rate values × 2 seeds, ids in the shorthand's form with the named value after it.
    assert.equal(summary.trials.length, 8);
    assert.deepEqual(Object.keys(summary.space), ['conv_rate']);
    for (const trial of summary.trials) {
      assert.equal(trial.status, 'completed');
      assert.equal(trial.id, `rate-${trial.rate}_conv_rate-${trial.hp.conv_rate}_seed-${trial.seed}`);
      assert.ok(trial.selected.test && Number.isFinite(trial.selected.test.loss), 'every finished trial is scored on the test split');
    }
    // The verdict's summaries are the per-configuration means of the trials' selected values.
    for (const config of summary.verdict.summaries) {
      const values = summary.trials.filter((t) => t.rate === config.rate && t.hp.conv_rate === config.hp.conv_rate).map((t) => t.selected.value);
      assert.equal(values.length, 2, config.key);
      assert.ok(Math.abs(config.objective.mean - (values[0]! + values[1]!) / 2) < 1e-12, config.key);
    }
    assert.equal(summary.verdict.best, `rate-${summary.best.rate}_conv_rate-${summary.best.hp.conv_rate}`);

    // Decoded once into the runs folder's cache; a second sweep reads it without writing it again.
    const cacheDir = path.join(workspace, '.dropout', 'runs', '.cache', 'datasets');
    const cached = fs.readdirSync(cacheDir).filter((name) => name.endsWith('.f32'));
    assert.equal(cached.length, 1);
    const written = fs.statSync(path.join(cacheDir, cached[0]!)).mtimeMs;
    const second = runExample(workspace);
    assert.notEqual(second.dir, summary.dir);
    assert.equal(fs.statSync(path.join(cacheDir, cached[0]!)).mtimeMs, written);

    // The CSV export (the panel's Export CSV): one column per dimension, the rate and the named one, on every row.
    const [header, ...rows] = sweepToCsv(loadSweep(summary.dir)).trim().split('\n');
    const columns = header!.split(',');
    assert.ok(columns.includes('rate') && columns.includes('conv_rate'), header);
    const convRate = columns.indexOf('conv_rate');
    assert.deepEqual(new Set(rows.map((row) => row.split(',')[convRate])), new Set(['0', '0.25']));
  });
});
