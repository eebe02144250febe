/**
 * Which epoch counts, which trials vote, and what the summaries, the best model, --json, the table and the CSV make
 * of it: validation chooses, the test split reports, and failed, cancelled, interrupted and diverged trials never
 * vote. Pure: trial records written by hand, every expected number worked out in the comments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { excludedTrials, exclusionOf, selectEpoch, selectedOf, testSplitOf, votingTrials } from '../../src/core/selection';
import { bestRate, comparedTrials, summarizeByRate, summarizeSweepTrials } from '../../src/core/summary';
import type { EpochMetrics, SelectedEpoch, TestMetrics, TrialPlan, TrialSummary } from '../../src/core/trial';
import { storeFormat, type SweepRecord, type TrialRecord } from '../../src/core/records';
import type { ExperimentSpec } from '../../src/core/spec';
import { chooseBestModel } from '../../src/store/bestModel';
import { jsonSummary, rateTable } from '../../src/cli/report';
import { sweepToCsv } from '../../src/store/csv';
import { parseSpec } from '../../src/engine/spec/parse';

const plan = (rate: number, seed: number): TrialPlan => ({ id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: seed - 1 });
const epoch = (n: number, val_loss: number, extra: Partial<EpochMetrics> = {}): EpochMetrics =>
  ({ epoch: n, loss: 0.1, train_loss: 0.1, val_loss, durationMs: 1, ...extra });
const VAL_LOSS = { objective: 'val_loss', select: 'best-epoch' } as const;

/** A completed trial whose trainer reported its selected epoch (best-epoch by val_loss) and, optionally, a test loss. */
function finished(rate: number, seed: number, valLosses: number[], test?: Partial<TestMetrics>, status: TrialSummary['status'] = 'completed'): TrialRecord {
  const epochs = valLosses.map((value, i) => epoch(i + 1, value));
  const best = selectEpoch(epochs, VAL_LOSS);
  const selected: SelectedEpoch | undefined = best && {
    epoch: best.epoch, objective: 'val_loss', rule: 'best-epoch', value: best.val_loss, ...(test ? { test: { loss: 0, samples: 50, ...test } } : {}),
  };
  return {
    plan: plan(rate, seed), status, epochs,
    summary: { status, epochs: epochs.length, stoppedEarly: false, durationMs: 1, final: epochs.at(-1), ...(selected ? { selected } : {}) },
  };
}

function spec(sweep: Record<string, unknown> = {}, dataset: Record<string, unknown> = {}): ExperimentSpec {
  const { spec: parsed, problems } = parseSpec(JSON.stringify({
    name: 'selection', dataset: { type: 'moons', ...dataset }, model: { hidden: [4] }, sweep: { rates: [0, 0.5], ...sweep },
  }));
  assert.ok(parsed, JSON.stringify(problems));
  return parsed;
}

describe('which epoch counts', () => {
  const epochs = [epoch(1, 0.5, { val_acc: 0.7 }), epoch(2, 0.3, { val_acc: 0.8 }), epoch(3, 0.3, { val_acc: 0.9 }), epoch(4, 0.4, { val_acc: 0.9 })];

  test('best-epoch: the best by the objective, the first of equals; final-epoch: the last', () => {
    assert.equal(selectEpoch(epochs, { objective: 'val_loss', select: 'best-epoch' })?.epoch, 2);
    assert.equal(selectEpoch(epochs, { objective: 'val_acc', select: 'best-epoch' })?.epoch, 3);
    assert.equal(selectEpoch(epochs, { objective: 'val_loss', select: 'final-epoch' })?.epoch, 4);
    assert.equal(selectEpoch([], VAL_LOSS), undefined);
    assert.equal(selectEpoch([epoch(1, 0.2), epoch(2, NaN)], { objective: 'val_loss', select: 'final-epoch' }), undefined, 'no finite value at the last epoch');
  });

  test('the trainer\'s report wins when it used the same rule (it carries the test figures); else the epochs decide', () => {
    const trial = finished(0, 1, [0.5, 0.3, 0.4], { loss: 0.35 });
    assert.deepEqual(selectedOf(trial, VAL_LOSS), { epoch: 2, objective: 'val_loss', rule: 'best-epoch', value: 0.3, test: { loss: 0.35, samples: 50 } });
    assert.deepEqual(selectedOf(trial, { objective: 'val_loss', select: 'final-epoch' }), { epoch: 3, objective: 'val_loss', rule: 'final-epoch', value: 0.4 });
    // A sweep stored before `selected` (or a running trial): from its epochs, no test figures.
    assert.deepEqual(selectedOf({ plan: plan(0, 1), epochs: trial.epochs }, VAL_LOSS), { epoch: 2, objective: 'val_loss', rule: 'best-epoch', value: 0.3 });
  });
});

