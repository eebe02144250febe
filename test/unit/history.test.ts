import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { toSnapshot } from '../../src/store/snapshot';
import { experiments, writeHistory } from '../support/history';
import { tempDir } from '../support/specs';

// Correctness of a large history only; how fast it lists and opens is measured by `npm run bench:load`.
describe('a history of 1,000 sweeps', () => {
  const root = tempDir();
  const generated = writeHistory(root, { count: 1000, rates: 2, epochs: 2, interruptedEvery: 10 });

  test('lists every sweep once, newest first, the interrupted ones flagged', () => {
    const listed = listSweeps(root);
    assert.equal(listed.length, 1000);
    assert.deepEqual(listed.map((sweep) => sweep.id), generated.map((sweep) => sweep.id).reverse());
    assert.equal(new Set(listed.map((sweep) => sweep.dir)).size, 1000);
    const interrupted = listed.filter((sweep) => sweep.status === 'interrupted');
    assert.equal(interrupted.length, 100);
    assert.deepEqual(new Set(interrupted.map((sweep) => sweep.id)), new Set(generated.filter((s) => s.interrupted).map((s) => s.id)));
    assert.ok(listed.every((sweep) => sweep.status === 'interrupted' || sweep.status === 'completed'));
    assert.deepEqual([...new Set(listed.map((sweep) => sweep.experiment))].sort(), [...experiments].sort());
    assert.ok(listed.every((sweep) => sweep.trialCount === 2));
  });

  test('any sweep opens with all its epochs; an interrupted one with its unfinished trial', () => {
    for (const index of [0, 499, 998, 999]) {
      const { dir, interrupted } = generated[index];
      const snapshot = toSnapshot(loadSweep(dir));
      assert.equal(snapshot.status, interrupted ? 'interrupted' : 'completed', dir);
      assert.deepEqual(snapshot.trials.map((trial) => trial.state), interrupted ? ['completed', 'interrupted'] : ['completed', 'completed']);
      assert.deepEqual(snapshot.trials.map((trial) => trial.epochs.length), interrupted ? [2, 1] : [2, 2]);
    }
  });
});
