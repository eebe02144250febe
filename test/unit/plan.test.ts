import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { configKey, configLabel } from '../../src/core/dropoutConfig';
import { planHyperband, planTrials, sweepConfigs } from '../../src/engine/sweep/plan';

function specOf(sweep: Record<string, unknown>, training: Record<string, unknown> = { seed: 3 }): ExperimentSpec {
  const { spec, problems } = parseSpec(JSON.stringify({ name: 'p', dataset: { type: 'moons' }, model: { hidden: [4] }, training, sweep }));
  assert.ok(spec, JSON.stringify(problems));
  return spec;
}

describe('plan: per-layer rates', () => {
  test('a configuration names its input rate only when the sweep searches it', () => {
    assert.equal(configKey({ rate: 0.3 }), 'rate-0.3');
    assert.equal(configKey({ inputRate: 0.1, rate: 0.3 }), 'input-0.1_rate-0.3');
    assert.equal(configLabel({ rate: 0.3 }), 'rate 0.3');
    assert.equal(configLabel({ inputRate: 0, rate: 0.3 }), 'input rate 0, rate 0.3');
  });

  test('without inputRates, trials keep the ids and fields they always had', () => {
    const trials = planTrials(specOf({ rates: [0, 0.5], repeats: 2 }));
    assert.deepEqual(trials, [
      { id: 'rate-0_seed-3', rate: 0, seed: 3, repeat: 0 },
      { id: 'rate-0_seed-4', rate: 0, seed: 4, repeat: 1 },
      { id: 'rate-0.5_seed-3', rate: 0.5, seed: 3, repeat: 0 },
      { id: 'rate-0.5_seed-4', rate: 0.5, seed: 4, repeat: 1 },
    ]);
    assert.ok(trials.every((trial) => !('inputRate' in trial)));
  });

  test('grid: the cross product input rate × hidden rate × seed, input-major, in a stable order', () => {
    const spec = specOf({ rates: [0.5, 0], inputRates: [0.2, 0], repeats: 2 });
    const trials = planTrials(spec);
    assert.deepEqual(trials.map((t) => t.id), [
      'input-0_rate-0_seed-3', 'input-0_rate-0_seed-4', 'input-0_rate-0.5_seed-3', 'input-0_rate-0.5_seed-4',
      'input-0.2_rate-0_seed-3', 'input-0.2_rate-0_seed-4', 'input-0.2_rate-0.5_seed-3', 'input-0.2_rate-0.5_seed-4',
    ]);
    assert.deepEqual(trials[6], { id: 'input-0.2_rate-0.5_seed-3', inputRate: 0.2, rate: 0.5, seed: 3, repeat: 0 });
    assert.deepEqual(planTrials(spec), trials);
    // Narrowed to a hidden rate, every input rate of it still runs.
    assert.deepEqual(planTrials(spec, [0.5]).map((t) => t.id),
      ['input-0_rate-0.5_seed-3', 'input-0_rate-0.5_seed-4', 'input-0.2_rate-0.5_seed-3', 'input-0.2_rate-0.5_seed-4']);
    assert.throws(() => planTrials(spec, [0.3]), /rate 0\.3 is not in the sweep \(0, 0\.5\)/);
  });

  test('random: the drawn pairs, seeded, each trained with its seeds', () => {
    const sweep = { rates: [0, 0.2, 0.4, 0.6, 0.8], inputRates: [0, 0.1, 0.2, 0.3], strategy: 'random', samples: 6, seed: 9 };
    const trials = planTrials(specOf(sweep));
    assert.equal(trials.length, 6);
    assert.deepEqual(trials.map((t) => [t.inputRate, t.rate]), sweepConfigs(specOf(sweep).sweep).map((c) => [c.inputRate, c.rate]));
    assert.equal(new Set(trials.map((t) => t.id)).size, 6);
    assert.deepEqual(planTrials(specOf(sweep)), trials, 'same seed, same pairs');
    assert.notDeepEqual(planTrials(specOf({ ...sweep, seed: 10 })), trials, 'another seed, other pairs');
  });

  test('hyperband: the configurations are the pairs; each bracket draws them without repeats while they last', () => {
    const spec = specOf({ rates: [0, 0.4, 0.8], inputRates: [0, 0.2, 0.4], strategy: 'hyperband', maxEpochs: 9, factor: 3, seed: 5 });
    const { trials, brackets } = planHyperband(spec);
    assert.deepEqual(brackets.map((b) => b.trialIds.length), [9, 5, 3]);
    const first = trials.filter((t) => t.hyperband?.bracket === 2);
    assert.deepEqual(first.map((t) => configKey(t)).sort(),
      sweepConfigs(spec.sweep).map(configKey).sort(), '9 trials, 9 pairs: each once');
    assert.match(first[0]!.id, /^i0-b2-000_input-0(\.\d)?_rate-0(\.\d)?_seed-3$/);
    // A pair that comes back in a later bracket trains with the next seed, never a copy of an earlier trial.
    assert.equal(new Set(trials.map((t) => `${configKey(t)}/${t.seed}`)).size, trials.length);
    assert.deepEqual(planHyperband(spec).trials, trials);
  });
});

