import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import type { SweepRecord } from '../../src/core/records';
import { resumeSweep, startSweep } from '../../src/runner/runner';
import { loadSweep } from '../../src/store/reader';
import { killedMidSweep } from '../support/interrupt';
import { tempDir, tinySpec, trainerPath, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';

/** runner.test.ts's Hyperband sweep: maxEpochs 4, factor 2: 3 brackets, 10 trials, 6 rounds. */
const hyperbandSpec = tinySpec({
  training: { batchSize: 16, learningRate: 0.01, seed: 3 },
  sweep: { rates: [0, 0.2, 0.4, 0.6], strategy: 'hyperband', maxEpochs: 4, factor: 2 },
});

/**
 * Whether two runs trained the same: the same epochs, each metric within `tolerance` relative. A trial the resumed
 * run trains again from its seed rather than from the checkpoint the killed run left differs from the uninterrupted
 * one in float32 rounding only: a checkpoint round-trips weights and Adam's moments through float32 files, the
 * uninterrupted trainer keeps them in memory. Measured here: about 3e-7 relative; 1e-5 leaves room, and a wrong
 * epoch or a different trial differs by far more (epochs move val_loss by ~5e-2).
 */
function assertSameTraining(actual: SweepRecord, expected: SweepRecord, tolerance = 1e-5): void {
  const expectedById = new Map(expected.trials.map((trial) => [trial.plan.id, trial]));
  for (const trial of actual.trials) {
    const other = expectedById.get(trial.plan.id)!;
    assert.deepEqual(trial.epochs.map((e) => e.epoch), other.epochs.map((e) => e.epoch), trial.plan.id);
    assert.deepEqual([trial.summary?.status, trial.summary?.epochs, trial.summary?.selected?.epoch, trial.summary?.stoppedByStrategy],
      [other.summary?.status, other.summary?.epochs, other.summary?.selected?.epoch, other.summary?.stoppedByStrategy], trial.plan.id);
    trial.epochs.forEach((epoch, i) => {
      for (const key of ['loss', 'train_loss', 'val_loss'] as const) {
        const [a, b] = [epoch[key], other.epochs[i]![key]];
        assert.ok(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${trial.plan.id} epoch ${epoch.epoch} ${key}: ${a} vs ${b}`);
      }
    });
  }
}

describe('resuming a Hyperband sweep', () => {
  test('killed after its first round: resume replays the stored rounds and finishes it as an uninterrupted run would', async () => {
    const dir = tempDir();
    const specPath = writeSpec(dir, hyperbandSpec);
    const runs = path.join(dir, 'runs');
    const rungsStored = (sweepDir: string): number => {
      try {
        return (JSON.parse(fs.readFileSync(path.join(sweepDir, 'sweep.json'), 'utf8')).rungs ?? []).length;
      } catch {
        return 0; // being replaced
      }
    };
    const sweepDir = await killedMidSweep(specPath, runs, ['--backend', testBackend], (at) => rungsStored(at) >= 1);
    const before = loadSweep(sweepDir);
    assert.equal(before.status, 'interrupted');
    const rungsBefore = before.manifest.rungs!.length;
    assert.ok(rungsBefore >= 1 && rungsBefore < 6, `killed mid-sweep (${rungsBefore} of 6 rounds ranked)`);

    const resumed = resumeSweep(sweepDir, { trainerPath, backend: testBackend, workers: 2 });
    assert.equal(await resumed.finished, 'completed');
    const after = loadSweep(sweepDir);
    assert.equal(after.manifest.rungs!.length, 6, 'every round ranked once');
    assert.deepEqual(after.manifest.rungs!.slice(0, rungsBefore), before.manifest.rungs, 'the stored rounds stay as they were');

    const text = fs.readFileSync(specPath, 'utf8');
    const fresh = startSweep({
      spec: parseSpec(text).spec as ExperimentSpec, specPath, specText: text, runsRoot: path.join(dir, 'fresh'), backend: testBackend, workers: 2, trainerPath,
    });
    assert.equal(await fresh.finished, 'completed');
    const uninterrupted = loadSweep(fresh.dir);
    // Same seeds, same backend: the same rounds and promotions, the same metrics up to float32 rounding.
    assert.deepEqual(after.manifest.rungs, uninterrupted.manifest.rungs);
    assertSameTraining(after, uninterrupted);
  });
});

