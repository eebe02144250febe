import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpochMetrics } from '../../src/core/trial';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { parseCssColour } from '../../webview/model/colours';
import { goodnessOf, heatmapOf, objectiveColour, textColourOn } from '../../webview/model/heatmap';
import { configRateLabel } from '../../webview/model/format';
import { byInputRate, compareRates, inferenceInputRate, summarizeSweep } from '../../webview/model/rates';
import { sortRows, trialRows } from '../../webview/model/table';

const epoch = (n: number, val_loss: number, val_acc: number): EpochMetrics =>
  ({ epoch: n, loss: val_loss, train_loss: val_loss / 2, val_loss, val_acc, durationMs: 1 });

/** One trial of a pair; its best val_loss and best val_acc are the lowest and highest of its epochs. */
function pair(
  inputRate: number, rate: number, seed: number, valLosses: number[], valAccs: number[], state: TrialSnapshot['state'] = 'completed',
): TrialSnapshot {
  return {
    plan: { id: `input-${inputRate}_rate-${rate}_seed-${seed}`, inputRate, rate, seed, repeat: seed - 1 },
    state, epochs: valLosses.map((loss, index) => epoch(index + 1, loss, valAccs[index]!)),
  };
}

function sweep(trials: TrialSnapshot[], objective?: SweepSnapshot['objective']): SweepSnapshot {
  return {
    dir: '/runs/l/s1', id: 's1', experiment: 'layers', specPath: '/x/l.dropout.json', status: 'completed', startedAt: '2026-01-02T03:00:00.000Z',
    epochs: 2, task: 'classification', mcSamples: 0, dropoutStyle: 'inverted', strategy: 'grid', objective: objective ?? 'val_loss',
    select: 'best-epoch', dataset: { type: 'csv', testFraction: 0.2 }, trials,
  };
}

/** Input rates 0, 0.2 × hidden rates 0, 0.5, 0.8; two seeds except where noted; one pair not trained yet. */
function grid(objective?: SweepSnapshot['objective']): SweepSnapshot {
  return sweep([
    pair(0, 0, 1, [0.5, 0.6], [0.80, 0.78]), pair(0, 0, 2, [0.7, 0.9], [0.76, 0.70]),       // best loss 0.6 ± …, best acc 0.78
    pair(0, 0.5, 1, [0.40, 0.30], [0.85, 0.88]), pair(0, 0.5, 2, [0.34, 0.38], [0.86, 0.84]), // best loss (0.30 + 0.34)/2 = 0.32, acc 0.87
    pair(0, 0.8, 1, [0.45, 0.44], [0.90, 0.91]),                                               // 1 seed: loss 0.44, acc 0.91
    pair(0.2, 0, 1, [0.55, 0.50], [0.82, 0.83]), pair(0.2, 0, 2, [0.52, 0.58], [0.80, 0.81]), // loss 0.51, acc 0.82
    pair(0.2, 0.5, 1, [0.36, 0.35], [0.88, 0.87]), pair(0.2, 0.5, 2, [0.33, 0.31], [0.86, 0.87]), // loss 0.33, acc 0.875
    pair(0.2, 0.8, 1, [], [], 'pending'),
  ], objective);
}

