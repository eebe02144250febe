import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpochMetrics, Rung, TrialPlan, TrialSummary } from '../../src/core/trial';
import type { PanelShowMessage } from '../../src/protocol/panelView';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { mixColours, parseCssColour, rateColours, type Rgb } from '../../webview/model/colours';
import { bestOfSweepText, formatDuration, keepOf, rateLabel } from '../../webview/model/format';
import { estimateRemainingMs, sweepProgress } from '../../webview/model/progress';
import { bestRate } from '../../src/core/summary';
import { compareMonteCarlo, compareRates, emptyComparisonNote, inferenceRuleChart, summarizeSweep } from '../../webview/model/rates';
import { hyperbandBrackets, outcomeLabel } from '../../webview/model/rungs';
import { accuracyCurves, appendEpoch, emaNext, lossCurves, smoothValues, trialCurve } from '../../webview/model/series';
import { applySweepEvent, applySweepEvents, choosePrimary } from '../../webview/model/sweeps';
import { bestMeaning, sortRows, toggleSort, trialRows } from '../../webview/model/table';
import { restoreUiState } from '../../webview/model/uiState';
import { applyLiveMessage, drawableOverlays, fromShow, overlayChoices, type ViewData } from '../../webview/model/viewData';

const plan = (rate: number, seed: number): TrialPlan => ({ id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: seed - 1 });

interface Curves { val: number[]; train: number[]; mc?: number[]; acc?: number[]; entropy?: number[] }
function epochs({ val, train, mc, acc, entropy }: Curves): EpochMetrics[] {
  return val.map((val_loss, index) => ({
    epoch: index + 1, loss: train[index] * 1.5, train_loss: train[index], val_loss, durationMs: 10,
    ...(mc ? { mc_val_loss: mc[index] } : {}), ...(acc ? { val_acc: acc[index] } : {}), ...(entropy ? { mc_entropy: entropy[index] } : {}),
  }));
}

function trial(rate: number, seed: number, curves?: Curves, state: TrialSnapshot['state'] = 'completed'): TrialSnapshot {
  return { plan: plan(rate, seed), state, epochs: curves ? epochs(curves) : [] };
}

function sweep(trials: TrialSnapshot[], overrides: Partial<SweepSnapshot> = {}): SweepSnapshot {
  return {
    dir: '/runs/moons/s1', id: 's1', experiment: 'moons', specPath: '/x/moons.dropout.json', status: 'completed',
    startedAt: '2026-01-02T03:00:00.000Z', epochs: 3, task: 'classification', mcSamples: 10,
    dropoutStyle: 'inverted', strategy: 'grid', objective: 'val_loss', select: 'best-epoch', dataset: { type: 'moons', testFraction: 0.2 }, trials,
    ...overrides,
  };
}

/** Two rates × two seeds, three epochs each; every number below is worked out by hand from these. */
function fourTrials(): SweepSnapshot {
  return sweep([
    trial(0, 1, { val: [0.9, 0.6, 0.7], train: [0.8, 0.4, 0.2], mc: [0.85, 0.55, 0.6], acc: [0.5, 0.7, 0.65], entropy: [0.6, 0.4, 0.3] }),
    trial(0, 2, { val: [0.8, 0.5, 0.55], train: [0.7, 0.35, 0.25], mc: [0.75, 0.45, 0.5], acc: [0.55, 0.75, 0.7], entropy: [0.6, 0.4, 0.34] }),
    trial(0.5, 1, { val: [1.0, 0.7, 0.45], train: [0.9, 0.6, 0.4], mc: [0.95, 0.6, 0.4], acc: [0.5, 0.6, 0.8], entropy: [0.65, 0.55, 0.5] }),
    trial(0.5, 2, { val: [0.95, 0.65, 0.5], train: [0.85, 0.55, 0.45], mc: [0.9, 0.62, 0.44], acc: [0.5, 0.65, 0.75], entropy: [0.65, 0.6, 0.6] }),
  ]);
}

