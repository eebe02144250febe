import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeLenses, timeAgo } from '../../src/extension/codeLensModel';
import { parseSpec } from '../../src/engine/spec/parse';
import { isFromPanelMessage, isToPanelMessage } from '../../src/protocol/panelView';
import { isFromSideViewMessage, isToSideViewMessage } from '../../src/protocol/sideView';
import { isTrainerCommand, isTrainerEvent } from '../../src/protocol/trainer';
import { sweepToCsv } from '../../src/store/csv';
import type { SweepRecord } from '../../src/core/records';

const listSpec = `{
  "name": "moons",
  "dataset": { "type": "moons" },
  "model": { "hidden": [32] },
  "sweep": { "rates": [0, 0.25,
                      0.5], "repeats": 3 }
}`;

describe('CodeLens model', () => {
  test('idle: run with the sweep size on the first line, one "run only" per rate at the rate itself', () => {
    const lenses = codeLenses(listSpec, parseSpec(listSpec), {});
    assert.deepEqual(lenses.map((l) => [l.offset, l.title, l.command, l.args]), [
      [0, '$(play) Run experiment (3 rates × 3 seeds)', 'dropoutLab.run', []],
      [listSpec.indexOf('0, 0.25'), '$(play) Run only 0', 'dropoutLab.runRate', [0]],
      [listSpec.indexOf('0.25'), '$(play) Run only 0.25', 'dropoutLab.runRate', [0.25]],
      [listSpec.indexOf('0.5]'), '$(play) Run only 0.5', 'dropoutLab.runRate', [0.5]],
    ]);
  });

  test('a range gets one lens per expanded rate on the range object', () => {
    const text = listSpec.replace(/\[0, 0\.25,\s*0\.5\]/, '{ "min": 0.1, "max": 0.3, "step": 0.1 }');
    const rateLenses = codeLenses(text, parseSpec(text), {}).filter((l) => l.command === 'dropoutLab.runRate');
    assert.deepEqual(rateLenses.map((l) => [l.offset, l.title, l.args[0]]), [
      [text.indexOf('{ "min"'), 'Run only: 0.1', 0.1], [text.indexOf('{ "min"'), '0.2', 0.2], [text.indexOf('{ "min"'), '0.3', 0.3],
    ]);
    assert.match(rateLenses[1].tooltip ?? '', /keep p = 0\.8/);
  });

  test('running: Stop and live progress instead of Run; no per-rate lenses', () => {
    const lenses = codeLenses(listSpec, parseSpec(listSpec), { running: { epoch: 12, epochs: 50, trialsDone: 4, trialsTotal: 9 } });
    assert.deepEqual(lenses.map((l) => [l.title, l.command]), [
      ['$(debug-stop) Stop', 'dropoutLab.stop'],
      ['$(sync~spin) epoch 12/50, trial 5/9', 'dropoutLab.showResults'],
    ]);
  });

  test('after a sweep: Show results says when and the best rate', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const lenses = codeLenses(listSpec, parseSpec(listSpec), {
      last: { startedAt: '2026-11-27T11:50:00Z', endedAt: '2026-11-27T11:55:00Z', status: 'completed', best: { rate: 0.25 } },
    }, now);
    assert.equal(lenses[1].title, '$(graph) Show results (last: 5 min ago, best rate 0.25)', 'a sweep stored before verdicts');
  });

  test('after a sweep with a verdict: Show results says it in its own words, no winner claimed without one', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const last = { startedAt: '2026-11-27T11:50:00Z', endedAt: '2026-11-27T11:55:00Z', status: 'completed', best: { rate: 0.25 } };
    const title = (verdict: string) => codeLenses(listSpec, parseSpec(listSpec), { last: { ...last, verdict } }, now)[1].title;
    assert.equal(title('rate 0.5'), '$(graph) Show results: rate 0.5 (last: 5 min ago)');
    assert.equal(title('no clear winner'), '$(graph) Show results: no clear winner (last: 5 min ago)');
  });

  test('an invalid spec: the top lens counts its errors and there is nothing per rate', () => {
    const text = listSpec.replace('"hidden": [32]', '"hidden": []').replace('"repeats": 3', '"repeats": 0');
    const lenses = codeLenses(text, parseSpec(text), {});
    assert.deepEqual(lenses.map((l) => l.title), ['$(error) 2 problems to fix before running']);
  });

  test('random search and Hyperband say so: rates × seeds drawn; Hyperband its max epochs and factor, no per-rate lenses', () => {
    const random = listSpec.replace(/\[0, 0\.25,\s*0\.5\], "repeats": 3/,
      '{ "min": 0, "max": 0.8 }, "repeats": 2, "strategy": "random", "samples": 4, "seed": 7');
    const randomLenses = codeLenses(random, parseSpec(random), {});
    assert.equal(randomLenses[0].title, '$(play) Run random search (4 rates × 2 seeds)');
    assert.equal(randomLenses.filter((l) => l.command === 'dropoutLab.runRate').length, 4, 'one lens per drawn rate');

    const hyperband = listSpec.replace(/\[0, 0\.25,\s*0\.5\], "repeats": 3/, '{ "min": 0, "max": 0.8, "step": 0.1 }, "strategy": "hyperband", "maxEpochs": 27');
    const hyperbandLenses = codeLenses(hyperband, parseSpec(hyperband), {});
    assert.deepEqual(hyperbandLenses.map((l) => [l.title, l.command]), [['$(play) Run Hyperband (9 rates, max 27 epochs, factor 3)', 'dropoutLab.run']]);
    const twice = hyperband.replace('"maxEpochs": 27', '"maxEpochs": 9, "factor": 2, "iterations": 2');
    assert.equal(codeLenses(twice, parseSpec(twice), {})[0].title, '$(play) Run Hyperband (9 rates, max 9 epochs, factor 2, 2 iterations)');
  });

  test('timeAgo', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    assert.equal(timeAgo('2026-11-27T11:59:30Z', now), 'just now');
    assert.equal(timeAgo('2026-11-27T09:00:00Z', now), '3 h ago');
    assert.equal(timeAgo('2026-11-20T12:00:00Z', now), '7 days ago');
  });
});

