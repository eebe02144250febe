import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../../src/engine/spec/parse';
import { planHyperband } from '../../src/engine/sweep/plan';
import type { EpochMetrics } from '../../src/core/trial';
import { HyperbandScheduler } from '../../src/runner/hyperbandScheduler';
import type { SweepJob } from '../../src/runner/scheduler';

function plan(objective: 'val_loss' | 'val_acc') {
  const { spec, problems } = parseSpec(JSON.stringify({
    name: 'h', dataset: { type: 'moons' }, model: { hidden: [4] },
    sweep: { rates: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], strategy: 'hyperband', maxEpochs: 9, factor: 3, objective, seed: 5 },
  }));
  assert.ok(spec, JSON.stringify(problems));
  return planHyperband(spec);
}

/** Every job the scheduler has ready now, in order. */
function readyJobs(scheduler: HyperbandScheduler): SweepJob[] {
  const jobs: SweepJob[] = [];
  for (let job = scheduler.next(); job; job = scheduler.next()) jobs.push(job);
  return jobs;
}

const metrics = (epoch: number, val_loss: number, val_acc: number): EpochMetrics =>
  ({ epoch, loss: val_loss, train_loss: val_loss, val_loss, val_acc, durationMs: 1 });

describe('HyperbandScheduler', () => {
  test('the plan: first-round trials of every bracket, rates drawn without repeats while the space lasts', () => {
    // maxEpochs 9, factor 3: log₃9 = 2 → 3; brackets b = 2, 1, 0 with 9, 5 (ceil(1.5·3) = 5), 3 first-round trials.
    const { trials, brackets } = plan('val_loss');
    assert.deepEqual(brackets.map((b) => [b.bracket, b.trialIds.length]), [[2, 9], [1, 5], [0, 3]]);
    assert.equal(trials.length, 17);
    const firstBracketRates = trials.filter((t) => t.hyperband?.bracket === 2).map((t) => t.rate).sort();
    assert.deepEqual(firstBracketRates, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], '9 trials, 9 rates: each once');
    assert.deepEqual(plan('val_loss').trials, trials, 'the same seed plans the same trials');
    // No (rate, seed) pair twice in the plan: identical reruns would pass for independent seeds.
    const pairs = trials.map((t) => `${t.rate}/${t.seed}`);
    assert.equal(new Set(pairs).size, pairs.length);
  });

  test('val_acc is maximised; failed trials are not ranked; the next round resumes the promoted to its epochs', () => {
    const scheduler = new HyperbandScheduler(plan('val_acc'), 'val_acc');
    const jobs = readyJobs(scheduler);
    assert.equal(jobs.length, 9);
    assert.ok(jobs.every((job) => job.untilEpoch === 1 && !job.resume && job.checkpoint));
    // Trial i scores val_acc i/10 (best over its epochs), except trial 8, which fails.
    jobs.forEach((job, i) => scheduler.epoch(job.trial.id, metrics(1, 1, i / 10)));
    for (const [i, job] of jobs.entries()) {
      const rung = scheduler.jobEnded(job.trial.id, i !== 8);
      if (i < 8) assert.deepEqual([rung, readyJobs(scheduler)], [undefined, []]);
      else {
        // size(2, 1) = ceil(1 · 3) = 3 promoted: the highest val_acc among the 8 that completed.
        assert.deepEqual(rung?.promoted, [jobs[7]!.trial.id, jobs[6]!.trial.id, jobs[5]!.trial.id]);
        assert.equal(rung?.stopped.length, 5);
        assert.deepEqual(rung?.unranked, [jobs[8]!.trial.id]);
        assert.deepEqual(readyJobs(scheduler).map((next) => [next.trial.id, next.untilEpoch, next.resume, next.checkpoint]),
          [7, 6, 5].map((k) => [jobs[k]!.trial.id, 3, true, true]));
      }
    }
  });

  test('stop(): the round in flight ends with no promotion and no next bracket', () => {
    const scheduler = new HyperbandScheduler(plan('val_loss'), 'val_loss');
    const jobs = readyJobs(scheduler);
    scheduler.stop();
    let last;
    for (const job of jobs) last = scheduler.jobEnded(job.trial.id, false);
    assert.deepEqual(readyJobs(scheduler), []);
    assert.deepEqual(last?.promoted, []);
    assert.equal(scheduler.exhausted, true);
  });
});