const close = (actual: number | undefined, expected: number, message?: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${message ?? ''} expected ${expected}, got ${actual}`);
};

describe('webview model: live events', () => {
  const now = new Date('2026-01-02T03:05:00.000Z');
  const summary: TrialSummary = { status: 'completed', epochs: 2, stoppedEarly: true, durationMs: 20 };

  test('events update the snapshot in place: backend, trial states, epochs in order, sweep end', () => {
    const live = sweep([trial(0, 1, undefined, 'pending'), trial(0.5, 1, undefined, 'pending')], { status: 'running', backend: undefined });
    const [metrics1, metrics2, metrics3] = epochs({ val: [0.9, 0.7, 0.6], train: [0.8, 0.5, 0.4] });
    const events: SweepEvent[] = [
      { type: 'backendReady', worker: 0, pid: 42, backend: { name: 'wasm', versions: {}, fallbacks: [] } },
      { type: 'trialStarted', trialId: 'rate-0_seed-1', worker: 0, pid: 42, parameterCount: 100 },
      { type: 'epoch', trialId: 'rate-0_seed-1', metrics: metrics1 },
      { type: 'log', level: 'info', message: 'ignored' },
      { type: 'epoch', trialId: 'rate-0_seed-1', metrics: metrics2 },
      { type: 'epoch', trialId: 'rate-0_seed-1', metrics: metrics2 },
      { type: 'epoch', trialId: 'rate-0_seed-1', metrics: metrics1 },
      { type: 'epoch', trialId: 'no-such-trial', metrics: metrics3 },
    ];
    const changes = applySweepEvents(live, events, now);
    assert.deepEqual(changes.map((change) => change.kind), ['sweep', 'trial', 'epoch', 'epoch'], 'replayed and unknown epochs change nothing');
    assert.equal(live.backend, 'wasm');
    assert.equal(live.trials[0].state, 'running');
    assert.deepEqual(live.trials[0].epochs.map((m) => m.epoch), [1, 2]);
    assert.equal(live.trials[1].state, 'pending');

    // An epoch of a trial not yet announced still starts it.
    assert.equal(applySweepEvent(live, { type: 'epoch', trialId: 'rate-0.5_seed-1', metrics: metrics1 }, now)?.kind, 'epoch');
    assert.equal(live.trials[1].state, 'running');

    applySweepEvent(live, { type: 'trialEnded', trialId: 'rate-0_seed-1', summary }, now);
    assert.equal(live.trials[0].state, 'completed');
    assert.equal(live.trials[0].summary, summary);
    assert.equal(live.status, 'running');
    assert.equal(applySweepEvent(live, { type: 'sweepEnded', status: 'cancelled' }, now)?.kind, 'sweep');
    assert.equal(live.status, 'cancelled');
    assert.equal(live.endedAt, '2026-01-02T03:05:00.000Z');
  });

  test('the primary sweep is the running one, else the latest started', () => {
    const a = sweep([], { dir: 'a', startedAt: '2026-01-01T00:00:00Z' });
    const b = sweep([], { dir: 'b', startedAt: '2026-01-03T00:00:00Z' });
    const c = sweep([], { dir: 'c', startedAt: '2026-01-02T00:00:00Z', status: 'running' });
    assert.equal(choosePrimary([a, b])?.dir, 'b');
    assert.equal(choosePrimary([a, c, b])?.dir, 'c');
    assert.equal(choosePrimary([]), undefined);
  });
});

describe('webview model: curves', () => {
  test('EMA smoothing: s1 = x1, st = w·st-1 + (1 − w)·xt, clamped to 0.99', () => {
    assert.deepEqual(smoothValues([1, 0, 0.5], 0.75), [1, 0.75, 0.6875]);
    assert.deepEqual(smoothValues([1, 0, 0.5], 0), [1, 0, 0.5]);
    assert.equal(emaNext(1, 0, 5), 0.99, 'a weight above 0.99 is clamped');
    assert.equal(emaNext(undefined, 3, 0.9), 3);
  });

  test('loss curves: one val_loss and one train_loss curve per trial, smoothed, ordered by rate then seed', () => {
    const curves = lossCurves(fourTrials(), { smoothing: 0.5, logScale: false });
    assert.deepEqual(curves.map((curve) => `${curve.rate}/${curve.seed}/${curve.kind}`), [
      '0/1/val_loss', '0/1/train_loss', '0/2/val_loss', '0/2/train_loss', '0.5/1/val_loss', '0.5/1/train_loss', '0.5/2/val_loss', '0.5/2/train_loss',
    ]);
    // rate 0 seed 1 val_loss [0.9, 0.6, 0.7] at w = 0.5: 0.9, 0.75, 0.725.
    assert.deepEqual(curves[0].points.map((point) => point.x), [1, 2, 3]);
    close(curves[0].points[1].y, 0.75);
    close(curves[0].points[2].y, 0.725);
    // train_loss [0.8, 0.4, 0.2] → 0.8, 0.6, 0.4
    close(curves[1].points[0].y, 0.8);
    close(curves[1].points[1].y, 0.6);
    close(curves[1].points[2].y, 0.4);
  });

  test('log mode drops values that are not positive (and diverged nulls) before smoothing', () => {
    const metrics = epochs({ val: [0.5, 0, -1, 0.25], train: [0.5, 0.5, 0.5, 0.5] });
    (metrics[1] as unknown as { train_loss: null }).train_loss = null;
    const t: TrialSnapshot = { plan: plan(0.2, 1), state: 'completed', epochs: metrics };
    const s = sweep([t]);
    const logCurve = trialCurve(s, t, 'val_loss', { smoothing: 0.5, logScale: true });
    assert.deepEqual(logCurve.points, [{ x: 1, y: 0.5 }, { x: 4, y: 0.375 }]);
    const linearCurve = trialCurve(s, t, 'val_loss', { smoothing: 0, logScale: false });
    assert.deepEqual(linearCurve.points.map((point) => point.y), [0.5, 0, -1, 0.25]);
    const train = trialCurve(s, t, 'train_loss', { smoothing: 0, logScale: false });
    assert.deepEqual(train.points.map((point) => point.x), [1, 3, 4], 'a null (diverged) value leaves a gap');
  });

  test('a curve extended live equals the curve rebuilt from all epochs', () => {
    const full = fourTrials();
    const options = { smoothing: 0.8, logScale: false };
    const live = sweep([{ ...full.trials[0], epochs: full.trials[0].epochs.slice(0, 1), state: 'running' }]);
    const curve = trialCurve(live, live.trials[0], 'val_loss', options);
    for (const metrics of full.trials[0].epochs.slice(1)) {
      const change = applySweepEvent(live, { type: 'epoch', trialId: 'rate-0_seed-1', metrics }, new Date());
      assert.equal(change?.kind, 'epoch');
      if (change?.kind === 'epoch') appendEpoch(curve, change.metrics, options);
    }
    assert.deepEqual(curve.points, trialCurve(full, full.trials[0], 'val_loss', options).points);
    // 0.9 → 0.8·0.9 + 0.2·0.6 = 0.84 → 0.8·0.84 + 0.2·0.7 = 0.812
    close(curve.points[2].y, 0.812);
  });

  test('accuracy curves: val_acc per trial, classification only, never dropped by the log setting', () => {
    const curves = accuracyCurves(fourTrials(), { smoothing: 0, logScale: true });
    assert.equal(curves.length, 4);
    assert.deepEqual(curves[2].points.map((point) => point.y), [0.5, 0.6, 0.8]);
    assert.deepEqual(accuracyCurves(sweep(fourTrials().trials, { task: 'regression' }), { smoothing: 0, logScale: false }), []);
  });
});

describe('webview model: rate comparison', () => {
  test('best val_loss mean ± sample std over seeds, the band, and final train_loss per rate', () => {
    const rates = compareRates(summarizeSweep(fourTrials()));
    assert.deepEqual(rates.map((rate) => [rate.rate, rate.keep, rate.seeds]), [[0, 1, 2], [0.5, 0.5, 2]]);
    // rate 0: best per seed 0.6 and 0.5 → mean 0.55, std √(2·0.05²/1) = 0.0707…
    close(rates[0].bestValLoss.mean, 0.55);
    close(rates[0].bestValLoss.std, Math.sqrt(0.005));
    close(rates[0].band.lower, 0.55 - Math.sqrt(0.005));
    close(rates[0].band.upper, 0.55 + Math.sqrt(0.005));
    close(rates[0].finalTrainLoss.mean, 0.225);
    close(rates[0].gap.mean, 0.4);
    // rate 0.5: best 0.45 and 0.5 → 0.475 ± 0.0354; final train 0.4, 0.45 → 0.425; the gap shrinks to 0.05.
    close(rates[1].bestValLoss.mean, 0.475);
    close(rates[1].bestValLoss.std, Math.sqrt(0.00125));
    close(rates[1].finalTrainLoss.mean, 0.425);
    close(rates[1].gap.mean, 0.05);
    assert.equal(bestRate(summarizeSweep(fourTrials()), 'val_loss')?.rate, 0.5);
  });

  test('a single seed has std 0, so its band is the mean itself; trials without epochs are left out', () => {
    const rates = compareRates(summarizeSweep(sweep([trial(0.3, 1, { val: [0.4, 0.3], train: [0.3, 0.2] }), trial(0.6, 1, undefined, 'pending')])));
    assert.equal(rates.length, 1);
    assert.deepEqual([rates[0].keep, rates[0].band.lower, rates[0].band.upper], [0.7, 0.3, 0.3]);
  });

  test('deterministic vs MC-dropout val_loss per rate: last epoch, mean over seeds; none without MC samples', () => {
    const s = fourTrials();
    const mc = compareMonteCarlo(s, summarizeSweep(s));
    assert.deepEqual(mc.map((row) => row.rate), [0, 0.5]);
    close(mc[0].deterministic.mean, 0.625);
    close(mc[0].monteCarlo.mean, 0.55);
    close(mc[1].deterministic.mean, 0.475);
    close(mc[1].monteCarlo.mean, 0.42);
    const off = sweep(s.trials, { mcSamples: 0 });
    assert.deepEqual(compareMonteCarlo(off, summarizeSweep(off)), []);
  });

  test('inference-rule chart: deterministic and MC val_loss on the left axis, MC entropy on the right, named by the style', () => {
    const s = fourTrials();
    const chart = inferenceRuleChart(s, summarizeSweep(s));
    assert.deepEqual(chart.names, { deterministic: 'identity (inverted)', monteCarlo: 'MC average, T = 10', uncertainty: 'MC predictive entropy (nats)' });
    const rounded = (points: { x: number; y: number }[]) => points.map(({ x, y }) => [x, Number(y.toFixed(12))]);
    // Last epochs: val_loss 0.7, 0.55 | 0.45, 0.5; mc_val_loss 0.6, 0.5 | 0.4, 0.44; mc_entropy 0.3, 0.34 | 0.5, 0.6.
    assert.deepEqual(rounded(chart.deterministic), [[0, 0.625], [0.5, 0.475]]);
    assert.deepEqual(rounded(chart.monteCarlo), [[0, 0.55], [0.5, 0.42]]);
    assert.deepEqual(rounded(chart.uncertainty), [[0, 0.32], [0.5, 0.55]]);
    close(chart.rows[1].entropy?.std, Math.sqrt(0.005));

    const standard = inferenceRuleChart(sweep(s.trials, { dropoutStyle: 'standard', task: 'regression', mcSamples: 25 }), summarizeSweep(s));
    assert.deepEqual(standard.names,
      { deterministic: 'weight scaling W·p (standard)', monteCarlo: 'MC average, T = 25', uncertainty: 'MC predictive variance' });

    // Sweeps stored before mc_entropy existed: the two losses, no entropy points.
    const older = sweep(s.trials.map((t) => ({ ...t, epochs: t.epochs.map(({ mc_entropy: _dropped, ...rest }) => rest) })));
    const olderChart = inferenceRuleChart(older, summarizeSweep(older));
    assert.equal(olderChart.monteCarlo.length, 2);
    assert.deepEqual(olderChart.uncertainty, []);
    const off = sweep(s.trials, { mcSamples: 0 });
    assert.deepEqual(inferenceRuleChart(off, summarizeSweep(off)).deterministic, []);
  });
});

describe('webview model: the best rate follows the objective', () => {
  // val_loss prefers rate 0.5 (best 0.3 vs 0.4); val_acc prefers rate 0 (best 0.95 vs 0.85).
  const trials = [
    trial(0, 1, { val: [0.5, 0.4], train: [0.3, 0.2], acc: [0.9, 0.95] }),
    trial(0.5, 1, { val: [0.45, 0.3], train: [0.4, 0.35], acc: [0.8, 0.85] }),
  ];

  test('val_loss: lowest mean best val_loss; val_acc: highest mean best val_acc — in the rate summary and the trials table', () => {
    const byLoss = sweep(trials);
    const byAccuracy = sweep(trials, { objective: 'val_acc' });
    assert.equal(bestRate(summarizeSweep(byLoss), byLoss.objective)?.rate, 0.5);
    assert.equal(bestRate(summarizeSweep(byAccuracy), byAccuracy.objective)?.rate, 0);
    assert.deepEqual(trialRows(byLoss).filter((row) => row.isBest).map((row) => row.trialId), ['rate-0.5_seed-1']);
    assert.deepEqual(trialRows(byAccuracy).filter((row) => row.isBest).map((row) => row.trialId), ['rate-0_seed-1']);
    assert.equal(trialRows(byAccuracy)[0].bestValAcc, 0.95);
    assert.equal(bestMeaning(byLoss), 'lowest best val_loss');
    assert.equal(bestMeaning(byAccuracy), 'highest best val_acc');
  });

  test('hyperband: only trials trained to maxEpochs are compared, so a trial stopped after one epoch is never marked best', () => {
    const hyperband = sweep([
      // Stopped after epoch 1 in its bracket; its single val_loss is the lowest of the sweep.
      trial(0.1, 1, { val: [0.3], train: [0.3] }),
      trial(0.4, 1, { val: [0.6, 0.5, 0.45], train: [0.5, 0.4, 0.3] }),
      trial(0.7, 1, { val: [0.7, 0.6, 0.5], train: [0.6, 0.5, 0.4] }),
    ], { strategy: 'hyperband', hyperband: { maxEpochs: 3, factor: 3, rungs: [] } });
    assert.deepEqual(summarizeSweep(hyperband).map((rate) => rate.rate), [0.4, 0.7]);
    assert.equal(bestRate(summarizeSweep(hyperband), 'val_loss')?.rate, 0.4);
    assert.deepEqual(trialRows(hyperband).filter((row) => row.isBest).map((row) => row.trialId), ['rate-0.4_seed-1']);
    assert.equal(bestMeaning(hyperband), 'lowest best val_loss of the trials trained to maxEpochs');
    const noneFullyTrained = sweep([trial(0.1, 1, { val: [0.3], train: [0.3] })], { strategy: 'hyperband', hyperband: { maxEpochs: 3, factor: 3, rungs: [] } });
    assert.match(emptyComparisonNote(noneFullyTrained), /maxEpochs \(3\)/);
    // The same trials as a grid: all compared, the one-epoch trial wins.
    assert.equal(bestRate(summarizeSweep(sweep(hyperband.trials)), 'val_loss')?.rate, 0.1);
  });
});

describe('webview model: Hyperband rounds', () => {
  const rungs: Rung[] = [
    {
      iteration: 0, bracket: 1, round: 0, epochs: 1, trials: ['rate-0.1_seed-1', 'rate-0.4_seed-1', 'rate-0.7_seed-1'],
      promoted: ['rate-0.4_seed-1'], stopped: ['rate-0.1_seed-1', 'rate-0.7_seed-1'], unranked: [],
    },
    { iteration: 0, bracket: 1, round: 1, epochs: 3, trials: ['rate-0.4_seed-1'], promoted: [], stopped: [], unranked: [] },
    { iteration: 0, bracket: 0, round: 0, epochs: 3, trials: ['rate-0.7_seed-2', 'rate-0.2_seed-1'], promoted: [], stopped: [], unranked: ['rate-0.2_seed-1'] },
  ];
  const hyperbandSweep = (decided: Rung[]): SweepSnapshot => sweep([
    trial(0.1, 1, { val: [0.9], train: [0.8] }),
    trial(0.4, 1, { val: [0.6, 0.5, 0.45], train: [0.5, 0.4, 0.3] }),
    trial(0.7, 1, { val: [0.8], train: [0.7] }),
    trial(0.7, 2, { val: [0.7, 0.6, 0.5], train: [0.6, 0.5, 0.4] }),
    trial(0.2, 1, undefined, 'failed'),
  ], { strategy: 'hyperband', hyperband: { maxEpochs: 3, factor: 3, rungs: decided } });

  test('per bracket and round: rate, seed, epochs trained when decided, the score ranked by, promoted or stopped', () => {
    const brackets = hyperbandBrackets(hyperbandSweep(rungs));
    const view = brackets.map((bracket) => [bracket.iteration, bracket.bracket, bracket.rounds.map((round) => [
      round.round, round.epochs, round.rows.map((row) => [row.rate, row.seed, row.epochs, row.score, row.outcome, outcomeLabel(row)]),
    ])]);
    assert.deepEqual(view, [
      [0, 1, [
        // Promoted first; then the stopped ones by the best val_loss they had (0.8 before 0.9). Epochs: as of epoch 1.
        [0, 1, [
          [0.4, 1, 1, 0.6, 'promoted', 'promoted at epoch 1'],
          [0.7, 1, 1, 0.8, 'stopped', 'stopped at epoch 1'],
          [0.1, 1, 1, 0.9, 'stopped', 'stopped at epoch 1'],
        ]],
        [1, 3, [[0.4, 1, 3, 0.45, 'completed', 'completed (3 epochs)']]],
      ]],
      [0, 0, [[0, 3, [[0.7, 2, 3, 0.5, 'completed', 'completed (3 epochs)'], [0.2, 1, 0, undefined, 'unranked', 'not ranked']]]]],
    ]);
    assert.deepEqual(hyperbandBrackets(sweep(fourTrials().trials)), [], 'a grid has no rounds');
  });

  test('a live rung event adds the round once; sweeps that are not Hyperband ignore it', () => {
    const live = hyperbandSweep([]);
    const now = new Date('2026-01-02T03:05:00.000Z');
    const events = [{ type: 'rung', rung: rungs[0] }, { type: 'rung', rung: rungs[0] }, { type: 'rung', rung: { ...rungs[1], trials: 'x' } }];
    assert.equal(applySweepEvents(live, events, now).length, 1);
    assert.deepEqual(live.hyperband?.rungs, [rungs[0]]);
    assert.equal(hyperbandBrackets(live)[0].rounds[0].rows[0].outcome, 'promoted');
    const grid = sweep(fourTrials().trials);
    assert.equal(applySweepEvent(grid, { type: 'rung', rung: rungs[0] }, now), undefined);
  });
});

describe('webview model: trials table', () => {
  const rows = trialRows(sweep([...fourTrials().trials, trial(0.8, 1, undefined, 'pending')]));

  test('rows: best val_loss @ epoch, final losses, gap, accuracy, MC loss; the lowest best val_loss marked', () => {
    const row = rows[0];
    assert.deepEqual(
      [
        row.rate, row.keep, row.seed, row.state, row.epochs, row.bestValLoss, row.bestEpoch, row.finalTrainLoss, row.finalValLoss, row.valAcc, row.mcValLoss,
        row.mcEntropy,
      ],
      [0, 1, 1, 'completed', 3, 0.6, 2, 0.2, 0.7, 0.65, 0.6, 0.3],
    );
    close(row.gap, 0.5);
    assert.deepEqual(rows.filter((r) => r.isBest).map((r) => r.trialId), ['rate-0.5_seed-1']);
    assert.equal(rows[4].bestValLoss, undefined);
    assert.equal(rows[4].epochs, 0);
  });

  test('sorting by any column, asc and desc; missing values last; ties by rate then seed', () => {
    const order = (column: Parameters<typeof sortRows>[1]['column'], direction: 'asc' | 'desc'): string[] =>
      sortRows(rows, { column, direction }).map((r) => r.trialId);
    assert.deepEqual(order('bestValLoss', 'asc'), ['rate-0.5_seed-1', 'rate-0_seed-2', 'rate-0.5_seed-2', 'rate-0_seed-1', 'rate-0.8_seed-1']);
    assert.deepEqual(order('bestValLoss', 'desc'), ['rate-0_seed-1', 'rate-0_seed-2', 'rate-0.5_seed-2', 'rate-0.5_seed-1', 'rate-0.8_seed-1']);
    assert.deepEqual(order('keep', 'asc'), ['rate-0.8_seed-1', 'rate-0.5_seed-1', 'rate-0.5_seed-2', 'rate-0_seed-1', 'rate-0_seed-2']);
    assert.deepEqual(order('gap', 'desc').slice(0, 2), ['rate-0_seed-1', 'rate-0_seed-2'], 'gaps 0.5 and 0.3');
    assert.deepEqual(order('state', 'asc')[0], 'rate-0.8_seed-1', 'pending before completed');
    assert.deepEqual(toggleSort({ column: 'rate', direction: 'asc' }, 'rate'), { column: 'rate', direction: 'desc' });
    assert.deepEqual(toggleSort({ column: 'rate', direction: 'desc' }, 'gap'), { column: 'gap', direction: 'asc' });
  });
});

describe('webview model: progress and ETA', () => {
  test('epochs done / planned counts ended trials at the epochs they ran; ETA from the epoch rate so far', () => {
    const ended = trial(0, 1, { val: Array(10).fill(0.5), train: Array(10).fill(0.4) }, 'completed');
    const running = trial(0.5, 1, { val: Array(5).fill(0.5), train: Array(5).fill(0.4) }, 'running');
    const live = sweep([ended, running, trial(0.8, 1, undefined, 'pending')], { status: 'running', epochs: 20, startedAt: '2026-01-02T03:00:00.000Z' });
    const progress = sweepProgress(live);
    assert.deepEqual(progress, { epochsDone: 15, epochsPlanned: 50, trialsDone: 1, trialsTotal: 3, fraction: 0.3 });
    // 15 epochs in 60 s → 35 left at 4 s each = 140 s.
    assert.equal(estimateRemainingMs(live, progress, Date.parse('2026-01-02T03:01:00.000Z')), 140_000);
    assert.equal(estimateRemainingMs({ ...live, status: 'completed' }, progress, Date.parse('2026-01-02T03:01:00.000Z')), undefined);
    assert.equal(estimateRemainingMs(live, { ...progress, epochsDone: 0 }, Date.parse('2026-01-02T03:01:00.000Z')), undefined);
    assert.equal(formatDuration(140_000), '2 min 20 s');
    assert.equal(formatDuration(3_725_000), '1 h 02 min');
  });
});

describe('webview model: colours and labels', () => {
  const yellow = parseCssColour('#cca700') as Rgb;
  const purple = parseCssColour('#b180d7') as Rgb;

  test('CSS colours parse from hex and rgb()', () => {
    assert.deepEqual(yellow, { r: 204, g: 167, b: 0 });
    assert.deepEqual(parseCssColour(' #ABC '), { r: 170, g: 187, b: 204 });
    assert.deepEqual(parseCssColour('#11223380'), { r: 17, g: 34, b: 51 });
    assert.deepEqual(parseCssColour('rgba(1, 2, 3, 0.5)'), { r: 1, g: 2, b: 3 });
    assert.equal(parseCssColour('var(--x)'), undefined);
    assert.equal(parseCssColour(undefined), undefined);
  });

  test('rate scale: the lowest and highest rates get the two theme colours exactly, rates in between in order', () => {
    const colours = rateColours([0.8, 0, 0.4, 0.2, 0.6, 0.4], yellow, purple);
    assert.deepEqual([...colours.keys()], [0, 0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(colours.get(0), yellow);
    assert.deepEqual(colours.get(0.8), purple);
    // An ordered scale: each step moves further from the low end and closer to the high end.
    const distance = (a: Rgb, b: Rgb): number => Math.hypot(a.r - b.r, a.g - b.g, a.b - b.b);
    const scale = [...colours.values()];
    for (let i = 1; i < scale.length; i++) {
      assert.ok(distance(scale[i], yellow) > distance(scale[i - 1], yellow), `step ${i} moves away from the low end`);
      assert.ok(distance(scale[i], purple) < distance(scale[i - 1], purple), `step ${i} moves towards the high end`);
    }
    // The OKLCH path goes yellow → orange/red → magenta → purple, not through the RGB grey-brown.
    const middle = mixColours(yellow, purple, 0.5);
    assert.ok(middle.r > middle.g && middle.r > middle.b, `the middle is warm: ${JSON.stringify(middle)}`);
    // Placed by value: 0.1 sits near the low end when the rates span 0 … 0.8.
    const uneven = rateColours([0, 0.1, 0.8], yellow, purple);
    assert.ok(distance(uneven.get(0.1) as Rgb, yellow) < distance(uneven.get(0.1) as Rgb, purple));
    assert.deepEqual([...rateColours([0.3], yellow, purple).values()], [yellow], 'a single rate takes the low end');
  });

  test('a sweep\'s best in the history names the objective it was chosen by; older sweeps their val_loss', () => {
    assert.equal(bestOfSweepText({ rate: 0.3, val_loss: 0.25, objective: { name: 'val_acc', value: 0.9125 } }), 'rate 0.3 (keep 0.7) · val_acc 0.9125');
    assert.equal(bestOfSweepText({ rate: 0.3, val_loss: 0.25 }), 'rate 0.3 (keep 0.7) · val_loss 0.2500');
  });

  test('rates are labelled with their keep probability', () => {
    assert.equal(keepOf(0.7), 0.3);
    assert.equal(rateLabel(0.3), 'rate 0.3 (keep 0.7)');
    assert.equal(rateLabel(0), 'rate 0 (keep 1)');
  });
});

describe('webview model: saved UI state and the sweeps drawn', () => {
  test('restoring a saved state keeps what is valid and defaults the rest', () => {
    assert.deepEqual(restoreUiState(undefined), {
      version: 1, smoothing: 0.6, logScale: false, sort: { column: 'rate', direction: 'asc' }, filter: '', heatmap: {}, overlays: [],
    });
    const restored = restoreUiState({
      smoothing: 4, logScale: true, sort: { column: 'gap', direction: 'desc' }, overlays: ['a', 3, 'a', 'b', ''],
      specPath: '/x.dropout.json', experiment: 'moons',
    });
    assert.deepEqual(restored, {
      version: 1, smoothing: 0.99, logScale: true, sort: { column: 'gap', direction: 'desc' }, filter: '', heatmap: {}, overlays: ['a', 'b'],
      specPath: '/x.dropout.json', experiment: 'moons',
    });
    assert.deepEqual(restoreUiState({ sort: { column: 'nope', direction: 'asc' } }).sort, { column: 'rate', direction: 'asc' });
  });

  test('show: the running sweep is primary, the others and remembered overlays still in history are drawn over it', () => {
    const running = sweep([], { dir: 'new', status: 'running', startedAt: '2026-01-03T00:00:00Z' });
    const older = sweep([], { dir: 'old', startedAt: '2026-01-01T00:00:00Z' });
    const item = (dir: string, experiment = 'moons') =>
      ({ dir, id: dir, experiment, specPath: '/x', status: 'completed' as const, startedAt: '2026-01-01T00:00:00Z', trialCount: 9 });
    const message: PanelShowMessage = {
      type: 'show', view: 'panel', experiment: 'moons', sweeps: [older, running],
      history: [item('new'), item('old'), item('kept'), item('other', 'circles')],
    };
    const shown = fromShow(message, ['kept', 'deleted', 'new']);
    assert.equal(shown.data.primaryDir, 'new');
    assert.deepEqual(shown.overlays, ['old', 'kept']);
    assert.deepEqual(shown.toLoad, ['kept']);
    assert.deepEqual(overlayChoices(shown.data).map((choice) => choice.dir), ['old', 'kept'], 'this experiment only, not the primary');
    assert.deepEqual(drawableOverlays(shown.data, shown.overlays).map((s) => s.dir), ['old'], 'kept is drawn once loaded');
  });
});

describe('webview model: live messages, as both views apply them', () => {
  const now = new Date('2026-01-02T03:05:00.000Z');
  const [metrics] = epochs({ val: [0.9], train: [0.8] });
  const epochEvent = (trialId: string): SweepEvent => ({ type: 'epoch', trialId, metrics });

  test('a started sweep becomes primary and rebuilds; events of the primary sweep redraw its rates, table and header', () => {
    const data: ViewData = { sweeps: new Map(), history: [] };
    const live = sweep([trial(0, 1, undefined, 'pending')], { dir: 'live', status: 'running' });
    assert.deepEqual(applyLiveMessage(data, { type: 'sweepStarted', sweep: live }, () => true, now), { parts: ['rebuild'], epochs: [] });
    assert.equal(data.primaryDir, 'live');
    const update = applyLiveMessage(data, { type: 'sweepEvents', dir: 'live', events: [epochEvent('rate-0_seed-1')] }, (dir) => dir === 'live', now);
    assert.deepEqual(update.parts, ['rates', 'table', 'header']);
    assert.deepEqual(update.epochs.map((epoch) => [epoch.dir, epoch.trial.plan.id, epoch.metrics.epoch]), [['live', 'rate-0_seed-1', 1]]);
    assert.deepEqual(applyLiveMessage(data, { type: 'history', history: [] }, () => true, now), { parts: ['header'], epochs: [] });
  });

  test('an overlay redraws only the rates; a sweep held but not drawn, or an unknown one, redraws nothing', () => {
    const primary = sweep([], { dir: 'primary' });
    const overlay = sweep([trial(0, 1, undefined, 'running')], { dir: 'overlay', status: 'running' });
    const hidden = sweep([trial(0, 1, undefined, 'running')], { dir: 'hidden', status: 'running' });
    const data: ViewData = { sweeps: new Map([primary, overlay, hidden].map((s) => [s.dir, s])), primaryDir: 'primary', history: [] };
    const isDrawn = (dir: string) => dir === 'primary' || dir === 'overlay';
    assert.deepEqual(applyLiveMessage(data, { type: 'sweepEvents', dir: 'overlay', events: [epochEvent('rate-0_seed-1')] }, isDrawn, now).parts, ['rates']);
    assert.deepEqual(applyLiveMessage(data, { type: 'sweepEvents', dir: 'hidden', events: [epochEvent('rate-0_seed-1')] }, isDrawn, now),
      { parts: [], epochs: [] });
    assert.equal(hidden.trials[0].epochs.length, 1, 'the held sweep is kept current all the same');
    assert.deepEqual(applyLiveMessage(data, { type: 'sweepEvents', dir: 'unknown', events: [epochEvent('rate-0_seed-1')] }, () => true, now),
      { parts: [], epochs: [] });
  });
});

describe('webview model: untrusted input', () => {
  test('events in a batch are checked one by one: malformed or unknown ones are skipped, the rest applied', () => {
    const live = sweep([trial(0, 1, undefined, 'pending')], { status: 'running' });
    const [metrics] = epochs({ val: [0.9], train: [0.8] });
    const changes = applySweepEvents(live, [
      null,
      { type: 'epoch', trialId: 'rate-0_seed-1' },
      { type: 'epoch', trialId: 'rate-0_seed-1', metrics: { ...metrics, epoch: 'one' } },
      { type: 'somethingNew', trialId: 'rate-0_seed-1' },
      { type: 'sweepEnded', status: 'exploded' },
      { type: 'epoch', trialId: 'rate-0_seed-1', metrics },
    ], new Date());
    assert.deepEqual(changes.map((change) => change.kind), ['epoch']);
    assert.equal(live.status, 'running');
    assert.equal(live.trials[0].epochs.length, 1);
  });

  test('a diverged loss (null in JSON) is never read as 0: the trial leaves the rate comparison, its table row keeps its best finite epoch', () => {
    const diverged = trial(0.1, 1, { val: [0.9, 0.6, 0.5], train: [0.5, 0.4, 0.3] });
    (diverged.epochs[2] as unknown as { val_loss: null }).val_loss = null;
    const s = sweep([diverged, trial(0.2, 1, { val: [0.8, 0.7, 0.75], train: [0.5, 0.4, 0.3] })]);
    // A diverged trial does not vote (core/selection.ts): rate 0.1 had no other seed, so it has no summary.
    const rates = compareRates(summarizeSweep(s));
    assert.deepEqual(rates.map((rate) => rate.rate), [0.2]);
    assert.equal(bestRate(summarizeSweep(s), 'val_loss')?.rate, 0.2, 'its good epoch 2 (0.6) cannot win');
    const [row] = trialRows(s);
    assert.deepEqual([row.bestValLoss, row.bestEpoch, row.finalValLoss, row.gap], [0.6, 2, undefined, undefined]);
  });
});