describe('only finished trials vote', () => {
  test('diverged (a non-finite loss at any epoch, whatever the status), failed, cancelled and interrupted trials are listed apart with their reason', () => {
    const diverged = finished(0.5, 1, [0.01]);
    diverged.epochs.push(epoch(2, 0.02, { loss: NaN }));
    Object.assign(diverged.summary!, { status: 'failed', error: 'training diverged: the loss is NaN at epoch 2 (try a smaller learningRate)' });
    diverged.status = 'failed';
    const nanValidation = finished(0.5, 2, [0.2, NaN]); // completed, yet its val_loss left the float range
    const crashed = { ...finished(0, 2, [0.1]), status: 'failed' as const };
    crashed.summary = { ...crashed.summary!, status: 'failed', error: 'the trainer process was killed (SIGKILL)' };
    const cancelled = finished(0, 3, [0.1], undefined, 'cancelled');
    const interrupted: TrialRecord = { plan: plan(0, 4), status: 'interrupted', epochs: [epoch(1, 0.1)] };
    const running: TrialRecord = { plan: plan(0, 5), status: 'running', epochs: [epoch(1, 0.9)] };
    const pending: TrialRecord = { plan: plan(0, 6), status: 'pending', epochs: [] };
    const noValue: TrialRecord = { plan: plan(0, 7), status: 'completed', epochs: [epoch(1, 0.3)] };
    const ok = finished(0, 1, [0.4, 0.35]);
    const trials = [ok, diverged, nanValidation, crashed, cancelled, interrupted, running, pending, noValue];
    // No val_acc anywhere: in a val_acc sweep the finished trials have nothing to be selected by.
    const noAcc = { reason: 'no selected epoch', detail: 'no epoch with a finite val_acc' };
    assert.deepEqual(excludedTrials(trials, { objective: 'val_acc', select: 'best-epoch' }), [
      { trialId: 'rate-0_seed-1', ...noAcc },
      { trialId: 'rate-0.5_seed-1', reason: 'diverged', detail: 'non-finite loss at epoch 2' },
      { trialId: 'rate-0.5_seed-2', reason: 'diverged', detail: 'non-finite loss at epoch 2' },
      { trialId: 'rate-0_seed-2', reason: 'failed', detail: 'the trainer process was killed (SIGKILL)' },
      { trialId: 'rate-0_seed-3', reason: 'cancelled' },
      { trialId: 'rate-0_seed-4', reason: 'interrupted' },
      { trialId: 'rate-0_seed-7', ...noAcc },
    ]);
    assert.deepEqual(excludedTrials(trials, VAL_LOSS), [
      { trialId: 'rate-0.5_seed-1', reason: 'diverged', detail: 'non-finite loss at epoch 2' },
      { trialId: 'rate-0.5_seed-2', reason: 'diverged', detail: 'non-finite loss at epoch 2' },
      { trialId: 'rate-0_seed-2', reason: 'failed', detail: 'the trainer process was killed (SIGKILL)' },
      { trialId: 'rate-0_seed-3', reason: 'cancelled' },
      { trialId: 'rate-0_seed-4', reason: 'interrupted' },
    ], 'a running trial counts with its epochs so far (live views); a pending one has nothing to count');
    assert.deepEqual(exclusionOf({ plan: plan(0, 8), status: 'completed', epochs: [] }, VAL_LOSS),
      { reason: 'no selected epoch', detail: 'no epoch with a finite val_loss' });
    assert.deepEqual(votingTrials(trials, VAL_LOSS).map((t) => t.plan.id), ['rate-0_seed-1', 'rate-0_seed-5', 'rate-0_seed-7']);
    // The summaries and the compared trials agree: rate 0.5 has no voting trial left, so no summary.
    assert.deepEqual(summarizeByRate(trials).map((r) => [r.rate, r.seeds]), [[0, 3]]);
    assert.deepEqual(comparedTrials(trials, { sweep: { strategy: 'grid' } }).map((t) => t.plan.id),
      ['rate-0_seed-1', 'rate-0_seed-5', 'rate-0_seed-6', 'rate-0_seed-7']);
  });

  test('a trial with a good first epoch that then diverged cannot win: not the best rate, not the best model', () => {
    // Rate 0.5: seed 1 reaches val_loss 0.01 at epoch 1, then its loss is NaN (the loop fails it as diverged); seed 2
    // finishes at 0.40. Rate 0: 0.30 and 0.32. Counting the diverged trial, rate 0.5 would average (0.01 + 0.40)/2
    // = 0.205 and win, and its best trial would be the diverged one; without it, rate 0.5 is 0.40 and rate 0 (0.31) wins.
    const diverged = finished(0.5, 1, [0.01]);
    diverged.epochs.push(epoch(2, NaN, { loss: NaN, train_loss: NaN }));
    diverged.status = 'failed';
    diverged.summary = {
      ...diverged.summary!, status: 'failed', epochs: 2, error: 'training diverged: the loss is NaN at epoch 2 (try a smaller learningRate)',
    };
    const trials = [finished(0, 1, [0.5, 0.30]), finished(0, 2, [0.32, 0.4]), diverged, finished(0.5, 2, [0.45, 0.40])];
    const sweep = spec({ repeats: 2 });
    const rates = summarizeSweepTrials(trials, sweep);
    assert.deepEqual(rates.map((r) => [r.rate, r.seeds, r.perSeed.map((s) => s.seed)]), [[0, 2, [1, 2]], [0.5, 1, [2]]]);
    assert.ok(Math.abs(rates[0]!.selected.mean - 0.31) < 1e-12);
    assert.equal(bestRate(rates)?.rate, 0);
    const model = chooseBestModel(trials, sweep);
    assert.equal(model?.trialId, 'rate-0_seed-1');
    assert.deepEqual(model?.configuration, { rate: 0 });
    assert.deepEqual(excludedTrials(trials, VAL_LOSS), [{ trialId: 'rate-0.5_seed-1', reason: 'diverged', detail: 'non-finite loss at epoch 2' }]);
  });

  test('the best model always belongs to the best configuration (mean over seeds), then its best seed by validation', () => {
    // Rate 0: 0.30 and 0.31 (mean 0.305). Rate 0.5: 0.20 and 0.50 (mean 0.35). The single best trial is rate 0.5
    // seed 1, but the best configuration is rate 0: its best seed, seed 1, is published.
    const trials = [finished(0, 1, [0.30]), finished(0, 2, [0.31]), finished(0.5, 1, [0.20]), finished(0.5, 2, [0.50])];
    const sweep = spec({ repeats: 2 });
    assert.equal(bestRate(summarizeSweepTrials(trials, sweep))?.rate, 0);
    assert.deepEqual(chooseBestModel(trials, sweep),
      { trialId: 'rate-0_seed-1', epoch: 1, objective: 'val_loss', value: 0.30, configuration: { rate: 0 }, seed: 1, select: 'best-epoch' });
  });
});

