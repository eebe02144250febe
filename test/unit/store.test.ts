import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { EpochMetrics, TrialPlan } from '../../src/core/trial';
import { experimentSlug, newSweepId, specHash, sweepDir } from '../../src/store/layout';
import { listSweeps, loadSweep, readManifest } from '../../src/store/reader';
import { bestRate, summarizeByRate } from '../../src/core/summary';
import { verdictConfigurations, verdictOfSweep } from '../../src/core/sweepVerdict';
import { storeFormat, type SweepManifest, type TrialRecord } from '../../src/core/records';
import { SweepWriter } from '../../src/store/writer';
import { tempDir } from '../support/specs';

const plan = (rate: number, seed: number): TrialPlan => ({ id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: 0 });
const epoch = (n: number, val_loss: number, train_loss = val_loss / 2): EpochMetrics =>
  ({ epoch: n, loss: train_loss * 1.1, train_loss, val_loss, durationMs: 5 });

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

  test('a sweep folder is never shared: creating an existing one fails, and a clashing id is replaced by the next', () => {
    const root = tempDir();
    const ids = ['same-id', 'same-id', 'other-id'];
    const newId = () => ids.shift()!;
    const first = SweepWriter.createUnique(root, 'moons', (id) => manifest(id, []), fs, newId);
    const second = SweepWriter.createUnique(root, 'moons', (id) => manifest(id, []), fs, newId);
    assert.deepEqual([first.current.id, second.current.id], ['same-id', 'other-id']);
    assert.notEqual(first.dir, second.dir);
    assert.equal(readManifest(first.dir).id, 'same-id', 'the first sweep keeps its manifest');
    assert.throws(() => SweepWriter.create(first.dir, manifest('again', [])), /EEXIST/);
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

describe('the verdict over seeds (core/sweepVerdict.ts: paired, only finished trials)', () => {
  const gridSpec = (objective: 'val_loss' | 'val_acc' = 'val_loss') =>
    ({ sweep: { strategy: 'grid' as const, objective, select: 'best-epoch' as const }, dataset: { type: 'moons' as const, testFraction: 0 } });
  const trial = (rate: number, seed: number, valLoss: number): TrialRecord => ({ plan: plan(rate, seed), status: 'completed', epochs: [epoch(1, valLoss)] });

  test('a runner-up within seed noise: no clear winner, even paired', () => {
    const close = [
      trial(0, 1, 0.30), trial(0, 2, 0.32), trial(0, 3, 0.34),
      trial(0.3, 1, 0.20), trial(0.3, 2, 0.23), trial(0.3, 3, 0.22),
      trial(0.5, 1, 0.21), trial(0.5, 2, 0.24), trial(0.5, 3, 0.22),
    ];
    const verdict = verdictOfSweep(close, gridSpec());
    // rate 0.3 − rate 0.5 per seed: −0.01, −0.01, 0: mean −0.0067, sd 0.0058, SE 0.0033, t = −2.0 < t(0.975, 2) = 4.303.
    assert.equal(verdict.best, 'rate-0.3');
    assert.equal(verdict.runnerUp, 'rate-0.5');
    assert.equal(verdict.distinguishable, false);
    assert.equal(verdict.lens, 'no clear winner');
    assert.match(verdict.text, /^rate 0\.3 had the lowest val_loss, 0\.217 ± 0\.015 over 3 seeds .*not distinguishable from rate 0\.5 \(better in 2 of 3 seeds; Δ val_loss −0\.007, 95% CI −0\.021 … 0\.008\)/);
    assert.match(verdict.text, /no test split/, 'testFraction 0: the figure is said to be a validation figure');
  });

  test('two seeds that agree: a winner, said to be thin evidence', () => {
    const verdict = verdictOfSweep([trial(0, 1, 0.30), trial(0, 2, 0.31), trial(0.3, 1, 0.20), trial(0.3, 2, 0.21)], gridSpec());
    // Paired differences −0.10 and −0.10: zero spread, p = 0 (the limit of the test), 2 of 2 seeds.
    assert.equal(verdict.distinguishable, true);
    assert.equal(verdict.evidence, 'thin');
    assert.match(verdict.text, /^rate 0\.3 is best: .*better than rate 0 in 2 of 2 seeds .*2 seeds: thin evidence/);
  });

  test('one seed is not tested', () => {
    const verdict = verdictOfSweep([trial(0, 1, 0.3), trial(0.5, 1, 0.25)], gridSpec());
    assert.equal(verdict.best, 'rate-0.5');
    assert.equal(verdict.distinguishable, false);
    assert.match(verdict.text, /^rate 0\.5 had the lowest val_loss \(one seed: not tested; set sweep\.repeats ≥ 3 to tell rates apart\)/);
  });

  test('objective val_acc ranks by the highest mean val_acc', () => {
    const withAcc = (rate: number, acc: number, valLoss: number): TrialRecord =>
      ({ plan: plan(rate, 1), status: 'completed', epochs: [{ ...epoch(1, valLoss), val_acc: acc }] });
    const trials = [withAcc(0, 0.9, 0.2), withAcc(0.5, 0.95, 0.3)];
    assert.equal(bestRate(summarizeByRate(trials))?.rate, 0, 'val_loss by default');
    assert.equal(bestRate(summarizeByRate(trials, { objective: 'val_acc', select: 'best-epoch' }), 'val_acc')?.rate, 0.5);
    assert.match(verdictOfSweep(trials, gridSpec('val_acc')).text, /^rate 0\.5 had the highest val_acc \(one seed: not tested/);
  });
});

describe('per-layer rates in the summary', () => {
  const pairPlan = (inputRate: number, rate: number, seed: number): TrialPlan =>
    ({ id: `input-${inputRate}_rate-${rate}_seed-${seed}`, inputRate, rate, seed, repeat: seed - 1 });
  const trial = (inputRate: number, rate: number, seed: number, valLoss: number): TrialRecord =>
    ({ plan: pairPlan(inputRate, rate, seed), status: 'completed', epochs: [epoch(1, valLoss)] });

  test('one summary per (input rate, rate) pair, input-major, over its seeds; the best pair explained', () => {
    const trials = [
      trial(0.2, 0, 1, 0.50), trial(0.2, 0, 2, 0.54),
      trial(0, 0.5, 1, 0.30), trial(0, 0.5, 2, 0.34),
      trial(0.2, 0.5, 1, 0.20), trial(0.2, 0.5, 2, 0.22),
      trial(0, 0, 1, 0.40), trial(0, 0, 2, 0.42),
    ];
    const summaries = summarizeByRate(trials);
    // Same hidden rate, other input rate: a different configuration, never averaged together.
    assert.deepEqual(summaries.map((s) => [s.inputRate, s.rate, s.seeds]), [[0, 0, 2], [0, 0.5, 2], [0.2, 0, 2], [0.2, 0.5, 2]]);
    assert.ok(Math.abs(summaries[3]!.bestValLoss.mean - 0.21) < 1e-12);
    const verdict = verdictOfSweep(trials,
      { sweep: { strategy: 'grid', objective: 'val_loss', select: 'best-epoch' }, dataset: { type: 'moons', testFraction: 0.2 } });
    assert.equal(verdict.best, 'input-0.2_rate-0.5');
    assert.equal(verdict.runnerUp, 'input-0_rate-0.5');
    // Paired over 2 seeds: differences −0.10, −0.12, mean −0.11, sd 0.0141, SE 0.01, t = −11 < t(0.975, 1) = 12.706.
    assert.match(verdict.text, /^input rate 0\.2, rate 0\.5 had the lowest val_loss, 0\.210 ± 0\.014 over 2 seeds .*not distinguishable from input rate 0, rate 0\.5 \(better in 2 of 2 seeds; Δ val_loss −0\.110/);
  });

  test('a sweep without input rates summarises as before: no inputRate field anywhere', () => {
    const summaries = summarizeByRate([{ plan: plan(0.3, 1), epochs: [epoch(1, 0.2)] }]);
    assert.equal('inputRate' in summaries[0]!, false);
    assert.equal('inputRate' in verdictConfigurations(summaries)[0]!, false);
  });
});
