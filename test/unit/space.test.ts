import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { HpSpace, HpSpaceEntry } from '../../src/core/hyperparameters';
import { configKey } from '../../src/core/dropoutConfig';
import { createRng } from '../../src/engine/random';
import { drawValue, gridValues, NoGridError } from '../../src/engine/sweep/space';
import { configSpaceOf, drawDistinctConfigs, gridConfigs } from '../../src/engine/sweep/configSpace';
import { drawSweep } from '../../src/engine/sweep/randomSearch';
import { Collector } from '../../src/engine/spec/positions';
import { resolveSweep } from '../../src/engine/spec/sweepRules';
import type { Values } from '../../src/engine/spec/walker';

const float = (min: number, max: number, extra: Partial<Extract<HpSpaceEntry, { type: 'float' }>> = {}): HpSpaceEntry =>
  ({ type: 'float', min, max, sampling: 'linear', default: min, ...extra });
const int = (min: number, max: number, step: number, sampling: 'linear' | 'log' = 'linear'): HpSpaceEntry =>
  ({ type: 'int', min, max, step, sampling, default: min });
const draws = (entry: HpSpaceEntry, n = 6, seed = 7): unknown[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => drawValue(entry, rng));
};

describe('space: grid values (keras-tuner)', () => {
  test('float with a step: min, min + step, … max, rounded (0.3, not 0.30000000000000004; 0.5 counted in)', () => {
    assert.deepEqual(gridValues(float(0, 0.5, { step: 0.1 }), 'rate'), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual(gridValues(float(0.1, 0.35, { step: 0.1 }), 'rate'), [0.1, 0.2, 0.3]);
  });

  test('log sampling: the step is a factor; reverse_log mirrors it from max', () => {
    assert.deepEqual(gridValues(float(0.001, 10, { step: 10, sampling: 'log' }), 'lr'), [0.001, 0.01, 0.1, 1, 10]);
    assert.deepEqual(gridValues(float(0.001, 10, { step: 10, sampling: 'reverse_log' }), 'x'), [10, 9.991, 9.901, 9.001, 0.001]);
    assert.deepEqual(gridValues(int(2, 32, 2, 'log'), 'batch'), [2, 4, 8, 16, 32]);
  });

  test('int: step 1 by default, max included when on the step; log with step 1 is every integer', () => {
    assert.deepEqual(gridValues(int(6, 13, 3), 'n'), [6, 9, 12]);
    assert.deepEqual(gridValues(int(1, 4, 1), 'n'), [1, 2, 3, 4]);
    assert.deepEqual(gridValues(int(1, 5, 1, 'log'), 'n'), [1, 2, 3, 4, 5]);
  });

  test('choice, boolean, fixed', () => {
    assert.deepEqual(gridValues({ type: 'choice', values: [0, 0.25, 0.5], default: 0 }, 'c'), [0, 0.25, 0.5]);
    assert.deepEqual(gridValues({ type: 'boolean', default: false }, 'b'), [false, true]);
    assert.deepEqual(gridValues({ type: 'fixed', value: 'adam' }, 'f'), ['adam']);
  });

  test('a float without a step has no grid: the error says to add one or to draw', () => {
    assert.throws(() => gridValues(float(0.0001, 0.01, { sampling: 'log' }), 'lr'), (error: Error) => error instanceof NoGridError
      && /sweep\.space\.lr is a float range without a step.*add "step".*strategy "random" or "hyperband"/.test(error.message));
  });
});

describe('space: seeded draws (keras-tuner sampling)', () => {
  test('continuous log draw is min·(max/min)^prob, rounded to a ten-thousandth of the range', () => {
    const prob = createRng(7).next();
    const drawn = draws(float(0.0001, 0.01, { sampling: 'log' }));
    assert.equal(drawn[0], Number((0.0001 * 100 ** prob).toPrecision(4)));
    assert.deepEqual(drawn, [0.0001227, 0.0049769, 0.0004152, 0.0004257, 0.0002925, 0.005514]);
    assert.deepEqual(draws(float(0, 0.5)), [0.02225, 0.42424, 0.15457, 0.15726, 0.11654, 0.43537]);
    assert.deepEqual(draws(float(0.0001, 0.01, { sampling: 'reverse_log' })),
      [0.0019527, 0.0098991, 0.0076916, 0.0077507, 0.0066814, 0.0099186]);
  });

  test('with a step a draw snaps to the grid: value number floor(prob · n)', () => {
    assert.deepEqual(draws(float(0, 0.5, { step: 0.1 })), [0, 0.5, 0.1, 0.1, 0.1, 0.5]);
    assert.deepEqual(draws(float(0.001, 10, { step: 10, sampling: 'log' })), [0.001, 10, 0.01, 0.01, 0.01, 10]);
    assert.deepEqual(draws(int(6, 13, 3)), [6, 12, 6, 6, 6, 12]);
  });

  test('int with log sampling and step 1: floor of the draw on [min, max + 1)', () => {
    assert.deepEqual(draws(int(1, 100, 1, 'log')), [1, 50, 4, 4, 2, 55]);
  });

  test('choice, boolean and fixed', () => {
    assert.deepEqual(draws({ type: 'choice', values: [0, 0.25, 0.5], default: 0 }), [0, 0.5, 0, 0, 0, 0.5]);
    assert.deepEqual(draws({ type: 'boolean', default: false }), [false, true, false, false, false, true]);
    assert.deepEqual(draws({ type: 'fixed', value: 3 }, 2), [3, 3]);
  });
});

const space: HpSpace = {
  conv_rate: float(0, 0.5, { step: 0.25 }),
  dense_rate: { type: 'choice', values: [0, 0.5], default: 0 },
  lr: float(0.0001, 0.01, { sampling: 'log' }),
};

describe('space: configurations', () => {
  test('grid: the cross product, input rate first, the last name fastest; none over a continuous range', () => {
    const grid = { rates: [0.1], inputRates: [0, 0.2], space: { conv_rate: space.conv_rate!, dense_rate: space.dense_rate! } };
    const configs = gridConfigs(configSpaceOf(grid));
    assert.equal(configs.length, 12);
    assert.deepEqual(configs.slice(0, 3).map(configKey), [
      'input-0_rate-0.1_conv_rate-0_dense_rate-0', 'input-0_rate-0.1_conv_rate-0_dense_rate-0.5', 'input-0_rate-0.1_conv_rate-0.25_dense_rate-0',
    ]);
    assert.equal(configKey(configs[11]!), 'input-0.2_rate-0.1_conv_rate-0.5_dense_rate-0.5');
    assert.throws(() => gridConfigs(configSpaceOf({ rates: [], space })), NoGridError);
  });

  test('random: distinct configurations over the whole space, reproducible by seed', () => {
    const draw = drawSweep(undefined, undefined, 5, 11, space);
    assert.equal(draw.drawnConfigs!.length, 5);
    assert.deepEqual(draw.rates, []);
    assert.equal(new Set(draw.drawnConfigs!.map(configKey)).size, 5);
    assert.ok(draw.drawnConfigs!.every((config) => config.rate === undefined && Object.keys(config.hp!).join() === 'conv_rate,dense_rate,lr'));
    assert.deepEqual(drawSweep(undefined, undefined, 5, 11, space), draw);
    assert.notDeepEqual(drawSweep(undefined, undefined, 5, 12, space), draw);
    // A finite space is drawn without replacement: asking for all of it gives all of it.
    const finite = { conv_rate: space.conv_rate!, dense_rate: space.dense_rate! };
    assert.equal(drawDistinctConfigs(configSpaceOf({ rates: [], space: finite }), 6, createRng(1)).length, 6);
    // With shorthand rates too, each configuration carries a rate, and `rates` lists the ones drawn.
    const mixed = drawSweep({ kind: 'finite', rates: [0, 0.5] }, undefined, 4, 3, finite);
    assert.ok(mixed.drawnConfigs!.every((config) => config.rate !== undefined && config.hp !== undefined));
    assert.deepEqual(mixed.rates, [...new Set(mixed.drawnConfigs!.map((config) => config.rate))].sort());
  });
});

/** The sweep rules on a sweep object (the walker's values) with positions from its JSON text. */
function resolve(sweep: Record<string, unknown>): { problems: { path: string; message: string; line: number }[]; resolved?: unknown } {
  const text = JSON.stringify({ sweep }, null, 1);
  const c = new Collector(text, 0);
  const tree = parseTree(text)!;
  const visit = (value: unknown, path: string[]): void => {
    c.nodes.set(path.join('.'), findNodeAtLocation(tree, path)!);
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const [key, inner] of Object.entries(value)) visit(inner, [...path, key]);
  };
  visit(sweep, ['sweep']);
  const values: Values = {
    sweep: { repeats: 1, strategy: 'grid', objective: 'val_loss', factor: 3, iterations: 1, ...sweep },
    training: { seed: 0 }, model: { inputDropout: 0 }, dataset: { type: 'moons' },
  } as unknown as Values;
  const resolved = resolveSweep(values, c, { offset: 0, length: 1 });
  return { problems: c.problems.map(({ path, message, line }) => ({ path, message, line })), resolved };
}

