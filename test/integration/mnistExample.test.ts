/**
 * examples/mnist-wide.dropout.json must show what it is for: a wide net (784-512-512-10) on 1,000 training digits
 * overfits, and hidden dropout at rate 0.5 generalises better than none, in every seed — a claim across seeds,
 * which the verdict makes only because the 5 seeds agree. The run is deterministic (fixed seeds, wasm backend).
 *
 * Measured 2026-12-01 (`npx dropout-lab run examples/mnist-wide.dropout.json`, 217 s on 2 cores): selected val_loss
 * rate 0 0.371, rate 0.5 0.330 (mean over 5 seeds); per-seed differences 0.5 − 0 all negative, mean −0.041, sd 0.021
 * (95% CI −0.068 … −0.015, paired t(4), p = 0.012); rate 0's final val_loss is 1.25 … 1.34 times its best.
 * Tolerances: "better in ≥ 4 of 5 seeds" allows one seed to flip; "mean difference ≤ −0.015" is the measured −0.041
 * with more than one sd of the differences (0.021) to spare; "final ≥ 1.15 × best" leaves 0.1 below the lowest ratio.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import type { JsonSummary } from '../../src/cli/report';
import { cliPath, repoRoot, tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

test('examples/mnist-wide.dropout.json: rate 0.5 beats no dropout seed by seed, chosen on validation and reported on test', () => {
  const out = tempDir();
  const spec = path.join(repoRoot, 'examples', 'mnist-wide.dropout.json');
  const result = spawnSync(process.execPath, [cliPath, 'run', spec, '--json', '--backend', testBackend, '--out', out],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.equal(summary.trials.length, 3 * 5, '3 rates × 5 seeds');
  assert.deepEqual(summary.testSplit, { heldOut: true, testSamples: 1000 });

  const selected = (rate: number) => new Map(summary.trials.filter((trial) => trial.rate === rate).map((trial) => [trial.seed, trial.selected!.value]));
  const [none, half] = [selected(0), selected(0.5)];
  const differences = [...none.keys()].map((seed) => half.get(seed)! - none.get(seed)!);
  assert.ok(differences.filter((difference) => difference < 0).length >= 4, `rate 0.5 − rate 0 per seed: ${differences}`);
  const meanDifference = differences.reduce((sum, difference) => sum + difference, 0) / differences.length;
  assert.ok(meanDifference <= -0.015, `mean difference ${meanDifference}`);

  // Rate 0 overfits: every seed's last validation loss well above its best.
  for (const trial of summary.trials.filter((t) => t.rate === 0)) {
    assert.ok(trial.final!.val_loss >= 1.15 * trial.selected!.value, `${trial.id}: final ${trial.final!.val_loss}, best ${trial.selected!.value}`);
  }

  // The verdict: rate 0.5, paired over the 5 shared seeds, told apart from rate 0; its test loss reported, lower too.
  const { verdict } = summary;
  assert.equal(verdict.best, 'rate-0.5');
  const baseline = verdict.comparisons.find((comparison) => comparison.baseline)!;
  assert.equal(baseline.key, 'rate-0');
  assert.equal(baseline.test.kind, 'paired');
  assert.equal(baseline.outcome, 'better');
  assert.match(verdict.text, /^rate 0\.5 is best: test loss 0\.\d{3} ± 0\.\d{3} over 5 seeds; better than rate 0 in [45] of 5 seeds \(Δ val_loss −0\.0\d{2}, 95% CI/);
  const testLoss = (rate: number) => summary.rates.find((r) => r.rate === rate)!.test!.loss.mean;
  assert.ok(testLoss(0.5) < testLoss(0), `test loss: rate 0.5 ${testLoss(0.5)}, rate 0 ${testLoss(0)}`);
});
