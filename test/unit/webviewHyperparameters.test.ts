import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HpAssignment } from '../../src/core/hyperparameters';
import type { EpochMetrics } from '../../src/core/trial';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { mixColours, parseCssColour, rateColours, trialColours } from '../../webview/model/colours';
import { axisKindOf, dimensionsOf } from '../../webview/model/dimensions';
import { bestOfSweepText, configRateLabel } from '../../webview/model/format';
import { heatmapAxes, heatmapOf } from '../../webview/model/heatmap';
import { hyperparameterSeries } from '../../webview/model/hyperparameterSeries';
import { parallelCoordinatesOf } from '../../webview/model/parallelCoordinates';
import { summarizeSweep } from '../../webview/model/rates';
import { isSortColumn, sortRows, trialRows } from '../../webview/model/table';
import { filterRows } from '../../webview/model/tableFilter';
import { restoreUiState } from '../../webview/model/uiState';

const epoch = (n: number, val_loss: number): EpochMetrics =>
  ({ epoch: n, loss: val_loss, train_loss: val_loss / 2, val_loss, val_acc: 1 - val_loss, durationMs: 1 });

/** One trial of a space sweep; its selected (best-epoch) val_loss is the lowest of `losses`. */
function trial(hp: HpAssignment, seed: number, losses: number[], state: TrialSnapshot['state'] = 'completed'): TrialSnapshot {
  const key = Object.entries(hp).map(([name, value]) => `${name}-${String(value)}`).join('_');
  return { plan: { id: `${key}_seed-${seed}`, hp, seed, repeat: seed - 1 }, state, epochs: losses.map((loss, index) => epoch(index + 1, loss)) };
}

const A = { conv_rate: 0.1, dense_rate: 0.25, lr: 0.0001, act: 'relu' };
const B = { conv_rate: 0.1, dense_rate: 0.5, lr: 0.01, act: 'tanh' };
const C = { conv_rate: 0.3, dense_rate: 0.25, lr: 0.001, act: 'relu' };
const D = { conv_rate: 0.3, dense_rate: 0.5, lr: 0.01, act: 'gelu' };
const E = { conv_rate: 0.1, dense_rate: 0.5, lr: 0.0001, act: 'tanh' };

/** Selected val_loss: A 0.5 and 0.7, B 0.4, C 0.3 and 0.34 (the best configuration, mean 0.32), D not run, E 0.8. */
function space(): SweepSnapshot {
  return {
    dir: '/runs/cnn/s1', id: 's1', experiment: 'cnn', specPath: '/x/cnn.dropout.json', status: 'completed', startedAt: '2026-01-02T03:00:00.000Z',
    epochs: 2, task: 'classification', mcSamples: 0, dropoutStyle: 'inverted', strategy: 'random', objective: 'val_loss', select: 'best-epoch',
    dataset: { type: 'mnist', testFraction: 0.2 },
    trials: [
      trial(A, 1, [0.6, 0.5]), trial(A, 2, [0.7, 0.9]), trial(B, 1, [0.4, 0.45]), trial(C, 1, [0.35, 0.3]), trial(C, 2, [0.34, 0.36]),
      trial(D, 1, [], 'pending'), trial(E, 1, [0.8, 0.85]),
    ],
  };
}

const close = (actual: number | undefined, expected: number, message?: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-4, `${message ?? ''} ${actual} ≈ ${expected}`);
};

