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

  test('the trial counter never passes the total: a Hyperband trial ends each round it plays, and its stop is told again', () => {
    const { lines, reporter } = captured();
    const plan = (id: string) => ({ id, seed: 1, repeat: 0, rate: 0.5 });
    reporter.handle({ type: 'sweepStarted', sweepId: 's', dir: '/d', experiment: 'x', trials: [plan('a'), plan('b')], epochs: 2, workers: 1 });
    const ended = (trialId: string, stoppedByStrategy?: boolean) => reporter.handle({
      type: 'trialEnded', trialId,
      summary: { status: 'completed', epochs: 1, stoppedEarly: false, durationMs: 0, ...(stoppedByStrategy ? { stoppedByStrategy } : {}) },
    });
    for (const id of ['a', 'b']) reporter.handle({ type: 'trialStarted', trialId: id, worker: 0, pid: 1, parameterCount: 1 });
    ended('a');
    ended('b');
    ended('b', true); // the round stops b: told again
    reporter.handle({ type: 'trialStarted', trialId: 'a', worker: 0, pid: 1, parameterCount: 1 }); // promoted
    ended('a');
    const counters = lines.filter((line) => line.startsWith('[')).map((line) => line.slice(0, line.indexOf(']') + 1));
    assert.deepEqual(counters, ['[1/2]', '[2/2]', '[2/2]', '[2/2]']);
    assert.match(lines.find((line) => line.includes('stopped by its round'))!, /^\[2\/2\] rate 0\.5 seed 1: completed, 1 epochs, stopped by its round/);
  });
});