describe('protocol guards', () => {
  test('webview messages: well-formed ones pass, anything else is rejected', () => {
    assert.ok(isFromPanelMessage({ type: 'ready' }));
    assert.ok(isFromPanelMessage({ type: 'loadSweep', dir: '/w/.dropout/runs/m/1' }));
    assert.ok(isFromPanelMessage({ type: 'savePng', name: 'loss', dataUrl: 'data:image/png;base64,AAAA' }));
    assert.ok(isFromSideViewMessage({ type: 'ready' }));
    assert.ok(isFromSideViewMessage({ type: 'openSweep', dir: '/w/.dropout/runs/m/1' }));
    assert.equal(isFromPanelMessage({ type: 'openSweep', dir: '/w/.dropout/runs/m/1' }), false, 'a side view message is not a panel message');
    assert.equal(isFromSideViewMessage({ type: 'loadSweep', dir: '/w/.dropout/runs/m/1' }), false, 'a panel message is not a side view message');
    for (const bad of [null, 'ready', {}, { type: 'rm -rf' }, { type: 'stop' }, { type: 'stop', dir: '' }, { type: 'exportCsv', dir: 42 },
      { type: 'savePng', name: 'x', dataUrl: 'javascript:alert(1)' }, { type: 'savePng', name: 'x', dataUrl: 'data:text/html;base64,AAAA' }]) {
      assert.equal(isFromPanelMessage(bad), false, JSON.stringify(bad));
      assert.equal(isFromSideViewMessage(bad), false, JSON.stringify(bad));
    }
  });

  test('host messages, trainer commands and events', () => {
    assert.ok(isToPanelMessage({ type: 'show', view: 'panel', sweeps: [], history: [] }));
    assert.ok(isToSideViewMessage({ type: 'show', view: 'side', sweeps: [], history: [] }));
    assert.equal(isToPanelMessage({ type: 'show', view: 'modal', sweeps: [], history: [] }), false);
    assert.equal(isToSideViewMessage({ type: 'show', view: 'panel', sweeps: [], history: [] }), false, 'a view drops a show meant for the other');
    assert.equal(isToPanelMessage({ type: 'sweepEvents', dir: 'x' }), false);
    assert.equal(isToSideViewMessage({ type: 'sweepEvents', dir: 'x' }), false);
    assert.equal(isToSideViewMessage({ type: 'sweepLoaded', sweep: { dir: 'x', trials: [] } }), false, 'only the panel loads stored sweeps');
    assert.ok(isTrainerCommand({ type: 'cancel' }));
    assert.equal(isTrainerCommand({ type: 'run', trial: { id: 'a', rate: 0.5, seed: 1 }, spec: {}, specDir: '/' }), false, 'trial without repeat');
    const run = { type: 'run', trial: { id: 'a', rate: 0.5, seed: 1, repeat: 0 }, spec: {}, specDir: '/' };
    assert.ok(isTrainerCommand(run) && isTrainerCommand({ ...run, dataCacheDir: '/runs/.cache/datasets' }));
    assert.equal(isTrainerCommand({ ...run, dataCacheDir: 3 }), false, 'a cache folder that is not a path');
    assert.ok(isTrainerEvent({ type: 'epoch', trialId: 'a', metrics: { epoch: 1, loss: 0.5, train_loss: 0.4, val_loss: null, durationMs: 3 } }),
      'a diverged loss arrives as null');
    assert.equal(isTrainerEvent({ type: 'epoch', trialId: 'a', metrics: { epoch: 1, loss: 'x', train_loss: 0.4, val_loss: 1, durationMs: 3 } }), false);
  });
});

