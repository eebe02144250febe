/**
 * A sweep over sweep.space in the CLI's table and --json, the CSV export and the verdict of a stored sweep: one
 * column per hyperparameter, `hp` on every trial and configuration, and the no-dropout baseline found through the
 * layers' rates. Trial records written by hand.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HpAssignment } from '../../src/core/hyperparameters';
import { configKey } from '../../src/core/dropoutConfig';
import type { ExperimentSpec } from '../../src/core/spec';
import type { EpochMetrics, TrialPlan } from '../../src/core/trial';
import { storeFormat, type SweepRecord, type TrialRecord } from '../../src/core/records';
import { verdictOfSweep } from '../../src/core/sweepVerdict';
import { jsonSummary, rateTable } from '../../src/cli/report';
import { sweepToCsv } from '../../src/store/csv';
import { isTrialPlan } from '../../src/protocol/guards';
import { parseSpec } from '../../src/engine/spec/parse';
import { toSnapshot } from '../../src/store/snapshot';
import { verdictOfSnapshot } from '../../webview/model/verdict';
import { runTitle } from '../../src/extension/codeLensModel';

const epoch = (n: number, val_loss: number): EpochMetrics => ({ epoch: n, loss: 0.1, train_loss: 0.1, val_loss, durationMs: 1 });

function spaceSpec(): ExperimentSpec {
  const { spec } = parseSpec(JSON.stringify({
    name: 'space', dataset: { type: 'moons', testFraction: 0 }, model: { hidden: [4] }, sweep: { rates: [0], repeats: 3 },
  }));
  assert.ok(spec);
  return {
    ...spec,
    model: {
      ...spec.model, hidden: [],
      layers: [
        { type: 'dense', units: 8, activation: 'relu', useBias: true }, { type: 'dropout', rate: { hp: 'dense_rate' } },
      ],
    },
    sweep: {
      ...spec.sweep, rates: [],
      space: {
        dense_rate: { type: 'choice', values: [0, 0.5], default: 0 },
        lr: { type: 'choice', values: [0.001, 0.01], default: 0.001 },
      },
    },
  };
}

function trial(hp: HpAssignment, seed: number, valLoss: number): TrialRecord {
  const plan: TrialPlan = { id: `${configKey({ hp })}_seed-${seed}`, hp, seed, repeat: seed - 1 };
  const epochs = [epoch(1, valLoss + 0.1), epoch(2, valLoss)];
  return { plan, status: 'completed', epochs, summary: { status: 'completed', epochs: 2, stoppedEarly: false, durationMs: 1, final: epochs[1] } };
}

/** dense_rate 0.5 + lr 0.001 best; of the two without dropout, lr 0.01 is better. */
const trials = [1, 2, 3].flatMap((seed) => {
  const noise = [0, 0.01, -0.01][seed - 1]!;
  return [
    trial({ dense_rate: 0, lr: 0.001 }, seed, 0.5 + noise),
    trial({ dense_rate: 0, lr: 0.01 }, seed, 0.4 + noise),
    trial({ dense_rate: 0.5, lr: 0.001 }, seed, 0.2 + noise),
    trial({ dense_rate: 0.5, lr: 0.01 }, seed, 0.3 + noise),
  ];
});

function record(spec: ExperimentSpec): SweepRecord {
  return {
    dir: '/runs/s', status: 'completed', warnings: [], trials,
    manifest: {
      format: storeFormat, id: 's', experiment: 'space', specPath: '/s.dropout.json', specHash: '', spec,
      trials: trials.map((t) => t.plan), workers: 1, versions: {}, runnerPid: 1, status: 'completed', startedAt: '2026-01-01T00:00:00Z',
    },
  };
}

