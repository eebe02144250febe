/**
 * The webviews show the one verdict (core/sweepVerdict.ts) of what they hold, summarise rates by the sweep's own
 * selection (objective and select rule), and list each trial's test figures at its selected epoch.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseSpec } from '../../src/engine/spec/parse';
import { verdictOfSweep } from '../../src/core/sweepVerdict';
import type { SweepRecord } from '../../src/core/records';
import type { SweepSelect } from '../../src/core/spec';
import type { EpochMetrics, TrialPlan, TrialSummary } from '../../src/core/trial';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { toSnapshot } from '../../src/store/snapshot';
import { compareRates, summarizeSweep } from '../../webview/model/rates';
import { toTrialRecord } from '../../webview/model/sweeps';
import { trialRows } from '../../webview/model/table';
import { verdictDisplay, verdictOfSnapshot, verdictSpecOf } from '../../webview/model/verdict';

const plan = (rate: number, seed: number): TrialPlan => ({ id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: seed - 1 });

function epochs(val: number[]): EpochMetrics[] {
  return val.map((val_loss, index) => ({ epoch: index + 1, loss: 0.5, train_loss: 0.4, val_loss, val_acc: 0.8, durationMs: 5 }));
}

/** A finished trial whose trainer reported its best val_loss epoch and the test figures scored there. */
function trial(rate: number, seed: number, val: number[], test: { loss: number; acc: number }): TrialSnapshot {
  const best = val.indexOf(Math.min(...val));
  const summary: TrialSummary = {
    status: 'completed', epochs: val.length, stoppedEarly: false, durationMs: 30,
    selected: { epoch: best + 1, objective: 'val_loss', rule: 'best-epoch', value: val[best]!, test: { ...test, samples: 40 } },
  };
  return { plan: plan(rate, seed), state: 'completed', epochs: epochs(val), summary };
}

function sweep(trials: TrialSnapshot[], select: SweepSelect = 'best-epoch'): SweepSnapshot {
  return {
    dir: '/runs/moons/s1', id: 's1', experiment: 'moons', specPath: '/x/moons.dropout.json', status: 'completed',
    startedAt: '2026-01-02T03:00:00.000Z', epochs: 3, task: 'classification', mcSamples: 0, dropoutStyle: 'inverted',
    strategy: 'grid', objective: 'val_loss', select, dataset: { type: 'moons', testFraction: 0.2 }, trials,
  };
}

/**
 * Rate 0.5 is lower than rate 0 in each of three paired seeds at the best epoch (0.30 vs 0.40 on average), but higher
 * at the last epoch (0.60 vs 0.45): the two select rules disagree, so a test can tell which one a view used.
 */
function threeSeeds(select: SweepSelect = 'best-epoch'): SweepSnapshot {
  return sweep([
    trial(0, 1, [0.6, 0.4, 0.45], { loss: 0.41, acc: 0.85 }),
    trial(0, 2, [0.62, 0.42, 0.46], { loss: 0.43, acc: 0.84 }),
    trial(0, 3, [0.58, 0.38, 0.44], { loss: 0.39, acc: 0.86 }),
    trial(0.5, 1, [0.5, 0.3, 0.6], { loss: 0.31, acc: 0.9 }),
    trial(0.5, 2, [0.52, 0.31, 0.61], { loss: 0.32, acc: 0.91 }),
    trial(0.5, 3, [0.48, 0.29, 0.59], { loss: 0.3, acc: 0.89 }),
  ], select);
}

const close = (actual: number | undefined, expected: number): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
};

