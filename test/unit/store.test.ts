import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { EpochMetrics, TrialPlan } from '../../src/protocol/messages';
import { experimentSlug, newSweepId, specHash, sweepDir } from '../../src/store/layout';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { bestRate, meanStd, summarizeByRate } from '../../src/store/summary';
import { storeFormat, type SweepManifest, type TrialRecord } from '../../src/store/types';
import { SweepWriter } from '../../src/store/writer';
import { tempDir } from '../support/specs';

const plan = (rate: number, seed: number): TrialPlan => ({ id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: 0 });
const epoch = (n: number, val_loss: number, train_loss = val_loss / 2): EpochMetrics => ({ epoch: n, loss: train_loss * 1.1, train_loss, val_loss, durationMs: 5 });

function manifest(id: string, trials: TrialPlan[], overrides: Partial<SweepManifest> = {}): SweepManifest {
  return {
    format: storeFormat, id, experiment: 'Moons test', specPath: '/x/moons.dropout.json', specHash: specHash('{}'),
    spec: {} as SweepManifest['spec'], trials, workers: 1, versions: {}, runnerPid: process.pid, status: 'running',
    startedAt: new Date().toISOString(), ...overrides,
  };
}

describe('run store', () => {
  test('layout: slugs, sortable unique sweep ids', () => {
    assert.equal(experimentSlug('Moons: wide net / v2'), 'moons-wide-net-v2');
    assert.equal(experimentSlug('***'), 'experiment');
    const a = newSweepId(new Date('2026-01-02T03:04:05.678Z'));
    const b = newSweepId(new Date('2026-01-02T03:04:05.678Z'));
    assert.match(a, /^2026-01-02T03-04-05-678Z-[0-9a-f]{6}$/);
    assert.notEqual(a, b, 'two sweeps started in the same millisecond get distinct ids');
    assert.ok(newSweepId(new Date('2026-01-02T03:04:06Z')) > a, 'ids sort by start time');
  });

  test('a trial file is readable line by line while it is written, and complete afterwards', () => {
    const dir = sweepDir(tempDir(), 'Moons test', 'sweep-1');
    const writer = SweepWriter.create(dir, manifest('sweep-1', [plan(0.5, 1)]));
    const trial = writer.openTrial(plan(0.5, 1), 1234);
    trial.epoch(epoch(1, 0.9));
    trial.epoch(epoch(2, 0.7));
    let record = loadSweep(dir);
    assert.equal(record.status, 'running');
    assert.equal(record.trials[0].status, 'running');
    assert.deepEqual(record.trials[0].epochs.map((e) => e.val_loss), [0.9, 0.7]);
    assert.equal(record.trials[0].parameterCount, 1234);

    trial.finish({ status: 'completed', epochs: 2, stoppedEarly: false, durationMs: 10, best: { epoch: 2, val_loss: 0.7 } });
    writer.update({ status: 'completed', endedAt: new Date().toISOString() });
    record = loadSweep(dir);
    assert.equal(record.status, 'completed');
    assert.equal(record.trials[0].status, 'completed');
    assert.equal(record.trials[0].summary?.best?.epoch, 2);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['sweep.json', 'trials'], 'no temporary manifest left behind');
  });

  test('a sweep whose runner died reads as interrupted, its unfinished trials too', () => {
    const deadPid = 2 ** 22 + 12345; // above Linux's default pid_max, so never a live process
    const dir = sweepDir(tempDir(), 'moons', 'sweep-2');
    const writer = SweepWriter.create(dir, manifest('sweep-2', [plan(0, 1), plan(0.5, 1)], { runnerPid: deadPid }));
    writer.openTrial(plan(0, 1)).epoch(epoch(1, 0.5));
    const record = loadSweep(dir);
    assert.equal(record.status, 'interrupted');
    assert.deepEqual(record.trials.map((t) => t.status), ['interrupted', 'pending']);
    assert.equal(record.trials[0].epochs.length, 1);
  });

  test('a truncated or corrupt line is skipped with a warning naming file and line; the rest is read', () => {
    const dir = sweepDir(tempDir(), 'moons', 'sweep-3');
    const writer = SweepWriter.create(dir, manifest('sweep-3', [plan(0, 1)], { status: 'completed' }));
    const trial = writer.openTrial(plan(0, 1));
    trial.epoch(epoch(1, 0.5));
    trial.epoch(epoch(2, 0.4));
    const file = path.join(dir, 'trials', 'rate-0_seed-1.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1].slice(0, 20); // damage epoch 1
    fs.writeFileSync(file, `${lines.join('\n')}{"kind":"epoch","epoch":3,"lo`); // and a cut-off last line
    const record = loadSweep(dir);
    assert.deepEqual(record.trials[0].epochs.map((e) => e.epoch), [2]);
    assert.equal(record.warnings.length, 2);
    assert.match(record.warnings[0], /rate-0_seed-1\.jsonl:2: unreadable line skipped/);
    assert.match(record.warnings[1], /rate-0_seed-1\.jsonl:4: unreadable line skipped/);
  });

  test('listSweeps lists every experiment newest first and skips folders that are not sweeps', () => {
    const root = tempDir();
    SweepWriter.create(sweepDir(root, 'a', 'old'), manifest('old', [], { experiment: 'a', startedAt: '2026-01-01T00:00:00.000Z' }));
    SweepWriter.create(sweepDir(root, 'b', 'new'), manifest('new', [plan(0, 1)], { experiment: 'b', startedAt: '2026-02-01T00:00:00.000Z' }));
    fs.mkdirSync(path.join(root, 'a', 'not-a-sweep'), { recursive: true });
    const listed = listSweeps(root);
    assert.deepEqual(listed.map((s) => s.id), ['new', 'old']);
    assert.equal(listed[0].trialCount, 1);
    assert.deepEqual(listSweeps(path.join(root, 'missing')), []);
  });
});