describe('CSV export', () => {
  test('one row per trial and epoch, every metric including mc_entropy; keep = 1 − rate; quoting where needed', () => {
    const record = {
      dir: '/d', status: 'completed', warnings: [],
      manifest: { id: 'sweep,1' },
      trials: [
        { plan: { id: 'rate-0.3_seed-1', rate: 0.3, seed: 1, repeat: 0 }, status: 'completed',
          epochs: [{ epoch: 1, loss: 0.5, acc: 0.75, train_loss: 0.4, val_loss: 0.6, val_acc: 0.7, durationMs: 12 },
            { epoch: 2, loss: 0.25, train_loss: 0.2, val_loss: 0.5, mc_val_loss: 0.45, mc_entropy: 0.31, durationMs: 11 }] },
        { plan: { id: 'rate-0.5_seed-1', rate: 0.5, seed: 1, repeat: 0 }, status: 'pending', epochs: [] },
      ],
    } as unknown as SweepRecord;
    const lines = sweepToCsv(record).split('\r\n');
    assert.deepEqual(lines, [
      'sweep,trial,rate,keep,seed,status,epoch,loss,acc,train_loss,train_acc,val_loss,val_acc,mc_val_loss,mc_val_acc,mc_entropy,durationMs,'
        + 'selected_epoch,test_loss,test_acc',
      // No summary (a sweep stored before `selected`): the selected epoch from the epochs (best val_loss), no test figures.
      '"sweep,1",rate-0.3_seed-1,0.3,0.7,1,completed,1,0.5,0.75,0.4,,0.6,0.7,,,,12,2,,',
      '"sweep,1",rate-0.3_seed-1,0.3,0.7,1,completed,2,0.25,,0.2,,0.5,,0.45,,0.31,11,2,,',
      '',
    ]);
  });
});

describe('CodeLens model in Restricted Mode', () => {
  test('no Run and no per-rate lenses, a pointer to workspace trust instead; results stay reachable', () => {
    const lenses = codeLenses(listSpec, parseSpec(listSpec), { trusted: false, last: { startedAt: '2026-11-27T11:50:00Z', status: 'completed' } },
      new Date('2026-11-27T12:00:00Z'));
    assert.deepEqual(lenses.map((l) => l.title), ['$(shield) Restricted Mode: trust this folder to run', '$(graph) Show results (last: 10 min ago)']);
  });
});