describe('searched dimensions', () => {
  test('every dimension in space order with its distinct values and axis kind', () => {
    const dimensions = dimensionsOf(space().trials.map((entry) => entry.plan));
    assert.deepEqual(dimensions.map((dimension) => [dimension.name, dimension.kind, dimension.values]), [
      ['conv_rate', 'linear', [0.1, 0.3]],
      ['dense_rate', 'linear', [0.25, 0.5]],
      ['lr', 'log', [0.0001, 0.001, 0.01]],
      ['act', 'categorical', ['relu', 'tanh', 'gelu']],
    ]);
    // The shorthand's rates come first, named as configEntries names them.
    assert.deepEqual(dimensionsOf([{ inputRate: 0.2, rate: 0.5 }, { inputRate: 0, rate: 0 }]).map((dimension) => [dimension.name, dimension.values]),
      [['input_rate', [0, 0.2]], ['rate', [0, 0.5]]]);
  });

  test('a numeric axis turns logarithmic past a ×20 span of positive values or when sampled on a log scale; choices and booleans are categories', () => {
    assert.equal(axisKindOf([0.0001, 0.01]), 'log');
    assert.equal(axisKindOf([16, 256]), 'linear', '×16');
    const logRange = { type: 'float', min: 0.0003, max: 0.003, sampling: 'log', default: 0.0003 } as const;
    assert.equal(axisKindOf([0.00034, 0.0025], logRange), 'log', 'drawn from a log-sampled range, however narrow');
    assert.equal(dimensionsOf([{ hp: { lr: 0.00034 } }, { hp: { lr: 0.0025 } }], { lr: logRange })[0]!.kind, 'log');
    assert.equal(axisKindOf([0, 0.5]), 'linear', 'zero cannot be on a log axis');
    assert.equal(axisKindOf([true, false]), 'categorical');
    assert.deepEqual(dimensionsOf([{ hp: { bn: true } }, { hp: { bn: false } }])[0]!.values, [false, true]);
  });

  test('labels name every value; the history line names a space sweep\'s best configuration', () => {
    assert.equal(configRateLabel({ hp: A }), 'conv_rate 0.1 · dense_rate 0.25 · lr 0.0001 · act relu');
    assert.equal(configRateLabel({ inputRate: 0.1, rate: 0.3 }), 'input rate 0.1 (keep 0.9) · rate 0.3 (keep 0.7)');
    assert.equal(bestOfSweepText({ hp: C, val_loss: 0.32, objective: { name: 'val_loss', value: 0.32 } }),
      'conv_rate 0.3 · dense_rate 0.25 · lr 0.001 · act relu · val_loss 0.3200');
  });

  test('colours: a space sweep is coloured by its first linear numeric dimension; a log dimension places values by their logarithm', () => {
    const from = parseCssColour('#000000')!;
    const to = parseCssColour('#ffffff')!;
    const colours = trialColours(space().trials.map((entry) => entry.plan), from, to);
    assert.equal(colours.dimension?.name, 'conv_rate');
    assert.deepEqual([...colours.byValue.keys()], [0.1, 0.3]);
    assert.deepEqual(rateColours([0.0001, 0.001, 0.01], from, to, 'log').get(0.001), mixColours(from, to, 0.5));
    assert.deepEqual(trialColours([{ rate: 0 }, { rate: 0.5 }], from, to).dimension?.name, 'rate');
  });
});

describe('objective by hyperparameter', () => {
  const series = () => hyperparameterSeries(space(), summarizeSweep(space()));

  test('per value: the mean over every trial with it, whatever the others, and its 95% t interval', () => {
    const conv = series().find((entry) => entry.name === 'conv_rate')!;
    assert.equal(conv.kind, 'linear');
    assert.deepEqual(conv.points.map((point) => [point.value, point.objective.n, point.configs, point.isBest]), [[0.1, 4, 3, false], [0.3, 2, 1, true]]);
    // 0.1: A 0.5, 0.7, B 0.4, E 0.8 → mean 0.6, std 0.18257, half-width t(0.975, 3) · std / √4 = 3.1824 · 0.091287.
    close(conv.points[0]!.objective.mean, 0.6);
    close(conv.points[0]!.objective.ci95!.high - 0.6, 0.29050, 'half-width');
    close(conv.points[1]!.objective.mean, 0.32);
    assert.equal(conv.trials.length, 6, 'every voting trial once (D has not run)');
  });

  test('a log-spaced learning rate on a log axis; a value with one trial has no interval; a choice is categorical by index', () => {
    const [, , lr, act] = series();
    assert.equal(lr!.kind, 'log');
    assert.deepEqual(lr!.points.map((point) => [point.x, point.objective.n]), [[0.0001, 3], [0.001, 2], [0.01, 1]]);
    assert.equal(lr!.points[2]!.objective.ci95, undefined);
    close(lr!.points[2]!.objective.mean, 0.4);
    assert.equal(act!.kind, 'categorical');
    assert.deepEqual(act!.categories, ['relu', 'tanh', 'gelu']);
    assert.deepEqual(act!.points.map((point) => [point.x, point.objective.n]), [[0, 4], [1, 2], [2, 0]]);
    assert.ok(Number.isNaN(act!.points[2]!.objective.mean), 'gelu has no voting trial yet');
    assert.deepEqual(act!.trials.filter((entry) => entry.value === 'tanh').map((entry) => entry.x), [1, 1]);
  });
});