describe('sweep summary', () => {
  test('meanStd uses the sample standard deviation', () => {
    assert.deepEqual(meanStd([1, 2, 3, 4]), { mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    assert.deepEqual(meanStd([7]), { mean: 7, std: 0, n: 1 });
    assert.ok(Number.isNaN(meanStd([]).mean));
  });

  test('per rate: best val_loss over epochs, last-epoch gap, averaged over seeds; the best rate has the lowest mean', () => {
    const trial = (rate: number, seed: number, epochs: EpochMetrics[]): TrialRecord => ({ plan: plan(rate, seed), status: 'completed', epochs });
    const rates = summarizeByRate([
      trial(0, 1, [epoch(1, 0.6, 0.5), epoch(2, 0.4, 0.2), epoch(3, 0.8, 0.1)]),
      trial(0, 2, [epoch(1, 0.5, 0.4), epoch(2, 0.6, 0.1)]),
      trial(0.5, 1, [epoch(1, 0.5, 0.45), epoch(2, 0.35, 0.3)]),
      trial(0.5, 2, [epoch(1, 0.45, 0.4), epoch(2, 0.55, 0.35)]),
      { plan: plan(0.8, 1), epochs: [] },
    ]);
    assert.deepEqual(rates.map((r) => r.rate), [0, 0.5], 'a rate without epochs has no summary');
    const [none, half] = rates;
    assert.equal(none.bestValLoss.mean, (0.4 + 0.5) / 2);
    assert.ok(Math.abs(none.gap.mean - ((0.8 - 0.1) + (0.6 - 0.1)) / 2) < 1e-12);
    assert.ok(Math.abs(half.bestValLoss.mean - (0.35 + 0.45) / 2) < 1e-12);
    assert.ok(Math.abs(half.bestValLoss.std - Math.sqrt(((0.35 - 0.4) ** 2 + (0.45 - 0.4) ** 2) / 1)) < 1e-12);
    assert.equal(bestRate(rates)?.rate, 0.5);
    assert.equal(bestRate([]), undefined);
  });
});