describe('per-configuration summaries for paired comparisons', () => {
  test('per seed, keyed and ordered by seed: the selected value and the test figures; the test mean over the seeds that have one', () => {
    const trials = [finished(0.5, 3, [0.4, 0.3], { loss: 0.33, acc: 0.8 }), finished(0.5, 1, [0.2], { loss: 0.25, acc: 0.9 }), finished(0.5, 2, [0.6, 0.5])];
    const [summary] = summarizeByRate(trials);
    assert.deepEqual(summary!.perSeed, [
      { seed: 1, trialId: 'rate-0.5_seed-1', epoch: 1, value: 0.2, test: { loss: 0.25, acc: 0.9, samples: 50 } },
      { seed: 2, trialId: 'rate-0.5_seed-2', epoch: 2, value: 0.5 },
      { seed: 3, trialId: 'rate-0.5_seed-3', epoch: 2, value: 0.3, test: { loss: 0.33, acc: 0.8, samples: 50 } },
    ]);
    assert.deepEqual(summary!.selection, VAL_LOSS);
    assert.ok(Math.abs(summary!.selected.mean - (0.2 + 0.5 + 0.3) / 3) < 1e-12);
    assert.equal(summary!.test?.loss.n, 2);
    assert.ok(Math.abs(summary!.test!.loss.mean - 0.29) < 1e-12 && Math.abs(summary!.test!.acc!.mean - 0.85) < 1e-12);
  });
});

