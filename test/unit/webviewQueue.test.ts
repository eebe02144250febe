import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeFormat, type SweepManifest } from '../../src/core/records';
import type { TrialPlacement, TrialPlan } from '../../src/core/trial';
import { parseSpec } from '../../src/engine/spec/parse';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { specHash, sweepDir } from '../../src/store/layout';
import { loadSweep } from '../../src/store/reader';
import { toSnapshot } from '../../src/store/snapshot';
import { SweepWriter } from '../../src/store/writer';
import { queueLine } from '../../webview/model/progress';
import { applySweepEvent, applySweepEvents } from '../../webview/model/sweeps';
import { sortRows, trialRows, workerLabel } from '../../webview/model/table';
import { filterRows } from '../../webview/model/tableFilter';
import { applyLiveMessage, type ViewData } from '../../webview/model/viewData';
import { tempDir, tinySpec } from '../support/specs';

const plan = (rate: number, seed: number): TrialPlan => ({ id: `rate-${rate}_seed-${seed}`, rate, seed, repeat: seed - 1 });
const trial = (rate: number, seed: number, where?: TrialPlacement): TrialSnapshot =>
  ({ plan: plan(rate, seed), state: where ? 'running' : 'pending', epochs: [], ...(where ? { where } : {}) });

function sweep(trials: TrialSnapshot[], overrides: Partial<SweepSnapshot> = {}): SweepSnapshot {
  return {
    dir: '/runs/moons/s1', id: 's1', experiment: 'moons', specPath: '/x/moons.dropout.json', status: 'running',
    startedAt: '2026-01-02T03:00:00.000Z', epochs: 3, task: 'classification', mcSamples: 0,
    dropoutStyle: 'inverted', strategy: 'grid', objective: 'val_loss', select: 'best-epoch', dataset: { type: 'moons' }, trials,
    ...overrides,
  };
}

const started = (trialId: string, where?: unknown): SweepEvent =>
  ({ type: 'trialStarted', trialId, worker: 0, pid: 7, parameterCount: 10, ...(where !== undefined ? { where } : {}) }) as SweepEvent;

describe('webview model: where queue trials run', () => {
  const now = new Date('2026-01-02T03:05:00.000Z');

  test('trialStarted keeps the worker; the same placement again changes nothing; another worker taking it up does', () => {
    const live = sweep([trial(0, 1), trial(0.5, 1)]);
    assert.equal(applySweepEvent(live, started('rate-0_seed-1', { host: 'box-a', slot: 0, attempt: 1 }), now)?.kind, 'trial');
    assert.deepEqual(live.trials[0].where, { host: 'box-a', slot: 0, attempt: 1 });
    assert.equal(live.trials[0].state, 'running');
    assert.equal(applySweepEvent(live, started('rate-0_seed-1', { host: 'box-a', slot: 0, attempt: 1 }), now), undefined);
    // box-a died: its lock lapsed and box-b trains the trial again.
    assert.equal(applySweepEvent(live, started('rate-0_seed-1', { host: 'box-b', slot: 1, attempt: 2 }), now)?.kind, 'trial');
    assert.deepEqual(live.trials[0].where, { host: 'box-b', slot: 1, attempt: 2 });
  });

  test('a local trial has no worker; a malformed placement is not kept', () => {
    const live = sweep([trial(0, 1), trial(0.5, 1)]);
    applySweepEvents(live, [started('rate-0_seed-1'), started('rate-0.5_seed-1', { host: 3, slot: 0, attempt: 1 })], now);
    assert.deepEqual(live.trials.map((t) => [t.state, t.where]), [['running', undefined], ['running', undefined]]);
  });

  test('the worker column: host/slot, the attempt after the first; sortable and filterable', () => {
    assert.equal(workerLabel({ host: 'box-a', slot: 2, attempt: 1 }), 'box-a/2');
    assert.equal(workerLabel({ host: 'box-a', slot: 2, attempt: 3 }), 'box-a/2 · attempt 3');
    const shown = sweep([
      trial(0, 1, { host: 'box-b', slot: 0, attempt: 1 }), trial(0.5, 1, { host: 'box-a', slot: 1, attempt: 2 }), trial(0.8, 1),
    ]);
    const rows = trialRows(shown);
    assert.deepEqual(rows.map((row) => row.worker), ['box-b/0', 'box-a/1 · attempt 2', undefined]);
    assert.deepEqual(sortRows(rows, { column: 'worker', direction: 'asc' }).map((row) => row.worker), ['box-a/1 · attempt 2', 'box-b/0', undefined]);
    assert.deepEqual(filterRows(rows, 'worker:box-b', ['rate']).rows.map((row) => row.trialId), ['rate-0_seed-1']);
    assert.deepEqual(filterRows(rows, 'attempt', ['rate']).rows.map((row) => row.trialId), ['rate-0.5_seed-1']);
  });
});

describe('webview model: queue depth', () => {
  const now = new Date('2026-01-02T03:05:00.000Z');
  const depth = (workers: number, waiting: number, active: number): SweepEvent => ({ type: 'queue', workers, waiting, active });

  test('a queue event is kept on the sweep (a repeat changes nothing) and redraws the header', () => {
    const live = sweep([trial(0, 1)]);
    assert.equal(queueLine(live), undefined, 'no queue event yet: the local pool says nothing');
    assert.deepEqual(applySweepEvent(live, depth(2, 5, 4), now), { kind: 'sweep' });
    assert.deepEqual(live.queue, { workers: 2, waiting: 5, active: 4 });
    assert.equal(applySweepEvent(live, depth(2, 5, 4), now), undefined);
    assert.equal(queueLine(live), '2 workers, 5 queued, 4 running');

    const data: ViewData = { sweeps: new Map([[live.dir, live]]), history: [], primaryDir: live.dir };
    const update = applyLiveMessage(data, { type: 'sweepEvents', dir: live.dir, events: [depth(1, 0, 1)] }, () => true, now);
    assert.ok(update.parts.includes('header'));
    assert.equal(queueLine(live), '1 worker, 0 queued, 1 running');
  });

  test('once the sweep has ended the queue line goes', () => {
    const live = sweep([trial(0, 1)], { queue: { workers: 2, waiting: 0, active: 0 } });
    applySweepEvent(live, { type: 'sweepEnded', status: 'completed' }, now);
    assert.equal(queueLine(live), undefined);
  });

  test('the store keeps where each trial ran and which Redis the sweep used; the snapshot carries both', () => {
    const { spec } = parseSpec(JSON.stringify(tinySpec()));
    assert.ok(spec);
    const plans = [plan(0, 1), plan(0.5, 1)];
    const dir = sweepDir(tempDir(), 'tiny', 'sweep-q');
    const manifest: SweepManifest = {
      format: storeFormat, id: 'sweep-q', experiment: 'tiny', specPath: '/x/tiny.dropout.json', specHash: specHash('{}'), spec,
      executor: 'redis://127.0.0.1:6390', trials: plans, workers: 2, versions: {}, runnerPid: process.pid, status: 'running',
      startedAt: new Date().toISOString(),
    };
    const writer = SweepWriter.create(dir, manifest);
    writer.openTrial(plans[0], 100, { host: 'box-a', slot: 1, attempt: 1 });
    writer.openTrial(plans[1], 100);
    const snapshot = toSnapshot(loadSweep(dir));
    assert.equal(snapshot.executor, 'redis://127.0.0.1:6390');
    assert.deepEqual(snapshot.trials.map((t) => t.where), [{ host: 'box-a', slot: 1, attempt: 1 }, undefined]);
    assert.equal(snapshot.queue, undefined, 'the queue depth is live only');
  });
});
