import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bracketCount, hyperbandSchedule, logBase, scheduleEpochs } from '../../src/engine/sweep/hyperband';

/**
 * Expected schedules, written out by hand from keras-tuner's formulas (not computed by the module):
 *   brackets = how many times max_epochs can be divided by factor before it drops below 1
 *   size(b, r) = ceil( ceil(1 + log_f(M)) / (b + 1) · f^(b − r) ),   epochs(b, r) = ceil( M / f^(b − r) )
 * Each row: [bracket b, trials per round, cumulative epochs per round], brackets in run order (b descending).
 */
type Row = [bracket: number, trials: number[], epochs: number[]];

const EXPECTED: Array<{ maxEpochs: number; factor: number; rows: Row[]; epochsWithResume: number }> = [
  {
    // log_3 81 = 4 exactly → ceil(1 + 4) = 5. 81 → 27 → 9 → 3 → 1 → 1/3: 5 brackets (b = 4..0).
    // b=4: 5/5 = 1    → 1·81, 1·27, 1·9, 1·3, 1·1          = 81, 27, 9, 3, 1; epochs 81/81.. = 1, 3, 9, 27, 81
    // b=3: 5/4 = 1.25 → 33.75, 11.25, 3.75, 1.25 → ceil      = 34, 12, 4, 2;    epochs 3, 9, 27, 81
    // b=2: 5/3        → 15, 5, 1.67 → ceil                   = 15, 5, 2;        epochs 9, 27, 81
    // b=1: 5/2 = 2.5  → 7.5, 2.5                            = 8, 3;            epochs 27, 81
    // b=0: 5                                                 = 5;               epochs 81
    maxEpochs: 81, factor: 3,
    rows: [[4, [81, 27, 9, 3, 1], [1, 3, 9, 27, 81]], [3, [34, 12, 4, 2], [3, 9, 27, 81]], [2, [15, 5, 2], [9, 27, 81]], [1, [8, 3], [27, 81]], [0, [5], [81]]],
    // 81·1 + 27·2 + 9·6 + 3·18 + 1·54 = 297; 34·3 + 12·6 + 4·18 + 2·54 = 354; 15·9 + 5·18 + 2·54 = 333; 8·27 + 3·54 = 378; 5·81 = 405
    epochsWithResume: 297 + 354 + 333 + 378 + 405,
  },
  {
    // log_3 27 = 3 → 4. 27 → 9 → 3 → 1: 4 brackets.
    // b=3: 4/4 = 1 → 27, 9, 3, 1; b=2: 4/3 → 12, 4, 1.33→2; b=1: 2 → 6, 2; b=0: 4.
    maxEpochs: 27, factor: 3,
    rows: [[3, [27, 9, 3, 1], [1, 3, 9, 27]], [2, [12, 4, 2], [3, 9, 27]], [1, [6, 2], [9, 27]], [0, [4], [27]]],
    epochsWithResume: (27 + 9 * 2 + 3 * 6 + 1 * 18) + (12 * 3 + 4 * 6 + 2 * 18) + (6 * 9 + 2 * 18) + 4 * 27,
  },
  {
    // log_3 10 = 2.096 → ceil(3.096) = 4. 10 → 3.33 → 1.11 → 0.37: 3 brackets.
    // b=2: 4/3 → 12, 4, 1.33→2; epochs ceil(10/9) = 2, ceil(10/3) = 4, 10.  b=1: 2 → 6, 2; epochs 4, 10.  b=0: 4; 10.
    maxEpochs: 10, factor: 3,
    rows: [[2, [12, 4, 2], [2, 4, 10]], [1, [6, 2], [4, 10]], [0, [4], [10]]],
    epochsWithResume: (12 * 2 + 4 * 2 + 2 * 6) + (6 * 4 + 2 * 6) + 4 * 10,
  },
  {
    // log_4 100 = 3.32 → ceil(4.32) = 5. 100 → 25 → 6.25 → 1.56 → 0.39: 4 brackets.
    // b=3: 5/4 = 1.25 → 80, 20, 5, 1.25→2; epochs ceil(100/64) = 2, ceil(100/16) = 7, 25, 100.
    // b=2: 5/3 → 26.67→27, 6.67→7, 1.67→2; epochs 7, 25, 100.  b=1: 2.5 → 10, 2.5→3; epochs 25, 100.  b=0: 5; 100.
    maxEpochs: 100, factor: 4,
    rows: [[3, [80, 20, 5, 2], [2, 7, 25, 100]], [2, [27, 7, 2], [7, 25, 100]], [1, [10, 3], [25, 100]], [0, [5], [100]]],
    epochsWithResume: (80 * 2 + 20 * 5 + 5 * 18 + 2 * 75) + (27 * 7 + 7 * 18 + 2 * 75) + (10 * 25 + 3 * 75) + 5 * 100,
  },
  {
    // log_2 9 = 3.17 → ceil(4.17) = 5. 9 → 4.5 → 2.25 → 1.125 → 0.56: 4 brackets.
    // b=3: 1.25 → 10, 5, 2.5→3, 1.25→2; epochs ceil(9/8) = 2, ceil(9/4) = 3, ceil(9/2) = 5, 9.
    // b=2: 5/3 → 6.67→7, 3.33→4, 1.67→2; epochs 3, 5, 9.  b=1: 2.5 → 5, 2.5→3; epochs 5, 9.  b=0: 5; 9.
    maxEpochs: 9, factor: 2,
    rows: [[3, [10, 5, 3, 2], [2, 3, 5, 9]], [2, [7, 4, 2], [3, 5, 9]], [1, [5, 3], [5, 9]], [0, [5], [9]]],
    epochsWithResume: (10 * 2 + 5 * 1 + 3 * 2 + 2 * 4) + (7 * 3 + 4 * 2 + 2 * 4) + (5 * 5 + 3 * 4) + 5 * 9,
  },
];