describe('heatmap model', () => {
  test('rows are input rates, columns hidden rates; each cell holds its pair\'s mean objective over seeds', () => {
    const heatmap = heatmapOf(grid(), summarizeSweep(grid()))!;
    assert.equal(heatmap.objective, 'val_loss');
    assert.deepEqual([heatmap.rows.name, heatmap.columns.name], ['input_rate', 'rate']);
    assert.deepEqual(heatmap.rows.values, [0, 0.2]);
    assert.deepEqual(heatmap.columns.values, [0, 0.5, 0.8]);
    const values = heatmap.cells.map((row) => row.map((cell) => cell.value === undefined ? undefined : Number(cell.value.toFixed(10))));
    assert.deepEqual(values, [[0.6, 0.32, 0.44], [0.51, 0.33, undefined]]);
    assert.deepEqual(heatmap.cells.map((row) => row.map((cell) => [cell.row, cell.column, cell.trials])),
      [[[0, 0, 2], [0, 0.5, 2], [0, 0.8, 1]], [[0.2, 0, 2], [0.2, 0.5, 2], [0.2, 0.8, 0]]]);
    assert.equal(heatmap.cells[1]![2]!.text, '–');
    assert.equal(heatmap.cells[1]![2]!.label, 'input rate 0.2 (keep 0.8), rate 0.8 (keep 0.2): no epochs yet');
  });

  test('val_loss: the best cell has the lowest value, the brightest colour, and says so', () => {
    const heatmap = heatmapOf(grid(), summarizeSweep(grid()))!;
    const best = heatmap.best!;
    assert.deepEqual([best.row, best.column], [0, 0.5]);
    assert.equal(heatmap.cells.flat().filter((cell) => cell.isBest).length, 1);
    assert.ok(heatmap.cells[0]![1]!.isBest);
    assert.deepEqual(heatmap.range, { low: 0.32, high: 0.6 });
    assert.equal(best.goodness, 1);
    assert.equal(heatmap.cells[0]![0]!.goodness, 0, 'the worst cell');
    assert.ok(Math.abs(heatmap.cells[1]![0]!.goodness! - (0.6 - 0.51) / (0.6 - 0.32)) < 1e-12);
    // std of (0.30, 0.34) = 0.0283
    assert.equal(best.label, 'input rate 0 (keep 1), rate 0.5 (keep 0.5): val_loss 0.3200 ± 0.0283 over 2 seeds, the best of the sweep');
    assert.equal(heatmap.cells[0]![2]!.label, 'input rate 0 (keep 1), rate 0.8 (keep 0.2): val_loss 0.4400 (1 seed)');
  });

  test('val_acc: the best cell has the highest mean best accuracy, shown as a percentage', () => {
    const heatmap = heatmapOf(grid('val_acc'), summarizeSweep(grid('val_acc')))!;
    assert.deepEqual([heatmap.best?.row, heatmap.best?.column], [0, 0.8]);
    assert.equal(heatmap.best?.text, '91.0%');
    assert.equal(heatmap.cells[0]![0]!.text, '78.0%', 'mean of the best accuracies 0.80 and 0.76');
    assert.equal(heatmap.cells[0]![0]!.goodness, 0);
  });

  test('no heatmap for a sweep of one rate', () => {
    const oneRate = sweep([{ plan: { id: 'rate-0_seed-1', rate: 0, seed: 1, repeat: 0 }, state: 'completed', epochs: [epoch(1, 0.5, 0.8)] }]);
    assert.equal(heatmapOf(oneRate, summarizeSweep(oneRate)), undefined);
  });

  test('goodness: 1 at the best end of the range for either direction, 1 when every value is equal', () => {
    assert.equal(goodnessOf('val_loss', 0.2, { low: 0.2, high: 0.6 }), 1);
    assert.equal(goodnessOf('val_loss', 0.5, { low: 0.2, high: 0.6 }), 0.25);
    assert.equal(goodnessOf('val_acc', 0.9, { low: 0.7, high: 0.9 }), 1);
    assert.equal(goodnessOf('val_acc', 0.4, { low: 0.4, high: 0.4 }), 1);
  });

  test('colour scale: viridis from dark purple (worst) to light yellow (best), text readable on every step', () => {
    assert.deepEqual(objectiveColour(0), parseCssColour('#440154'));
    assert.deepEqual(objectiveColour(1), parseCssColour('#fde725'));
    assert.deepEqual(objectiveColour(0.5), parseCssColour('#21918c'));
    // Lightness rises monotonically along the scale, so order reads without hue (greyscale, colour blindness).
    const luminance = (t: number) => { const c = objectiveColour(t); return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; };
    for (let t = 0; t < 1; t += 0.05) assert.ok(luminance(t + 0.05) > luminance(t), `t = ${t}`);
    assert.equal(textColourOn(objectiveColour(0)), 'white');
    assert.equal(textColourOn(objectiveColour(1)), 'black');
  });
});

describe('webview model: two rates outside the heatmap', () => {
  test('the rate chart gets one series per input rate, each over the hidden rates', () => {
    const groups = byInputRate(compareRates(summarizeSweep(grid())));
    assert.deepEqual([...groups.keys()], [0, 0.2]);
    assert.deepEqual(groups.get(0)!.map((row) => [row.rate, Number(row.bestValLoss.mean.toFixed(10))]), [[0, 0.6], [0.5, 0.32], [0.8, 0.44]]);
    assert.deepEqual(groups.get(0.2)!.map((row) => row.rate), [0, 0.5]);
    // A sweep of one rate is one group, keyed undefined.
    const oneRate = sweep([{ plan: { id: 'rate-0_seed-1', rate: 0, seed: 1, repeat: 0 }, state: 'completed', epochs: [epoch(1, 0.5, 0.8)] }]);
    assert.deepEqual([...byInputRate(compareRates(summarizeSweep(oneRate))).keys()], [undefined]);
  });

  test('the trials table has the input rate of each trial and sorts by it, ties by rate then seed', () => {
    const rows = trialRows(grid());
    assert.deepEqual(rows.slice(0, 3).map((row) => [row.inputRate, row.rate, row.seed]), [[0, 0, 1], [0, 0, 2], [0, 0.5, 1]]);
    const sorted = sortRows(rows, { column: 'inputRate', direction: 'desc' });
    assert.deepEqual(sorted.map((row) => [row.inputRate, row.rate, row.seed]).slice(0, 5),
      [[0.2, 0, 1], [0.2, 0, 2], [0.2, 0.5, 1], [0.2, 0.5, 2], [0.2, 0.8, 1]]);
    assert.equal(configRateLabel(rows[2]!), 'input rate 0 (keep 1) · rate 0.5 (keep 0.5)');
    assert.equal(configRateLabel({ rate: 0.5 }), 'rate 0.5 (keep 0.5)');
  });
});

describe('inference-rule chart with two searched rates', () => {
  test('follows the hidden rates at the best configuration\'s input rate, by the sweep\'s objective', () => {
    // val_loss is lowest at input 0.2 · rate 0.5; val_acc highest at input 0 · rate 0.5.
    const trials = () => [pair(0, 0.5, 1, [0.4], [0.95]), pair(0.2, 0.5, 1, [0.3], [0.9]), pair(0.2, 0, 1, [0.5], [0.7])];
    for (const [objective, inputRate] of [['val_loss', 0.2], ['val_acc', 0]] as const) {
      const snapshot = sweep(trials(), objective);
      assert.equal(inferenceInputRate(snapshot, summarizeSweep(snapshot)), inputRate, objective);
    }
    const oneRate = sweep([{ ...pair(0, 0.5, 1, [0.4], [0.9]), plan: { id: 'rate-0.5_seed-1', rate: 0.5, seed: 1, repeat: 0 } }]);
    assert.equal(inferenceInputRate(oneRate, summarizeSweep(oneRate)), undefined);
  });
});