describe('heatmap over any two dimensions', () => {
  test('the picked pair; a cell averages over the other dimensions and counts trials and configurations', () => {
    const heatmap = heatmapOf(space(), summarizeSweep(space()), { rows: 'conv_rate', columns: 'lr' })!;
    assert.deepEqual([heatmap.rows.name, heatmap.columns.name], ['conv_rate', 'lr']);
    assert.deepEqual(heatmap.cells.map((row) => row.map((cell) => (cell.value === undefined ? undefined : Number(cell.value.toFixed(4))))),
      [[0.6667, undefined, 0.4], [undefined, 0.32, undefined]], 'conv 0.1 × lr 0.0001: A 0.5, 0.7 and E 0.8');
    const averaged = heatmap.cells[0]![0]!;
    assert.deepEqual([averaged.trials, averaged.configs], [3, 2]);
    assert.match(averaged.label, /^conv_rate 0\.1, lr 0\.0001: val_loss 0\.6667 ± 0\.\d{4} over 3 trials of 2 configurations$/);
    assert.deepEqual([heatmap.best?.row, heatmap.best?.column], [0.3, 0.001]);
    assert.equal(heatmap.cells[1]![2]!.label, 'conv_rate 0.3, lr 0.01: no epochs yet', 'D is planned but has not run');
  });

  test('axes: input × hidden rate by default; a stale or doubled pick falls back; one dimension has no heatmap', () => {
    const shorthand = dimensionsOf([{ inputRate: 0, rate: 0.5 }, { inputRate: 0.2, rate: 0 }]);
    assert.deepEqual(Object.values(heatmapAxes(shorthand)!).map((dimension) => dimension.name), ['input_rate', 'rate']);
    assert.deepEqual(Object.values(heatmapAxes(shorthand, { rows: 'rate' })!).map((dimension) => dimension.name), ['rate', 'input_rate']);
    const dimensions = dimensionsOf(space().trials.map((entry) => entry.plan));
    assert.deepEqual(Object.values(heatmapAxes(dimensions)!).map((dimension) => dimension.name), ['conv_rate', 'dense_rate']);
    assert.deepEqual(Object.values(heatmapAxes(dimensions, { rows: 'gone', columns: 'lr' })!).map((dimension) => dimension.name), ['conv_rate', 'lr']);
    assert.deepEqual(Object.values(heatmapAxes(dimensions, { rows: 'lr', columns: 'lr' })!).map((dimension) => dimension.name), ['lr', 'conv_rate']);
    assert.equal(heatmapAxes(dimensionsOf([{ rate: 0 }, { rate: 0.5 }])), undefined);
    const withFixed = dimensionsOf([{ hp: { momentum: 0.9, a: 1, b: 2 } }, { hp: { momentum: 0.9, a: 3, b: 4 } }]);
    assert.deepEqual(Object.values(heatmapAxes(withFixed)!).map((dimension) => dimension.name), ['a', 'b'], 'a fixed value is no default axis');
  });
});

