/**
 * The shipped moons example must show what it is for: without dropout the wide network overfits, dropout narrows
 * the gap, and every figure a rate is compared by comes with a held-out test figure that chose nothing. The run is
 * deterministic (fixed seeds, wasm backend), so these are exact reproductions of one measured sweep, not luck.
 * Which rate is best is not asserted: that is the verdict's job, and with 3 seeds on 48 test points it need not
 * name a winner; the claims below hold across the rates and seeds, not for one pair of trials.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import type { JsonSummary } from '../../src/cli/report';
import { cliPath, repoRoot, tempDir } from '../support/specs';
import { testBackend } from '../support/backend';

test('examples/moons.dropout.json: rate 0 overfits, dropout narrows the gap, and each trial reports the test split at its selected epoch', () => {
  const out = tempDir();
  const args = [cliPath, 'run', path.join(repoRoot, 'examples', 'moons.dropout.json'), '--json', '--backend', testBackend, '--out', out];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.equal(summary.trials.length, 5 * 3, '5 rates × 3 seeds');
  assert.ok(summary.trials.every((trial) => trial.status === 'completed' && trial.epochs === 150));

  const byRate = new Map(summary.rates.map((rate) => [rate.rate, rate]));
  const none = byRate.get(0)!;
  // Overfitting: rate 0 ends far above its own best validation loss.
  assert.ok(none.finalValLoss.mean > 2 * none.bestValLoss.mean, `rate 0: final ${none.finalValLoss.mean}, best ${none.bestValLoss.mean}`);
  // Dropout narrows the gap: every rate ≥ 0.3 has a smaller gap than rate 0, and the largest rate the smallest of all.
  for (const rate of summary.rates.filter((r) => r.rate! >= 0.3)) assert.ok(rate.gap.mean < none.gap.mean, `rate ${rate.rate}`);
  assert.equal(Math.min(...summary.rates.map((r) => r.gap.mean)), byRate.get(0.8)!.gap.mean);

  // The test split: 240 samples, validationFraction 0.5, testFraction 0.2 (the default) → 120 validation, 48 test.
  assert.deepEqual(summary.testSplit, { heldOut: true, testFraction: 0.2 });
  assert.deepEqual(summary.excluded, []);
  for (const trial of summary.trials) {
    const { selected } = trial;
    assert.ok(selected?.test, `${trial.id}: selected with test figures`);
    // Chosen on validation: the trial's lowest val_loss epoch (objective val_loss, select best-epoch).
    assert.deepEqual([selected.rule, selected.epoch, selected.value], ['best-epoch', trial.best!.epoch, trial.best!.val_loss]);
    assert.equal(selected.test.samples, 48);
    assert.ok(Number.isFinite(selected.test.loss) && selected.test.loss > 0);
    const correct = selected.test.acc! * 48;
    assert.ok(correct >= 0 && correct <= 48 && Math.abs(correct - Math.round(correct)) < 1e-9, `accuracy ${selected.test.acc}: a count out of 48`);
    assert.equal(typeof selected.test.mc_loss, 'number', 'mcSamples 10: the MC rule too');
  }
  for (const rate of summary.rates) assert.equal(rate.test?.loss.n, 3);

  // The verdict: chosen on validation, reported on test, compared seed by seed (the rates share seeds 1, 2, 3).
  const { verdict } = summary;
  assert.equal(verdict.seeds, 3);
  assert.equal(verdict.paired, true);
  assert.equal(verdict.comparisons.length, 4, 'the best against each of the 4 other rates, never itself');
  assert.ok(verdict.comparisons.every((comparison) => comparison.key !== verdict.best && comparison.test.kind === 'paired' && comparison.test.n === 3));
  assert.match(verdict.text, /test loss \d\.\d{3} ± \d\.\d{3} over 3 seeds/);
  assert.equal(summary.best?.explanation, verdict.text);
  // The published model is the best configuration's trial, and it reports that trial's test figures.
  assert.equal(summary.bestModel?.configuration?.rate, summary.best!.rate);
  const published = summary.trials.find((trial) => trial.id === summary.bestModel!.trialId)!;
  assert.deepEqual(summary.bestModel?.test, published.selected!.test);
  assert.equal(summary.bestModel?.epoch, published.selected!.epoch);
});