describe('Hyperband schedule (keras-tuner HyperbandOracle)', () => {
  for (const { maxEpochs, factor, rows, epochsWithResume } of EXPECTED) {
    test(`maxEpochs ${maxEpochs}, factor ${factor}`, () => {
      const schedule = hyperbandSchedule({ maxEpochs, factor, iterations: 1 });
      assert.deepEqual(
        schedule.map(({ bracket, rounds }) => [bracket, rounds.map((r) => r.trials), rounds.map((r) => r.epochs)]),
        rows,
      );
      assert.ok(schedule.every(({ iteration, rounds }) => iteration === 0 && rounds.every((r, i) => r.round === i)));
      assert.equal(scheduleEpochs(schedule), epochsWithResume);
    });
  }

  test('iterations repeat the whole set of brackets', () => {
    const schedule = hyperbandSchedule({ maxEpochs: 9, factor: 3, iterations: 2 });
    assert.deepEqual(schedule.map((b) => [b.iteration, b.bracket]), [[0, 2], [0, 1], [0, 0], [1, 2], [1, 1], [1, 0]]);
  });

  test('log_f is exact on powers, where Math.log(81) / Math.log(3) is not', () => {
    assert.notEqual(Math.log(81) / Math.log(3), 4, 'the float quirk this guards against');
    assert.equal(logBase(81, 3), 4);
    assert.equal(logBase(125, 5), 3);
    assert.equal(logBase(1000, 10), 3);
    assert.equal(logBase(1, 3), 0);
    assert.ok(Math.abs(logBase(10, 3) - 2.0959032742893844) < 1e-12);
  });

  test('small maxEpochs: one bracket of plain random search', () => {
    assert.equal(bracketCount(1, 3), 1);
    assert.equal(bracketCount(2, 3), 1);
    assert.equal(bracketCount(3, 3), 2);
    // ceil(1 + log_3 2) = ceil(1.63) = 2 trials of 2 epochs.
    assert.deepEqual(hyperbandSchedule({ maxEpochs: 2, factor: 3, iterations: 1 }),
      [{ iteration: 0, bracket: 0, rounds: [{ round: 0, trials: 2, epochs: 2 }] }]);
  });

  test('invalid parameters throw', () => {
    assert.throws(() => hyperbandSchedule({ maxEpochs: 0, factor: 3, iterations: 1 }), /maxEpochs/);
    assert.throws(() => hyperbandSchedule({ maxEpochs: 9, factor: 1, iterations: 1 }), /factor/);
    assert.throws(() => hyperbandSchedule({ maxEpochs: 9, factor: 3, iterations: 0 }), /iterations/);
  });
});