describe('parallel coordinates', () => {
  test('an axis per dimension and the objective last; one polyline per voting trial, best drawn last', () => {
    const model = parallelCoordinatesOf(space(), summarizeSweep(space()))!;
    assert.deepEqual(model.axes.map((axis) => [axis.name, axis.kind, axis.isObjective]),
      [['conv_rate', 'linear', false], ['dense_rate', 'linear', false], ['lr', 'log', false], ['act', 'categorical', false], ['val_loss', 'linear', true]]);
    assert.deepEqual([model.axes[4]!.min, model.axes[4]!.max], [0.3, 0.8]);
    assert.deepEqual(model.axes[3]!.categories, ['relu', 'tanh', 'gelu']);
    assert.equal(model.lines.length, 6, 'A×2, B, C×2, E: the pending trial has no line');
    const best = model.lines[model.lines.length - 1]!;
    assert.equal(best.trialId, 'conv_rate-0.3_dense_rate-0.25_lr-0.001_act-relu_seed-1');
    assert.ok(best.isBest);
    assert.deepEqual(best.values, [0.3, 0.25, 0.001, 'relu', 0.3]);
    // conv 0.3 is the top of its axis, lr 0.001 the middle of its log axis, relu the bottom category, 0.3 the lowest loss.
    assert.deepEqual(best.positions.map((position) => Number(position.toFixed(6))), [1, 0, 0.5, 0, 0]);
    assert.equal(best.goodness, 1);
    const worst = model.lines[0]!;
    assert.equal(worst.objective, 0.8);
    assert.deepEqual(worst.positions.map((position) => Number(position.toFixed(6))), [0, 1, 0, 0.5, 1]);
    assert.equal(model.lines.filter((line) => line.isBest).length, 2, 'both seeds of the best configuration');
  });

  test('no view before a trial has a selected value', () => {
    const empty = { ...space(), trials: space().trials.map((entry) => ({ ...entry, state: 'pending' as const, epochs: [] })) };
    assert.equal(parallelCoordinatesOf(empty, summarizeSweep(empty)), undefined);
  });
});

describe('trials table with hyperparameters', () => {
  test('a column per hyperparameter, sortable in either direction (categories as text), ties in configuration order', () => {
    const rows = trialRows(space());
    assert.deepEqual(rows[0]!.hp, A);
    assert.equal(rows[0]!.keep, undefined, 'no keep probability without a hidden rate');
    const sorted = (column: string, direction: 'asc' | 'desc') => sortRows(rows, { column: column as never, direction });
    assert.deepEqual(sorted('hp:lr', 'desc').map((row) => row.hp!.lr), [0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001, 0.0001]);
    assert.deepEqual(sorted('hp:act', 'asc').map((row) => [row.hp!.act, row.hp!.conv_rate, row.seed]),
      [['gelu', 0.3, 1], ['relu', 0.1, 1], ['relu', 0.1, 2], ['relu', 0.3, 1], ['relu', 0.3, 2], ['tanh', 0.1, 1], ['tanh', 0.1, 1]]);
    assert.deepEqual(sorted('hp:act', 'desc').map((row) => row.hp!.act).slice(0, 3), ['tanh', 'tanh', 'relu']);
    assert.ok(isSortColumn('hp:lr') && isSortColumn('bestValLoss') && !isSortColumn('hp:') && !isSortColumn('lr'));
  });

  test('filter: comparisons on hyperparameters and metrics, free text, every term at once; unknown columns reported', () => {
    const rows = trialRows(space());
    const ids = (query: string) => filterRows(rows, query, ['conv_rate', 'dense_rate', 'lr', 'act']).rows.map((row) => row.trialId);
    assert.deepEqual(ids('lr<0.001'), [rows[0]!.trialId, rows[1]!.trialId, rows[6]!.trialId]);
    assert.deepEqual(ids('lr<0.001 dense_rate=0.5'), [rows[6]!.trialId]);
    assert.deepEqual(ids('act=tanh seed!=2').length, 2);
    assert.deepEqual(ids('act:ge'), [rows[5]!.trialId], 'contains: gelu');
    assert.deepEqual(ids('pending'), [rows[5]!.trialId]);
    assert.deepEqual(ids('best_val_loss<=0.34'), [rows[3]!.trialId, rows[4]!.trialId]);
    assert.deepEqual(ids(''), rows.map((row) => row.trialId));
    const unknown = filterRows(rows, 'momentum>0.5 lr<1', ['lr']);
    assert.deepEqual(unknown.unknown, ['momentum>0.5']);
    assert.equal(unknown.rows.length, rows.length, 'the unknown term filters nothing');
  });

  test('the filter query and the heatmap pick survive a reload; an older state takes the defaults', () => {
    const restored = restoreUiState({ filter: 'lr<0.01', heatmap: { rows: 'lr', columns: 3 }, sort: { column: 'hp:lr', direction: 'desc' } });
    assert.equal(restored.filter, 'lr<0.01');
    assert.deepEqual(restored.heatmap, { rows: 'lr' });
    assert.deepEqual(restored.sort, { column: 'hp:lr', direction: 'desc' });
    assert.deepEqual([restoreUiState({}).filter, restoreUiState({}).heatmap], ['', {}]);
  });
});
