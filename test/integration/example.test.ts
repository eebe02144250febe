/**
 * The shipped moons example must show what it is for: without dropout the wide network overfits, and some rate
 * above 0 generalises better. The run is deterministic (fixed seed, wasm backend), so these are exact
 * reproductions of one measured sweep, not luck; the margins asserted are the ones the README describes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import type { JsonSummary } from '../../src/cli/report';
import { cliPath, repoRoot, tempDir } from '../support/specs';

test('examples/moons.dropout.json: rate 0 overfits, the best rate is above 0 and has a narrower gap', () => {
  const out = tempDir();
  const result = spawnSync(process.execPath, [cliPath, 'run', path.join(repoRoot, 'examples', 'moons.dropout.json'), '--json', '--backend', 'wasm', '--out', out], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.equal(summary.trials.length, 9);
  assert.ok(summary.trials.every((trial) => trial.status === 'completed' && trial.epochs === 150));

  const byRate = new Map(summary.rates.map((rate) => [rate.rate, rate]));
  const none = byRate.get(0)!;
  const best = byRate.get(summary.best!.rate)!;
  assert.ok(best.rate > 0, `best rate ${best.rate}`);
  assert.ok(best.bestValLoss.mean < none.bestValLoss.mean);
  assert.ok(none.gap.mean > best.gap.mean, `gap at rate 0 ${none.gap.mean} vs ${best.gap.mean} at the best rate`);
  // Overfitting: rate 0 ends far above its own best validation loss.
  assert.ok(none.finalValLoss.mean > 2 * none.bestValLoss.mean, `rate 0: final ${none.finalValLoss.mean}, best ${none.bestValLoss.mean}`);
  // Dropout narrows the gap: every rate ≥ 0.3 has a smaller gap than rate 0, and the largest rate the smallest of all.
  for (const rate of summary.rates.filter((r) => r.rate >= 0.3)) assert.ok(rate.gap.mean < none.gap.mean, `rate ${rate.rate}`);
  assert.equal(Math.min(...summary.rates.map((r) => r.gap.mean)), byRate.get(0.8)!.gap.mean);
});