describe('plan: named spaces', () => {
  const conv = { type: 'float', min: 0, max: 0.5, step: 0.25, sampling: 'linear', default: 0 } as const;
  const lrGrid = { type: 'choice', values: [0.001, 0.01], default: 0.001 } as const;
  const lrRange = { type: 'float', min: 0.0001, max: 0.01, sampling: 'log', default: 0.0001 } as const;
  const withSpace = (sweep: Record<string, unknown>, space: Record<string, unknown>): ExperimentSpec => {
    const spec = specOf(sweep);
    return { ...spec, sweep: { ...spec.sweep, rates: [], space: space as never } };
  };

  test('grid: the cross product of the space × seeds, configuration-major, ids name every hyperparameter', () => {
    const trials = planTrials(withSpace({ rates: [0], repeats: 2 }, { conv_rate: conv, lr: lrGrid }));
    assert.equal(trials.length, 12);
    assert.deepEqual(trials.slice(0, 3).map((t) => t.id), ['conv_rate-0_lr-0.001_seed-3', 'conv_rate-0_lr-0.001_seed-4', 'conv_rate-0_lr-0.01_seed-3']);
    assert.deepEqual(trials[0], { id: 'conv_rate-0_lr-0.001_seed-3', hp: { conv_rate: 0, lr: 0.001 }, seed: 3, repeat: 0 });
    assert.ok(trials.every((trial) => !('rate' in trial)));
    assert.throws(() => planTrials(withSpace({ rates: [0] }, { conv_rate: conv }), [0]), /sweep\.space cannot be narrowed to some rates/);
  });

  test('random: the configurations drawn at parse time, each with its seeds', () => {
    const drawnConfigs = [{ hp: { conv_rate: 0.25, lr: 0.0031 } }, { hp: { conv_rate: 0.5, lr: 0.0002 } }];
    const spec = withSpace({ rates: [0, 0.5], strategy: 'random', samples: 2, repeats: 2 }, { conv_rate: conv, lr: lrRange });
    const trials = planTrials({ ...spec, sweep: { ...spec.sweep, drawnConfigs } });
    assert.deepEqual(trials.map((t) => t.id), [
      'conv_rate-0.25_lr-0.0031_seed-3', 'conv_rate-0.25_lr-0.0031_seed-4', 'conv_rate-0.5_lr-0.0002_seed-3', 'conv_rate-0.5_lr-0.0002_seed-4',
    ]);
  });

  test('hyperband over a continuous space: each bracket draws distinct configurations, reproducibly', () => {
    const spec = withSpace({ rates: [0], strategy: 'hyperband', maxEpochs: 9, factor: 3, seed: 5 }, { conv_rate: conv, lr: lrRange });
    const { trials, brackets } = planHyperband(spec);
    assert.deepEqual(brackets.map((b) => b.trialIds.length), [9, 5, 3]);
    assert.equal(trials.length, 17);
    assert.equal(new Set(trials.map(configKey)).size, 17, 'no configuration drawn twice');
    assert.match(trials[0]!.id, /^i0-b2-000_conv_rate-0(\.25|\.5)?_lr-0\.\d+_seed-3$/);
    assert.ok(trials.every((t) => t.hp!.lr! as number >= 0.0001 && t.hp!.lr! as number <= 0.01 && [0, 0.25, 0.5].includes(t.hp!.conv_rate as number)));
    assert.deepEqual(planHyperband(spec).trials, trials);
    assert.notDeepEqual(planHyperband({ ...spec, sweep: { ...spec.sweep, seed: 6 } }).trials, trials);
  });

  test('hyperband over a finite space: the first bracket trains each configuration once while they last', () => {
    const spec = withSpace({ rates: [0], strategy: 'hyperband', maxEpochs: 9, factor: 3 }, { conv_rate: conv, lr: lrGrid });
    const first = planHyperband(spec).trials.filter((t) => t.hyperband?.bracket === 2);
    assert.equal(first.length, 9);
    assert.equal(new Set(first.slice(0, 6).map(configKey)).size, 6, 'the 6 configurations before any comes back');
    assert.equal(first.filter((t) => t.seed === 4).length, 3, 'the 3 that come back train with the next seed');
  });
});
