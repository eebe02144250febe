// wasm+blas trains what stock wasm trains: the same spec run by the CLI on each backend, every epoch of every trial
// compared. Skips, saying why, without the BLAS addon (no headers at install); .ci/run builds it and requires it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadBlasAddon } from '../../src/engine/blasKernels';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { cliPath, tempDir, tinySpec, writeSpec } from '../support/specs';

const loaded = loadBlasAddon();
const skip = 'reason' in loaded ? `the BLAS addon is not built: ${loaded.reason}` : false;

/**
 * How far the two backends may drift apart. Their products differ by float32 rounding only: ≤ 2·γ_K relative per
 * product (unit test blasKernels.test.ts), K ≤ 128 here, so ≤ 1.5e-5. Training feeds each step's parameters into the
 * next, and Adam divides by √v, which magnifies a rounding difference in a near-zero gradient up to the step size:
 * over a few epochs the losses move apart by more than one product's rounding, but not by anything a reader of a
 * table would see. Measured on this spec (2026-12-02): at most 6.4e-8 on any loss over 6 epochs, accuracies equal.
 * 1e-5 allows 150× that and is still 10,000× below the 0.1 gaps that separate rates here. Accuracies count whole examples: they may differ
 * by one validation example's share (1/120) where a prediction sits on the boundary.
 */
const lossTolerance = 1e-5;
const accuracyTolerance = 1 / 120 + 1e-9;

test('the same trials on wasm and on wasm+blas agree at every epoch', { skip }, () => {
  const dir = tempDir('blas-agree-');
  const spec = writeSpec(dir, tinySpec({
    dataset: { type: 'moons', samples: 240, noise: 0.3, validationFraction: 0.5 },
    model: { hidden: [128, 128] },
    training: { epochs: 6, batchSize: 16, learningRate: 0.01, seed: 5 },
    sweep: { rates: [0, 0.5], repeats: 2 },
  }));
  const runs = (['wasm', 'wasm+blas'] as const).map((backend) => {
    const out = path.join(dir, backend);
    const result = spawnSync(process.execPath, [cliPath, 'run', spec, '--json', '--backend', backend, '--out', out], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).backend, backend, 'the --json summary names the backend that ran');
    const [sweep] = listSweeps(out);
    const record = loadSweep(sweep.dir);
    assert.equal(record.manifest.backend?.name, backend, 'sweep.json names the backend that ran');
    return record;
  });
  const [stock, blas] = runs;
  assert.equal(stock.trials.length, 4);
  let compared = 0;
  for (const trial of stock.trials) {
    const other = blas.trials.find((candidate) => candidate.plan.id === trial.plan.id);
    assert.ok(other, `trial ${trial.plan.id} ran on both`);
    assert.equal(other.epochs.length, trial.epochs.length, `${trial.plan.id}: the same number of epochs`);
    trial.epochs.forEach((epoch, i) => {
      for (const [key, value] of Object.entries(epoch)) {
        if (typeof value !== 'number' || key === 'durationMs' || key === 'epoch') continue;
        const theirs = (other.epochs[i] as unknown as Record<string, number>)[key];
        const tolerance = key.endsWith('acc') ? accuracyTolerance : lossTolerance;
        assert.ok(Math.abs(value - theirs) <= tolerance, `${trial.plan.id} epoch ${epoch.epoch} ${key}: wasm ${value}, wasm+blas ${theirs}`);
        compared++;
      }
    });
  }
  assert.ok(compared >= 4 * 6 * 4, `compared ${compared} figures`);
});