describe('the test split in the spec', () => {
  test('held out, opted out (every verdict warns), or predating test splits', () => {
    assert.deepEqual(testSplitOf(spec()), { heldOut: true, testFraction: 0.2 });
    assert.deepEqual(testSplitOf(spec({}, { type: 'mnist' })), { heldOut: true, testSamples: 1000 });
    const optedOut = testSplitOf(spec({}, { testFraction: 0 }));
    assert.equal(optedOut.heldOut, false);
    assert.match(optedOut.warning!, /^no test split \(dataset\.testFraction is 0\): every figure is a validation figure/);
    const old = spec();
    if (old.dataset.type === 'moons') delete old.dataset.testFraction;
    assert.match(testSplitOf(old).warning!, /^no test split \(this sweep predates test splits\)/);
  });
});

describe('--json, the table and the CSV', () => {
  function record(sweepSpec: ExperimentSpec, trials: TrialRecord[]): SweepRecord {
    return {
      dir: '/runs/s', status: 'completed', warnings: [], trials,
      manifest: {
        format: storeFormat, id: 's', experiment: 'selection', specPath: '/s.dropout.json', specHash: '', spec: sweepSpec,
        trials: trials.map((t) => t.plan), workers: 1, versions: {}, runnerPid: 1, status: 'completed', startedAt: '2026-01-01T00:00:00Z',
      },
    };
  }
  /** A val_acc trial: val_acc per epoch, train_acc on the last; the trainer's selection with test figures. */
  function accTrial(rate: number, seed: number, accs: number[], testAcc: number): TrialRecord {
    const epochs = accs.map((acc, i) => epoch(i + 1, 1 - acc, { val_acc: acc, train_acc: acc + 0.05, acc }));
    const best = selectEpoch(epochs, { objective: 'val_acc', select: 'best-epoch' })!;
    const selected: SelectedEpoch = {
      epoch: best.epoch, objective: 'val_acc', rule: 'best-epoch', value: best.val_acc!, test: { loss: 1 - testAcc, acc: testAcc, samples: 80 },
    };
    return {
      plan: plan(rate, seed), status: 'completed', epochs,
      summary: { status: 'completed', epochs: epochs.length, stoppedEarly: false, durationMs: 1, final: epochs.at(-1), selected },
    };
  }

  test('a val_acc sweep: per trial `selected` with test figures and `final` with train_acc, no val_loss `best`; the best named by val_acc', () => {
    const sweepSpec = spec({ objective: 'val_acc', repeats: 2 });
    const cancelled = accTrial(0.5, 2, [0.99], 0.5);
    cancelled.status = 'cancelled';
    cancelled.summary = { ...cancelled.summary!, status: 'cancelled' };
    const trials = [accTrial(0, 1, [0.7, 0.8, 0.75], 0.78), accTrial(0, 2, [0.72, 0.74], 0.7), accTrial(0.5, 1, [0.7, 0.76], 0.74), cancelled];
    const json = jsonSummary(record(sweepSpec, trials));
    assert.equal(json.select, 'best-epoch');
    assert.deepEqual(json.testSplit, { heldOut: true, testFraction: 0.2 });
    assert.deepEqual(json.excluded, [{ trialId: 'rate-0.5_seed-2', reason: 'cancelled' }]);
    const cancelledJson = json.trials[3]!;
    assert.deepEqual([cancelledJson.excluded, cancelledJson.selected], [{ reason: 'cancelled' }, undefined], 'an excluded trial counts at no epoch');
    const first = json.trials[0]!;
    assert.deepEqual(first.selected, { epoch: 2, objective: 'val_acc', rule: 'best-epoch', value: 0.8, test: { loss: 1 - 0.78, acc: 0.78, samples: 80 } });
    assert.equal(first.final?.train_acc, 0.75 + 0.05);
    assert.equal(first.final?.epoch, 3);
    assert.equal('best' in first, false, 'the val_loss best is not a val_acc sweep\'s figure');
    // Rate 0: (0.8 + 0.74)/2 = 0.77; rate 0.5: 0.76 (the cancelled 0.99 does not vote).
    assert.equal(json.best?.rate, 0);
    assert.ok(Math.abs(json.best!.val_acc! - 0.77) < 1e-12);
    assert.equal(json.best?.val_loss, undefined);
    assert.ok(Math.abs(json.best!.test!.acc!.mean - (0.78 + 0.7) / 2) < 1e-12);
    assert.deepEqual(json.rates.map((r) => r.seeds), [2, 1]);

    const table = rateTable(record(sweepSpec, trials)).split('\n');
    assert.match(table[0]!, /best val_loss +val_acc @ best-epoch +val_acc 95% CI +test loss +test acc +final loss/);
    // Rate 0.5 has one voting seed left: the best cannot be told from it, and the marker says so.
    const bestRow = table.find((line) => line.endsWith('◀ best (not distinguishable)'))!;
    assert.match(bestRow, /^ +0 +1\.00 +2 /);
    // Rate 0's test acc: mean 0.74, std √(2·0.04²) = 0.0566.
    assert.match(bestRow, / 0\.7400 ± 0\.0566 /);
    assert.ok(table.includes('left out (1): rate-0.5_seed-2 (cancelled)'));

    const csv = sweepToCsv(record(sweepSpec, trials)).split('\r\n');
    assert.match(csv[0]!, /,durationMs,selected_epoch,test_loss,test_acc$/);
    assert.match(csv[1]!, /^s,rate-0_seed-1,.*,2,0\.21999999999999997,0\.78$/);
  });

  test('a val_loss sweep keeps best.val_loss (the mean selected val_loss) and each trial\'s lowest-val_loss `best`; '
    + 'without a test split the table warns', () => {
    const sweepSpec = spec({}, { testFraction: 0 });
    const trials = [finished(0, 1, [0.5, 0.3]), finished(0.5, 1, [0.4, 0.35])];
    const json = jsonSummary(record(sweepSpec, trials));
    assert.equal(json.best?.val_loss, 0.3);
    assert.equal(json.best?.val_acc, undefined);
    assert.deepEqual(json.trials[0]!.best, { epoch: 2, val_loss: 0.3 });
    assert.equal(json.testSplit.heldOut, false);
    const table = rateTable(record(sweepSpec, trials));
    assert.match(table.split('\n')[0]!, /seeds +best val_loss +test loss +test acc +final loss/,
      'no extra selected column: best val_loss is the selected figure');
    assert.match(table, /\nwarning: no test split \(dataset\.testFraction is 0\)/);
  });
});