describe('space: sweep rules', () => {
  test('a grid over the space is refused past maxTrials, with the count, at sweep.maxTrials', () => {
    const grid = { conv_rate: space.conv_rate, dense_rate: space.dense_rate };
    const { problems } = resolve({ space: grid, repeats: 2, maxTrials: 10 });
    assert.deepEqual(problems.map((p) => p.path), ['sweep.maxTrials']);
    assert.match(problems[0]!.message, /^the grid over sweep\.space has 6 configurations × 2 seeds = 12 trials, more than sweep\.maxTrials 10: /);
    assert.equal(resolve({ space: grid, repeats: 2, maxTrials: 12 }).problems.length, 0);
  });

  test('without maxTrials, a grid over the space may have 1000 trials; past that the error is at sweep.space', () => {
    const big = { a: int(1, 40, 1), b: int(1, 30, 1) };
    const { problems } = resolve({ space: big });
    assert.deepEqual(problems.map((p) => p.path), ['sweep.space']);
    assert.match(problems[0]!.message, /has 1200 configurations, more than 1000: .*set sweep\.maxTrials to at least 1200/);
  });

  test('a grid over a float without a step is an error at that entry; random draws from it', () => {
    const { problems } = resolve({ space });
    assert.deepEqual(problems.map((p) => p.path), ['sweep.space.lr.step']);
    // The parser resolves an absent `rates` to [] when a space is given: no rate dimension either way.
    for (const rates of [undefined, []]) {
      const random = resolve({ space, strategy: 'random', samples: 4, seed: 2, ...(rates ? { rates } : {}) });
      assert.deepEqual(random.problems, []);
      const resolved = random.resolved as { drawnConfigs: { rate?: number }[]; rates: number[] };
      assert.equal(resolved.drawnConfigs.length, 4);
      assert.deepEqual(resolved.rates, []);
      assert.ok(resolved.drawnConfigs.every((config) => config.rate === undefined));
    }
    assert.match(resolve({ space: { dense_rate: space.dense_rate }, rates: [], maxTrials: 1 }).problems[0]!.message, /has 2 configurations, more than sweep\.maxTrials 1/);
  });

  test('random: more samples than a finite space holds is refused with its size', () => {
    const { problems } = resolve({ space: { dense_rate: space.dense_rate }, rates: [0, 0.5], strategy: 'random', samples: 5 });
    assert.deepEqual(problems.map((p) => p.path), ['sweep.samples']);
    assert.match(problems[0]!.message, /cannot draw 5 distinct configurations from the 2 rates of sweep\.rates × the 2 points of sweep\.space \(4 configurations\); use samples ≤ 4/);
  });

  test('a sweep with neither rates nor space is refused', () => {
    assert.match(resolve({}).problems[0]!.message, /a sweep searches sweep\.rates, sweep\.space/);
  });
});
