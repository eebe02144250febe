/** The small shared helpers of src/core: edit distance, BOM, error messages, sweep progress and its text. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorMessage } from '../../src/core/errors';
import { progressOf, progressText, ProgressTally, queueText } from '../../src/core/progress';
import { editDistance, stripBom } from '../../src/core/text';

describe('text', () => {
  test('edit distance counts insertions, deletions, substitutions and adjacent transpositions as one edit each', () => {
    assert.equal(editDistance('moons', 'moons'), 0);
    assert.equal(editDistance('moon', 'moons'), 1);
    assert.equal(editDistance('mons', 'moons'), 1);
    assert.equal(editDistance('mooms', 'moons'), 1);
    assert.equal(editDistance('moosn', 'moons'), 1, 'a transposition');
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ca', 'abc'), 3, 'optimal string alignment: no substring is edited twice');
    assert.equal(editDistance('circels', 'circles'), editDistance('circles', 'circels'));
  });

  test('a leading BOM is stripped, nothing else', () => {
    assert.equal(stripBom('\uFEFFa,b'), 'a,b');
    assert.equal(stripBom('a,b'), 'a,b');
    assert.equal(stripBom('a\uFEFF'), 'a\uFEFF');
  });

  test('error messages: an Error says its message, anything else its text', () => {
    assert.equal(errorMessage(new TypeError('bad')), 'bad');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorMessage(42), '42');
    assert.equal(errorMessage(undefined), 'undefined');
  });
});

describe('sweep progress', () => {
  test('ended trials count the epochs they ran, running ones the planned epochs, unstarted ones too', () => {
    const progress = progressOf([{ epochs: 10, ended: true }, { epochs: 5, ended: false }], 3, 20);
    assert.deepEqual(progress, { epochsDone: 15, epochsPlanned: 50, trialsDone: 1, trialsTotal: 3, fraction: 0.3 });
    assert.equal(progressText(progress), 'epoch 15/50 · trial 1/3');
    assert.equal(progressOf([], 0, 20).fraction, 0);
  });

  test("a queue executor's state reads as the status bar says it: workers (singular for one), queued, running", () => {
    assert.equal(queueText({ workers: 3, waiting: 12, active: 6 }), '3 workers, 12 queued, 6 running');
    assert.equal(queueText({ workers: 1, waiting: 0, active: 1 }), '1 worker, 0 queued, 1 running');
  });

  test('counted from events: a promoted Hyperband trial goes on from its epochs; an epoch before trialStarted still counts', () => {
    const tally = new ProgressTally(2, 4);
    tally.trialStarted('a');
    tally.epoch('a');
    tally.trialEnded('a');
    assert.deepEqual(tally.progress, { epochsDone: 1, epochsPlanned: 5, trialsDone: 1, trialsTotal: 2, fraction: 0.2 });
    tally.trialStarted('a');
    tally.epoch('a');
    tally.epoch('b');
    assert.deepEqual(tally.progress, { epochsDone: 3, epochsPlanned: 8, trialsDone: 0, trialsTotal: 2, fraction: 3 / 8 });
  });
});
