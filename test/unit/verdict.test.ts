import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatNumber, isBaseline, sweepVerdict, type Verdict, type VerdictConfiguration } from '../../src/core/verdict';
import { configKey, configLabel } from '../../src/core/dropoutConfig';
import type { HpAssignment } from '../../src/core/hyperparameters';
import { dropoutRateNames, type LayerSpec } from '../../src/core/spec';

/** Values for seeds 1, 2, 3, … */
const seeds = (values: number[]): Record<string, number> => Object.fromEntries(values.map((value, i) => [String(i + 1), value]));

function config(rate: number, values: number[], test?: { loss?: number[]; acc?: number[] }): VerdictConfiguration {
  return {
    key: `rate-${rate}`, label: `rate ${rate}`, rate, values: seeds(values),
    ...(test?.loss ? { testLoss: seeds(test.loss) } : {}),
    ...(test?.acc ? { testAcc: seeds(test.acc) } : {}),
  };
}

/** Whatever the data, the best is never compared with itself, and every other ranked configuration once. */
function assertNoSelfComparison(verdict: Verdict): void {
  const keys = verdict.comparisons.map((comparison) => comparison.key);
  assert.ok(!keys.includes(verdict.best!), `${verdict.best} compared with itself`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(keys.length, verdict.summaries.filter((summary) => summary.rank !== undefined).length - 1);
}

/**
 * Five paired seeds. Rate 0's best val_loss varies a lot between seeds; rate 0.5 is lower in every seed by
 * d = [−0.049, −0.033, −0.041, −0.0435, −0.0385]: mean −0.041, deviations −0.008, 0.008, 0, −0.0025, 0.0025,
 * sum of squares 1.405e-4, sd = √(1.405e-4/4) = 0.0059266, SE = sd/√5 = 0.0026505; 95% CI −0.041 ± 2.7764·0.0026505
 * = −0.041 ± 0.0073589 → −0.0484 … −0.0336, printed −0.048 … −0.034; t = −15.47 (scipy ttest_rel: −15.469, p 1.02e-4).
 * Rate 0.2 is lower than rate 0 by about 0.010 per seed, and above rate 0.5 in every seed (rate 0.5 − rate 0.2
 * = [−0.039, −0.021, −0.033, −0.0325, −0.0295], all clearly negative).
 * Rate 0.5's test loss [0.358, 0.366, 0.362, 0.359, 0.365]: mean 0.362, deviations ±0.004, 0, ±0.003,
 * sd = √(5e-5/4) = 0.003536 → "0.004".
 */
const rate0 = [0.40, 0.35, 0.45, 0.38, 0.42];
const rate02 = rate0.map((value, i) => value + [-0.010, -0.012, -0.008, -0.011, -0.009][i]!);
const rate05 = rate0.map((value, i) => value + [-0.049, -0.033, -0.041, -0.0435, -0.0385][i]!);
const clearWinner = (withTest: boolean): VerdictConfiguration[] => [
  config(0, rate0, withTest ? { loss: [0.41, 0.40, 0.42, 0.40, 0.41] } : undefined),
  config(0.2, rate02, withTest ? { loss: [0.39, 0.38, 0.40, 0.39, 0.38] } : undefined),
  config(0.5, rate05, withTest ? { loss: [0.358, 0.366, 0.362, 0.359, 0.365] } : undefined),
];

describe('sweepVerdict', () => {
  test('5 seeds, a clear winner over rate 0: the sentence of issue 12, and the data behind it', () => {
    const verdict = sweepVerdict({ objective: 'val_loss', paired: true, configurations: clearWinner(true) });
    assert.equal(verdict.text,
      'rate 0.5 is best: test loss 0.362 ± 0.004 over 5 seeds; better than rate 0 in 5 of 5 seeds (Δ val_loss −0.041, 95% CI −0.048 … −0.034)');
    assert.equal(verdict.best, 'rate-0.5');
    assert.equal(verdict.lens, 'rate 0.5');
    assert.equal(verdict.distinguishable, true);
    assert.equal(verdict.seeds, 5);
    assert.equal(verdict.evidence, 'enough');
    assert.equal(verdict.testSplit, true);
    assert.equal(verdict.baseline, 'rate-0');
    assert.equal(verdict.runnerUp, 'rate-0.2');
    assertNoSelfComparison(verdict);
    const vsBaseline = verdict.comparisons.find((comparison) => comparison.baseline)!;
    assert.equal(vsBaseline.key, 'rate-0');
    assert.equal(vsBaseline.outcome, 'better');
    assert.equal(vsBaseline.test.kind, 'paired');
    assert.ok(Math.abs(vsBaseline.test.t! - -15.469) < 1e-3, `t ${vsBaseline.test.t}`);
    assert.ok(Math.abs(vsBaseline.test.ci95!.low - -0.0483589) < 1e-6);
    assert.ok(vsBaseline.test.p! < 2e-4);
    assert.deepEqual(verdict.comparisons.map((comparison) => [comparison.key, comparison.runnerUp, comparison.outcome]),
      [['rate-0.2', true, 'better'], ['rate-0', false, 'better']]);
    // Summaries come best first, each with its test figure.
    assert.deepEqual(verdict.summaries.map((summary) => [summary.key, summary.rank]), [['rate-0.5', 1], ['rate-0.2', 2], ['rate-0', 3]]);
    assert.equal(verdict.summaries[0]!.testLoss!.mean.toFixed(3), '0.362');
  });

  test('one seed: names the lowest, tests nothing, and the CodeLens claims no winner', () => {
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [
        config(0, [0.2491], { loss: [0.262] }), config(0.2, [0.2440], { loss: [0.251] }), config(0.5, [0.2600], { loss: [0.270] }),
      ],
    });
    assert.equal(verdict.text, 'rate 0.2 had the lowest val_loss (one seed: not tested; set sweep.repeats ≥ 3 to tell rates apart); test loss 0.251');
    assert.equal(verdict.best, 'rate-0.2');
    assert.equal(verdict.distinguishable, false);
    // Hyperband (unpaired) refuses repeats: its advice is a grid over the leaders instead.
    const hyperband = sweepVerdict({
      objective: 'val_loss', paired: false, configurations: [config(0, [0.2491], { loss: [0.262] }), config(0.2, [0.2440], { loss: [0.251] })],
    });
    assert.equal(hyperband.text, 'rate 0.2 had the lowest val_loss (one seed: not tested; Hyperband trains each configuration once: '
      + 're-run the leading rates as a grid with sweep.repeats ≥ 3 to tell them apart); test loss 0.251');
    assert.equal(verdict.lens, 'not tested (1 seed)');
    assert.equal(verdict.evidence, 'none');
    assert.deepEqual(verdict.comparisons.map((comparison) => comparison.outcome), ['not tested', 'not tested']);
    assert.ok(verdict.comparisons.every((comparison) => comparison.test.p === undefined));
    assertNoSelfComparison(verdict);
  });

  test('not distinguishable: says so, names what it cannot be told apart from, and the lens says "no clear winner"', () => {
    // Rate 0 best by mean (0.2975 vs 0.3025 vs 0.315), but the per-seed winners vary. Rate 0 − rate 0.2 =
    // [0.01, −0.02, 0.01, −0.02]: mean −0.005, sd √(9e-4/3) = 0.017321, SE 0.0086603, CI −0.005 ± 3.1824·0.0086603
    // = −0.0326 … 0.0226 → printed −0.033 … 0.023; rate 0 is lower in 2 of 4 seeds. Rate 0 − rate 0.5 =
    // [−0.02, 0.01, −0.03, −0.03]: CI −0.0476 … 0.0126, also containing 0 (scipy ttest_rel agrees on both).
    // Rate 0's test loss [0.21, 0.26, 0.34, 0.43]: mean 0.310, deviations −0.10, −0.05, 0.03, 0.12, sd √(0.0278/3) = 0.096.
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [
        config(0, [0.20, 0.25, 0.33, 0.41], { loss: [0.21, 0.26, 0.34, 0.43] }),
        config(0.2, [0.19, 0.27, 0.32, 0.43], { loss: [0.20, 0.28, 0.33, 0.44] }),
        config(0.5, [0.22, 0.24, 0.36, 0.44], { loss: [0.23, 0.25, 0.37, 0.45] }),
      ],
    });
    assert.equal(verdict.best, 'rate-0');
    assert.equal(verdict.distinguishable, false);
    assert.equal(verdict.lens, 'no clear winner');
    assert.equal(verdict.text,
      'rate 0 had the lowest val_loss: test loss 0.310 ± 0.096 over 4 seeds; '
        + 'not distinguishable from rate 0.2 (better in 2 of 4 seeds; Δ val_loss −0.005, 95% CI −0.033 … 0.023); '
        + 'nor told apart from rate 0.5: no clear winner');
    // The best is the baseline itself: no comparison is flagged as the baseline one, none is with itself.
    assert.equal(verdict.baseline, 'rate-0');
    assert.ok(verdict.comparisons.every((comparison) => !comparison.baseline));
    assertNoSelfComparison(verdict);
  });

  test('a best that beats the runner-up but not rate 0 is no winner, and rate 0 is named first', () => {
    // Rate 0.5 = rate 0 + e, e = [−0.03, 0.02, −0.01, 0.01, −0.02]: mean −0.006 (lower in seeds 1, 3, 5), deviations
    // −0.024, 0.026, −0.004, 0.016, −0.014, sum of squares 0.00172, sd 0.020736, SE 0.0092736, CI −0.006 ± 2.7764·
    // 0.0092736 = −0.0317 … 0.0197 → printed −0.032 … 0.020: contains 0. Rate 0.2 (the runner-up, mean 0.398) =
    // rate 0.5 + 0.004 + [0.0005, −0.0005, 0.001, 0, −0.001]: rate 0.5 is lower in every seed by a nearly constant
    // 0.004 (t ≈ −11), so it beats the runner-up but not the baseline. Test loss = rate 0's values: mean 0.400, sd
    // √((0 + 0.0025 + 0.0025 + 0.0004 + 0.0004)/4) = 0.038.
    const base = [0.40, 0.35, 0.45, 0.38, 0.42];
    const best = base.map((value, i) => value + [-0.03, 0.02, -0.01, 0.01, -0.02][i]!);
    const runnerUp = best.map((value, i) => value + 0.004 + [0.0005, -0.0005, 0.001, 0, -0.001][i]!);
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [
        config(0, base, { loss: base }), config(0.2, runnerUp, { loss: base }), config(0.5, best, { loss: base }),
      ],
    });
    assert.equal(verdict.best, 'rate-0.5');
    assert.equal(verdict.runnerUp, 'rate-0.2');
    const outcomes = Object.fromEntries(verdict.comparisons.map((comparison) => [comparison.key, comparison.outcome]));
    assert.deepEqual(outcomes, { 'rate-0': 'not distinguishable', 'rate-0.2': 'better' });
    assert.equal(verdict.distinguishable, false);
    assert.equal(verdict.lens, 'no clear winner');
    assert.equal(verdict.text,
      'rate 0.5 had the lowest val_loss: test loss 0.400 ± 0.038 over 5 seeds; '
        + 'not distinguishable from rate 0 (better in 3 of 5 seeds; Δ val_loss −0.006, 95% CI −0.032 … 0.020): no clear winner');
  });

  test('no test split: the figure is the objective, with a warning that validation also chose it', () => {
    // Rate 0.5's val_loss [0.351, 0.317, 0.409, 0.3365, 0.3815]: mean 0.359, sd √(0.0053405/4) = 0.03654.
    const verdict = sweepVerdict({ objective: 'val_loss', paired: true, configurations: clearWinner(false) });
    assert.equal(verdict.testSplit, false);
    assert.equal(verdict.text,
      'rate 0.5 is best: val_loss 0.359 ± 0.037 over 5 seeds (on the validation data that also chose it: no test split); '
        + 'better than rate 0 in 5 of 5 seeds (Δ val_loss −0.041, 95% CI −0.048 … −0.034)');
    const oneSeed = sweepVerdict({ objective: 'val_loss', paired: true, configurations: [config(0, [0.2491]), config(0.2, [0.2440])] });
    assert.equal(oneSeed.text,
      'rate 0.2 had the lowest val_loss (one seed: not tested; set sweep.repeats ≥ 3 to tell rates apart); '
        + 'val_loss 0.244 is on the validation data that also chose it: no test split');
  });

  test('val_acc: the highest wins, Δ is positive for the better, and test acc is reported', () => {
    // Rate 0.5 − rate 0 = [0.02, 0.03, 0.025, 0.02, 0.03]: mean 0.025, sd 0.005, SE 0.0022361,
    // CI 0.025 ± 2.7764·0.0022361 = 0.0188 … 0.0312 (scipy: 0.018792 … 0.031208). Test acc mean 0.91, sd 0.0158.
    const acc0 = [0.90, 0.85, 0.88, 0.86, 0.91];
    const acc05 = acc0.map((value, i) => value + [0.02, 0.03, 0.025, 0.02, 0.03][i]!);
    const verdict = sweepVerdict({
      objective: 'val_acc', paired: true, configurations: [
        config(0, acc0, { loss: [0.3, 0.3, 0.3, 0.3, 0.3], acc: [0.89, 0.88, 0.87, 0.90, 0.86] }),
        config(0.5, acc05, { loss: [0.25, 0.25, 0.25, 0.25, 0.25], acc: [0.91, 0.92, 0.90, 0.93, 0.89] }),
        config(0.8, acc0.map((value) => value - 0.05), { loss: [0.4, 0.4, 0.4, 0.4, 0.4], acc: [0.8, 0.8, 0.8, 0.8, 0.8] }),
      ],
    });
    assert.equal(verdict.best, 'rate-0.5');
    assert.equal(verdict.direction, 'max');
    assert.equal(verdict.text,
      'rate 0.5 is best: test acc 0.910 ± 0.016 over 5 seeds; better than rate 0 in 5 of 5 seeds (Δ val_acc 0.025, 95% CI 0.019 … 0.031)');
    assert.deepEqual(verdict.summaries.map((summary) => summary.key), ['rate-0.5', 'rate-0', 'rate-0.8']);
    assertNoSelfComparison(verdict);
    const oneSeed = sweepVerdict({ objective: 'val_acc', paired: true, configurations: [config(0, [0.90]), config(0.5, [0.93])] });
    assert.match(oneSeed.text, /^rate 0\.5 had the highest val_acc \(one seed/);
  });

  test('unpaired trials (Hyperband) are compared by Welch, and the text says so', () => {
    const verdict = sweepVerdict({ objective: 'val_loss', paired: false, configurations: clearWinner(true) });
    assert.ok(verdict.comparisons.every((comparison) => comparison.test.kind === 'welch'));
    // Welch cannot see the consistent per-seed shift through the seed-to-seed spread (sd ≈ 0.037).
    assert.equal(verdict.distinguishable, false);
    assert.match(verdict.text, /not distinguishable from rate 0 \(Δ val_loss −0\.041, 95% CI −0\.\d{3} … 0\.\d{3}; unpaired, Welch test\)/);
  });

  test('paired trials that share too few seeds fall back on Welch, or stay untested', () => {
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [
        { key: 'rate-0', label: 'rate 0', rate: 0, values: { 1: 0.50, 2: 0.52, 3: 0.51 } },
        { key: 'rate-0.5', label: 'rate 0.5', rate: 0.5, values: { 3: 0.30, 4: 0.31, 5: 0.29 } },
      ],
    });
    assert.equal(verdict.comparisons[0]!.test.kind, 'welch');
    assert.equal(verdict.comparisons[0]!.outcome, 'better');
    const untested = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [
        { key: 'rate-0', label: 'rate 0', rate: 0, values: { 1: 0.50 } },
        { key: 'rate-0.5', label: 'rate 0.5', rate: 0.5, values: { 1: 0.30, 2: 0.31, 3: 0.29 } },
      ],
    });
    assert.equal(untested.comparisons[0]!.outcome, 'not tested');
    assert.match(untested.text, /not tested against rate 0 \(one seed in common\): no clear winner/);
  });

  test('two seeds: tested, but the text says the evidence is thin', () => {
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [config(0, [0.40, 0.30], { loss: [0.4, 0.3] }), config(0.5, [0.35, 0.26], { loss: [0.35, 0.26] })],
    });
    assert.equal(verdict.evidence, 'thin');
    assert.match(verdict.text, /; 2 seeds: thin evidence, set sweep\.repeats ≥ 3$/);
  });

  test('a best by mean that is worse on the seeds it shares is no winner', () => {
    // Rate 0.5's mean (0.3775) is lowered by seed 4, which rate 0 lacks; on seeds 1–3 it is 0.05 worse every time.
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, configurations: [
        config(0, [0.45, 0.35, 0.55], { loss: [0.45, 0.35, 0.55] }), config(0.5, [0.50, 0.40, 0.60, 0.01], { loss: [0.5, 0.4, 0.6, 0.01] }),
      ],
    });
    assert.equal(verdict.best, 'rate-0.5');
    assert.equal(verdict.comparisons[0]!.outcome, 'worse');
    assert.equal(verdict.distinguishable, false);
    assert.match(verdict.text, /worse than rate 0 on the 3 seeds they share \(Δ val_loss 0\.050/);
  });

  test('excluded trials, non-finite values, a lone configuration and an empty sweep', () => {
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, excludedTrials: 2,
      configurations: [config(0, [0.5, NaN, 0.52]), config(0.5, [Infinity, NaN])],
    });
    assert.equal(verdict.best, 'rate-0');
    assert.equal(verdict.seeds, 2);
    assert.equal(verdict.comparisons.length, 0);
    assert.equal(verdict.lens, 'only rate 0');
    assert.match(verdict.text, /^rate 0 is the only configuration with results: .*; 2 trials excluded \(failed, cancelled or diverged\)$/);
    assert.deepEqual(verdict.summaries.map((summary) => [summary.key, summary.rank]), [['rate-0', 1], ['rate-0.5', undefined]]);
    const empty = sweepVerdict({ objective: 'val_acc', paired: true, configurations: [] });
    assert.equal(empty.best, undefined);
    assert.equal(empty.text, 'no finished trial has a val_acc');
    assert.equal(empty.distinguishable, false);
  });

  test('the baseline is no dropout at all: input rate 0 too when the sweep searches it', () => {
    assert.equal(isBaseline({ rate: 0 }), true);
    assert.equal(isBaseline({ rate: 0, inputRate: 0 }), true);
    assert.equal(isBaseline({ rate: 0, inputRate: 0.2 }), false);
    assert.equal(isBaseline({ rate: 0.1 }), false);
  });

  test('with a space, the baseline has every drop rate at 0: the shorthand rates and the hyperparameters layers drop by', () => {
    const dropouts = ['conv_rate', 'dense_rate'];
    assert.equal(isBaseline({ hp: { conv_rate: 0, dense_rate: 0, lr: 0.01 } }, dropouts), true);
    assert.equal(isBaseline({ hp: { conv_rate: 0, dense_rate: 0.25, lr: 0.01 } }, dropouts), false);
    assert.equal(isBaseline({ rate: 0.3, hp: { conv_rate: 0, dense_rate: 0 } }, dropouts), false, 'the shorthand rate counts too');
    assert.equal(isBaseline({ rate: 0, hp: { conv_rate: 0 } }, ['conv_rate']), true);
    assert.equal(isBaseline({ hp: { lr: 0.01 } }, dropouts), false, 'a space without drop rates has no baseline');
    assert.equal(isBaseline({ hp: { conv_rate: 0 } }), false, 'without the layer list a name is not known to be a rate');
  });

  test('dropoutRateNames: the hp names of dropout-kind layers\' rates, in layer order, once each', () => {
    const layers: LayerSpec[] = [
      { type: 'conv2d', filters: { hp: 'filters' }, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', useBias: true },
      { type: 'spatialDropout2d', rate: { hp: 'conv_rate' } },
      { type: 'dense', units: 16, activation: 'relu', useBias: true },
      { type: 'dropout', rate: { hp: 'dense_rate' } },
      { type: 'gaussianDropout', rate: 0.1 },
      { type: 'dropout' },
      { type: 'dropout', rate: { hp: 'conv_rate' } },
    ];
    assert.deepEqual(dropoutRateNames({ layers }), ['conv_rate', 'dense_rate']);
    assert.deepEqual(dropoutRateNames(undefined), []);
    assert.deepEqual(dropoutRateNames({ dropoutHps: ['dropout_1', 'head', 'dropout_1'] }), ['dropout_1', 'head']);
  });

  test('a space: labels name every hyperparameter; of several no-dropout configurations the best-ranked is the baseline', () => {
    const point = (hp: HpAssignment, values: number[]): VerdictConfiguration =>
      ({ key: configKey({ hp }), label: configLabel({ hp }), hp, values: seeds(values) });
    const verdict = sweepVerdict({
      objective: 'val_loss', paired: true, dropoutRates: ['conv_rate', 'dense_rate'],
      configurations: [
        point({ conv_rate: 0, dense_rate: 0, lr: 0.01 }, rate0),
        point({ conv_rate: 0, dense_rate: 0, lr: 0.001 }, rate02),
        point({ conv_rate: 0.2, dense_rate: 0.25, lr: 0.001 }, rate05),
      ],
    });
    assert.equal(verdict.best, 'conv_rate-0.2_dense_rate-0.25_lr-0.001');
    assert.equal(verdict.baseline, 'conv_rate-0_dense_rate-0_lr-0.001', 'the better of the two without dropout');
    assert.equal(verdict.comparisons.filter((comparison) => comparison.baseline).length, 1);
    assert.equal(verdict.distinguishable, true);
    assert.match(verdict.text, /^conv_rate 0\.2, dense_rate 0\.25, lr 0\.001 is best: val_loss 0\.3\d\d ± 0\.0\d\d over 5 seeds .*; better than conv_rate 0, dense_rate 0, lr 0\.001 in 5 of 5 seeds/);
    assert.equal(verdict.summaries[0]!.hp?.lr, 0.001, 'the summaries carry hp');
    const oneSeed = sweepVerdict({ objective: 'val_loss', paired: true, configurations: [point({ lr: 0.01 }, [0.3]), point({ lr: 0.1 }, [0.2])] });
    assert.match(oneSeed.text, /^lr 0\.1 had the lowest val_loss \(one seed: not tested; set sweep\.repeats ≥ 3 to tell configurations apart\)/);
    assert.equal(oneSeed.baseline, undefined);
  });

  test('numbers: three decimals with a true minus; tiny magnitudes keep two significant digits', () => {
    assert.equal(formatNumber(-0.041), '−0.041');
    assert.equal(formatNumber(0.36249), '0.362');
    assert.equal(formatNumber(-0.00042), '−0.00042');
    assert.equal(formatNumber(0), '0.000');
  });
});