describe('a sweep over sweep.space in the outputs', () => {
  test('the verdict names every hyperparameter; the baseline is the best configuration without dropout', () => {
    const verdict = verdictOfSweep(trials, spaceSpec());
    assert.equal(verdict.best, 'dense_rate-0.5_lr-0.001');
    assert.equal(verdict.baseline, 'dense_rate-0_lr-0.01');
    assert.match(verdict.text, /^dense_rate 0\.5, lr 0\.001 is best: val_loss 0\.200 ± 0\.010 over 3 seeds .*better than dense_rate 0, lr 0\.01 in 3 of 3 seeds/);
 
    // Not a winner: the configurations it cannot be told from are listed bracketed, the list's commas between them.
    const values: [HpAssignment, number[]][] = [
      [{ dense_rate: 0.5, lr: 0.001 }, [0.20, 0.30, 0.25]], [{ dense_rate: 0, lr: 0.01 }, [0.21, 0.22, 0.33]],
      [{ dense_rate: 0.5, lr: 0.01 }, [0.30, 0.20, 0.32]], [{ dense_rate: 0, lr: 0.001 }, [0.27, 0.21, 0.35]],
    ];
    const close = verdictOfSweep(values.flatMap(([hp, losses]) => losses.map((loss, i) => trial(hp, i + 1, loss))), spaceSpec());
    assert.match(close.text, /^dense_rate 0\.5, lr 0\.001 had the lowest val_loss.*; not distinguishable from dense_rate 0, lr 0\.01 \(.*\); nor told apart from \(dense_rate 0\.5, lr 0\.01\), \(dense_rate 0, lr 0\.001\): no clear winner$/);
  });

  test('the panel\'s verdict of the snapshot is the same, baseline included (the snapshot carries the layers)', () => {
    const stored = verdictOfSweep(trials, spaceSpec());
    const panel = verdictOfSnapshot(toSnapshot(record(spaceSpec())));
    assert.deepEqual([panel.text, panel.baseline], [stored.text, stored.baseline]);
  });

  test('--json: hp on every trial, on the best and on the verdict\'s configurations; the space itself', () => {
    const json = jsonSummary(record(spaceSpec()));
    assert.deepEqual(json.trials[0]!.hp, { dense_rate: 0, lr: 0.001 });
    assert.equal('rate' in json.trials[0]!, false);
    assert.deepEqual(json.best?.hp, { dense_rate: 0.5, lr: 0.001 });
    assert.deepEqual(json.verdict.summaries.map((summary) => summary.hp), [
      { dense_rate: 0.5, lr: 0.001 }, { dense_rate: 0.5, lr: 0.01 }, { dense_rate: 0, lr: 0.01 }, { dense_rate: 0, lr: 0.001 },
    ]);
    assert.deepEqual(Object.keys(json.space!), ['dense_rate', 'lr']);
  });

  test('the table: one column per hyperparameter, no rate or keep p column', () => {
    const lines = rateTable(record(spaceSpec())).split('\n');
    assert.match(lines[0]!, /^dense_rate +lr +seeds +best val_loss +/);
    assert.doesNotMatch(lines[0]!, /keep p/);
    assert.match(lines[3]!, /^ +0\.5 +0\.001 +3 +0\.2000 ± 0\.0100 .*◀ best$/);
    assert.ok(lines.some((line) => line.startsWith('verdict: dense_rate 0.5, lr 0.001 is best')));
    assert.ok(!lines.some((line) => line.startsWith('rate = drop probability')));
  });

  test('CSV: one column per hyperparameter where the rate was', () => {
    const csv = sweepToCsv(record(spaceSpec())).split('\r\n');
    assert.match(csv[0]!, /^sweep,trial,dense_rate,lr,seed,status,epoch,/);
    assert.match(csv[1]!, /^s,dense_rate-0_lr-0\.001_seed-1,0,0\.001,1,completed,1,/);
  });

  test('a trial plan with hp and no rate crosses the trainer protocol; one with neither does not', () => {
    assert.equal(isTrialPlan(trials[0]!.plan), true);
    assert.equal(isTrialPlan({ id: 'x', seed: 1, repeat: 0 }), false);
    assert.equal(isTrialPlan({ ...trials[0]!.plan, hp: { lr: [1] } }), false);
  });

  test('the Run lens counts configurations of the space, or says Hyperband draws from a continuous one', () => {
    assert.equal(runTitle(spaceSpec()), 'Run experiment (4 configurations × 3 seeds)');
    const spec = spaceSpec();
    const lr = { type: 'float', min: 0.001, max: 0.1, sampling: 'log', default: 0.001 } as const;
    const hyperband: ExperimentSpec = { ...spec, sweep: { ...spec.sweep, strategy: 'hyperband', maxEpochs: 9, repeats: 1, space: { lr } } };
    assert.equal(runTitle(hyperband), 'Run Hyperband (a continuous space, max 9 epochs, factor 3)');
  });
});