describe('webview verdict', () => {
  test('the verdict of a snapshot is verdictOfSweep of the same trials and spec: text, lens, class', () => {
    for (const select of ['best-epoch', 'final-epoch'] as const) {
      const snapshot = threeSeeds(select);
      const spec = { sweep: { strategy: 'grid' as const, objective: 'val_loss' as const, select }, dataset: { type: 'moons' as const, testFraction: 0.2 } };
      const expected = verdictOfSweep(snapshot.trials.map(toTrialRecord), spec);
      assert.deepEqual(verdictSpecOf(snapshot), spec);
      assert.deepEqual(verdictOfSnapshot(snapshot), expected);
      const shown = verdictDisplay(snapshot);
      assert.equal(shown.text, expected.text);
      assert.equal(shown.lens, expected.lens);
      assert.equal(shown.className, expected.distinguishable ? 'verdict distinguishable' : 'verdict no-clear-winner');
      assert.equal(shown.hidden, false);
    }
    // Best epoch: rate 0.5 by 0.10 ± 0.01 in 3 of 3 seeds; final epoch: rate 0 by 0.15 in 3 of 3.
    assert.equal(verdictOfSnapshot(threeSeeds('best-epoch')).best, 'rate-0.5');
    assert.equal(verdictOfSnapshot(threeSeeds('final-epoch')).best, 'rate-0');
    assert.match(verdictDisplay(threeSeeds()).text, /^rate 0\.5 is best: test loss 0\.310 ± 0\.010 over 3 seeds/);
    assert.equal(verdictDisplay(threeSeeds()).lens, 'rate 0.5');
  });

  test('no verdict before any epoch: the element stays hidden; one seed reads "not tested", no winner', () => {
    assert.equal(verdictDisplay(undefined).hidden, true);
    assert.equal(verdictDisplay(sweep([{ plan: plan(0, 1), state: 'pending', epochs: [] }])).hidden, true);
    const one = verdictDisplay(sweep([trial(0, 1, [0.5, 0.4], { loss: 0.4, acc: 0.8 }), trial(0.5, 1, [0.5, 0.3], { loss: 0.3, acc: 0.9 })]));
    assert.match(one.text, /one seed: not tested/);
    assert.equal(one.className, 'verdict no-clear-winner');
  });

  test('rates are summarised by the sweep\'s select rule, with the other rule\'s curve beside them', () => {
    const best = compareRates(summarizeSweep(threeSeeds('best-epoch')));
    assert.deepEqual(best.map((row) => [row.rate, row.select, row.other.rule]), [[0, 'best-epoch', 'final-epoch'], [0.5, 'best-epoch', 'final-epoch']]);
    close(best[0]!.selected.mean, 0.4);
    close(best[1]!.selected.mean, 0.3);
    close(best[0]!.other.value?.mean, (0.45 + 0.46 + 0.44) / 3);
    close(best[1]!.other.value?.mean, 0.6);
    close(best[1]!.band.upper - best[1]!.band.lower, 2 * best[1]!.selected.std);

    // A final-epoch sweep reads as final-epoch (it read as best-epoch before), with the best epoch beside it.
    const final = compareRates(summarizeSweep(threeSeeds('final-epoch')));
    assert.deepEqual(final.map((row) => [row.select, row.other.rule]), [['final-epoch', 'best-epoch'], ['final-epoch', 'best-epoch']]);
    close(final[0]!.selected.mean, (0.45 + 0.46 + 0.44) / 3);
    close(final[1]!.selected.mean, 0.6);
    close(final[1]!.other.value?.mean, 0.3);
  });

  test('the trials table lists each trial\'s test loss and accuracy at its selected epoch; none before it ends', () => {
    const rows = trialRows(sweep([trial(0, 1, [0.5, 0.4], { loss: 0.41, acc: 0.85 }), { plan: plan(0.5, 1), state: 'running', epochs: epochs([0.6]) }]));
    assert.deepEqual(rows.map((row) => [row.testLoss, row.testAcc]), [[0.41, 0.85], [undefined, undefined]]);
  });

  test('toSnapshot carries what the verdict reads: select and the dataset\'s test split', () => {
    const parsed = parseSpec(JSON.stringify({
      name: 'moons', dataset: { type: 'moons', samples: 120, testFraction: 0.25 }, model: { hidden: [4] }, training: { epochs: 2 },
      sweep: { rates: [0, 0.5], repeats: 3, select: 'final-epoch' },
    }));
    assert.ok(parsed.spec, JSON.stringify(parsed.problems));
    const record = {
      dir: '/runs/moons/s1', status: 'completed', trials: [],
      manifest: { id: 's1', experiment: 'moons', specPath: '/x', startedAt: '2026-01-02T03:00:00.000Z', spec: parsed.spec, trials: [] },
    } as unknown as SweepRecord;
    const snapshot = toSnapshot(record);
    assert.equal(snapshot.select, 'final-epoch');
    assert.deepEqual(snapshot.dataset, { type: 'moons', testFraction: 0.25 });
  });
});
