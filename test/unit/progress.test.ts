import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressReporter } from '../../src/cli/progress';

/** A non-terminal stream: the reporter writes one permanent line per event it prints. */
function captured() {
  const lines: string[] = [];
  const out = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) };
  return { lines, reporter: new ProgressReporter(out as unknown as NodeJS.WriteStream) };
}

describe('CLI progress', () => {
  test('a Hyperband round prints one line: bracket, round, epochs and what became of its trials', () => {
    const { lines, reporter } = captured();
    reporter.handle({
      type: 'rung',
      rung: {
        iteration: 0, bracket: 1, round: 0, epochs: 3, trials: ['a', 'b', 'c', 'd'],
        promoted: ['a'], stopped: ['b', 'c'], unranked: ['d'],
      },
    });
    assert.deepEqual(lines, ['hyperband bracket 1 round 0: 4 trials to epoch 3, 1 promoted, 2 stopped, 1 not ranked']);

    reporter.handle({
      type: 'rung',
      rung: { iteration: 0, bracket: 1, round: 1, epochs: 9, trials: ['a'], promoted: [], stopped: [], unranked: [] },
    });
    assert.equal(lines[1], 'hyperband bracket 1 round 1: 1 trials to epoch 9, completed');
  });

  test('info log lines stay out of the progress (warnings do not)', () => {
    const { lines, reporter } = captured();
    reporter.handle({ type: 'log', level: 'info', message: 'hyperband bracket 1 round 0 (3 epochs): 1 promoted, 2 stopped' });
    reporter.handle({ type: 'log', level: 'warn', message: 'slow' });
    assert.deepEqual(lines, ['warn: slow']);
  });
});
