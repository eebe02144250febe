/**
 * The dropout science: mask statistics, the two inference rules and Monte-Carlo evaluation.
 *
 * Every random draw comes from a fixed seed, so each test is deterministic. The tolerances are nevertheless derived
 * from the sampling distribution of the quantity checked, so that the fixed seeds are not a cherry-pick: a correct
 * implementation would fail a check only for a tiny fraction of seeds (the bound is given next to each check), while
 * the usual mistakes (keep and rate swapped, a missing 1/keep, a missing p·W) miss by many standard deviations.
 *
 * Normal tail probabilities used below: P(|Z| > 5) ≈ 5.7e-7, P(|Z| > 6) ≈ 2.0e-9.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { applyDropout, createMlp, disposeMlp, forward, maskStreams, type DropoutMode, type Mlp } from '../../src/engine/model/mlp';
import { createRng } from '../../src/engine/random';
import { entropySum, lossSum, makeTargets, monteCarloScores, disposeTargets } from '../../src/engine/train/metrics';
import type { DropoutStyle } from '../../src/core/spec';
import { testBackend } from '../support/backend';

before(async () => {
  const info = await initBackend(testBackend);
  assert.equal(info.name, testBackend);
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Every mask drawn from a fresh generator with this seed: the same mask each call. */
const fixedSeed = (seed: number): DropoutMode => ({ kind: 'sampled', stream: () => createRng(seed) });

/** Mask streams like the training loop's: one seeded generator per layer, consumed mask after mask. */
function seedStream(seed: number): DropoutMode {
  return { kind: 'sampled', stream: maskStreams(seed) };
}

/** Runs `f` in a tidy scope and reads the resulting tensor back (the tensor is disposed). */
function values(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return data;
}

function uniformArray(n: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

function normalArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/**
 * Runs `body` with a linear model (no hidden layer): outputs = dropout(x)·W + b, with a non-zero bias so that the
 * sampled and deterministic passes are also compared on it. The variables have fixed names (`dense0/kernel`), so
 * the model is disposed even when an assertion fails, or every later test would fail to create its own.
 */
function withLinearModel(
  featureCount: number,
  outputUnits: number,
  style: DropoutStyle,
  inputRate: number,
  seed: number,
  body: (mlp: Mlp) => void,
): void {
  // createMlp with hidden [] is a single dense layer whose input is dropped at `inputRate`.
  const mlp = createMlp(
    { featureCount, hidden: [], outputUnits, activation: 'relu', style, inputRate, hiddenRate: 0 },
    seed,
  );
  try {
    assert.equal(mlp.layers.length, 1);
    const bias = tf.tensor1d(Float32Array.from({ length: outputUnits }, (_, k) => 0.5 - 0.75 * k));
    mlp.layers[0].bias.assign(bias);
    bias.dispose();
    body(mlp);
  } finally {
    disposeMlp(mlp);
  }
}

/**
 * Per-output standard deviation of ONE stochastic pass of a linear layer, for inputs x [n, d] and kernel W [d, k]:
 *   output_ik = Σ_j x_ij·(m_ij·s)·W_jk + b_k,  m_ij ~ Bernoulli(keep) independent,
 *   Var(output_ik) = Var(m·s)·Σ_j x_ij²·W_jk²,
 * where s = 1 (standard: Var(m) = keep(1−keep)) or s = 1/keep (inverted: Var(m/keep) = (1−keep)/keep).
 */
function passStd(
  x: Float32Array, w: Float32Array, n: number, d: number, k: number, maskVariance: number,
): Float64Array {
  const std = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += (x[i * d + j] * w[j * k + c]) ** 2;
      std[i * k + c] = Math.sqrt(maskVariance * sum);
    }
  }
  return std;
}

/**
 * Bounds on a mean of m independent squares of (approximately) standard normal variables, i.e. χ²_m / m, at
 * z = 5 standard normal deviations, from the Wilson–Hilferty approximation χ²_m/m ≈ (1 − 2/(9m) + z·√(2/(9m)))³,
 * which respects the right skew of χ² (the symmetric 1 ± 5√(2/m) would put the upper tail near 6e-6 for m = 200).
 */
function chiSquareMeanBounds(m: number, z = 5): { lower: number; upper: number } {
  const a = 1 - 2 / (9 * m);
  const b = Math.sqrt(2 / (9 * m));
  return { lower: (a - z * b) ** 3, upper: (a + z * b) ** 3 };
}

// ---------------------------------------------------------------------------------------------------------------

describe('dropout masks', () => {
  test('the kept fraction of a sampled mask is 1 − rate (binomial, 5σ)', () => {
    const n = 100_000;
    for (const [rate, seed] of [[0.1, 11], [0.5, 12], [0.8, 13]] as const) {
      const out = values(() => applyDropout(tf.ones([n]), rate, 'standard', fixedSeed(seed)));
      let kept = 0;
      for (const v of out) {
        // Standard style on ones: each element is the mask itself, exactly 0 or 1.
        assert.ok(v === 0 || v === 1, `rate ${rate}: output ${v} is neither 0 nor 1`);
        kept += v;
      }
      // kept ~ Binomial(n, keep): sd of kept/n is √(rate·keep/n) (≤ 0.0016 here). n·rate·keep ≥ 9000, so the normal
      // approximation is accurate and a correct mask is outside 5σ with probability ≈ 5.7e-7 per rate. The rates
      // 0.1 and 0.8 are asymmetric, so swapping rate and keep (|0.9 − 0.1| = 0.8) misses by hundreds of σ.
      const keep = 1 - rate;
      const tolerance = 5 * Math.sqrt((rate * keep) / n);
      assert.ok(Math.abs(kept / n - keep) <= tolerance,
        `rate ${rate}: kept fraction ${kept / n}, expected ${keep} ± ${tolerance}`);
    }
  });

  test('inverted dropout keeps the expected activation; kept values are x/keep, dropped values 0', () => {
    const n = 100_000;
    const x = uniformArray(n, 21, 0.5, 1.5); // positive, so "output ≠ 0" ⇔ "kept"
    let sumX = 0;
    let sumX2 = 0;
    for (const v of x) { sumX += v; sumX2 += v * v; }
    for (const [rate, seed] of [[0.2, 22], [0.5, 23], [0.8, 24]] as const) {
      const keep = 1 - rate;
      const out = values(() => applyDropout(tf.tensor1d(x), rate, 'inverted', fixedSeed(seed)));
      // The engine multiplies by the float32 scalar 1/keep, and a float32 product is correctly rounded, so a kept
      // element is exactly fround(x·fround(1/keep)): x/keep up to the last bit of float32.
      const scale = Math.fround(1 / keep);
      let sumOut = 0;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const v = out[i];
        if (v === 0) continue;
        kept++;
        assert.equal(v, Math.fround(x[i] * scale), `rate ${rate}, element ${i}`);
        assert.ok(Math.abs(v - x[i] / keep) <= 2 ** -23 * Math.abs(x[i] / keep), 'x/keep within float32 rounding');
        sumOut += v;
      }
      assert.ok(kept > 0 && kept < n);
      // mean(out) − mean(x) = (1/n)·Σ x_i·(m_i/keep − 1): zero mean, variance (1/n²)·Σ x_i²·(1 − keep)/keep.
      // Tolerance 5σ (Lindeberg CLT over 100,000 bounded terms): a correct implementation fails w.p. ≈ 5.7e-7.
      // The float32 rounding of the outputs (≤ 2^-24 relative each) is ~1e-7 on the mean, far below σ ≥ 1.6e-3.
      const sigma = Math.sqrt((sumX2 * (rate / keep)) / (n * n));
      const difference = sumOut / n - sumX / n;
      assert.ok(Math.abs(difference) <= 5 * sigma,
        `rate ${rate}: mean(out) − mean(x) = ${difference}, allowed ±${5 * sigma}`);
    }
  });

  test('same seed ⇒ same mask, different seed ⇒ a different (independent) mask', () => {
    const n = 10_000;
    const rate = 0.5;
    const mask = (seed: number) => values(() => applyDropout(tf.ones([n]), rate, 'standard', fixedSeed(seed)));
    const a = mask(101);
    const b = mask(101);
    const c = mask(102);
    assert.deepEqual(a, b);
    let disagreements = 0;
    for (let i = 0; i < n; i++) if (a[i] !== c[i]) disagreements++;
    // Two independent masks disagree on each element w.p. q = 2·rate·keep = 0.5: Binomial(n, q), 5σ = 0.025.
    const q = 2 * rate * (1 - rate);
    assert.ok(Math.abs(disagreements / n - q) <= 5 * Math.sqrt((q * (1 - q)) / n),
      `disagreement fraction ${disagreements / n}`);
  });

  test('nesting: with one seed stream, the units dropped at rate 0.3 are a subset of those dropped at 0.6', () => {
    // m = [u ≥ rate] with the same u for both rates (same seed stream): u < 0.3 ⇒ u < 0.6.
    const low = seedStream(7);
    const high = seedStream(7);
    let droppedLow = 0;
    let droppedHigh = 0;
    for (let draw = 0; draw < 5; draw++) {
      const a = values(() => applyDropout(tf.ones([50, 40]), 0.3, 'standard', low));
      const b = values(() => applyDropout(tf.ones([50, 40]), 0.6, 'standard', high));
      for (let i = 0; i < a.length; i++) {
        if (a[i] === 0) {
          droppedLow++;
          assert.equal(b[i], 0, `draw ${draw}, unit ${i}: dropped at 0.3 but kept at 0.6`);
        }
        if (b[i] === 0) droppedHigh++;
      }
    }
    // Not vacuous: both rates drop units, and 0.6 drops strictly more (≈ 6000 vs ≈ 3000 of 10,000).
    assert.ok(droppedLow > 0 && droppedHigh > droppedLow, `dropped ${droppedLow} at 0.3, ${droppedHigh} at 0.6`);
  });
});

describe('deterministic inference rules', () => {
  const shape = [7, 5];
  const x = normalArray(35, 31); // signs mixed

  test('inverted is the identity; standard multiplies by keep exactly', () => {
    for (const rate of [0.25, 0.5, 0.9]) {
      const keep = 1 - rate;
      const inverted = values(() => applyDropout(tf.tensor(x, shape), rate, 'inverted', { kind: 'deterministic' }));
      assert.deepEqual(inverted, x, `inverted, rate ${rate}`);
      const standard = values(() => applyDropout(tf.tensor(x, shape), rate, 'standard', { kind: 'deterministic' }));
      // A float32 product is correctly rounded: exactly fround(x·fround(keep)), also for keep = 0.1 (not a float32).
      assert.deepEqual(standard, x.map((v) => Math.fround(v * Math.fround(keep))), `standard, rate ${rate}`);
    }
  });

  test('rate 0 returns the input unchanged in every style and mode', () => {
    const modes: DropoutMode[] = [{ kind: 'deterministic' }, fixedSeed(5), seedStream(5)];
    for (const style of ['inverted', 'standard'] as const) {
      for (const mode of modes) {
        const input = tf.tensor(x, shape);
        const out = applyDropout(input, 0, style, mode);
        assert.deepEqual(out.dataSync(), x, `${style}, ${mode.kind}`);
        assert.deepEqual(out.shape, shape);
        tf.dispose([input, out]);
      }
    }
  });
});

describe('inference rules against the mean of stochastic passes (linear layer)', () => {
  test('standard dropout: W_test = p·W equals the mean of N masked passes', () => {
    const [n, d, k, rate, N] = [4, 16, 3, 0.4, 2000];
    const keep = 1 - rate;
    const xValues = normalArray(n * d, 42);
    const x = tf.tensor2d(xValues, [n, d]);
    try {
      withLinearModel(d, k, 'standard', rate, 41, (mlp) => {
        const kernel = mlp.layers[0].kernel.dataSync() as Float32Array;
        const bias = mlp.layers[0].bias.dataSync() as Float32Array;

        const mode = seedStream(43);
        const sum = new Float64Array(n * k);
        for (let pass = 0; pass < N; pass++) {
          const out = values(() => forward(mlp, x, mode));
          for (let i = 0; i < out.length; i++) sum[i] += out[i];
        }
        const deterministic = values(() => forward(mlp, x, { kind: 'deterministic' }));
        // The wrong rule W_test = W (no scaling), computed on the host, to show that the check has power.
        const unscaled = new Float64Array(n * k);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < k; c++) {
            let s = bias[c];
            for (let j = 0; j < d; j++) s += xValues[i * d + j] * kernel[j * k + c];
            unscaled[i * k + c] = s;
          }
        }
        // E[(x∘m)·W + b] = p·x·W + b. One pass has sd σ_ik = √(p(1−p)·Σ_j x_ij²·W_jk²); the mean of N independent
        // passes has sd σ_ik/√N. 12 outputs are checked, so each at 6σ: the union bound gives 12 × 2e-9 < 1e-7 (CLT
        // over N = 2000 bounded passes). 1e-5 absorbs float32 rounding of the outputs (|output| < 10, rel. 6e-8).
        // Forgetting p at test time (W_test = W) is off by (1−p)·x·W, typically ~10× the tolerance.
        const sigma = passStd(xValues, kernel, n, d, k, keep * (1 - keep));
        let rejectedWrongRule = 0;
        for (let i = 0; i < n * k; i++) {
          const mean = sum[i] / N;
          const tolerance = (6 * sigma[i]) / Math.sqrt(N) + 1e-5;
          assert.ok(Math.abs(mean - deterministic[i]) <= tolerance,
            `output ${i}: mean of ${N} passes ${mean}, deterministic ${deterministic[i]}, allowed ±${tolerance}`);
          if (Math.abs(mean - unscaled[i]) > tolerance) rejectedWrongRule++;
        }
        assert.ok(rejectedWrongRule >= (n * k) / 2,
          `W_test = W rejected on only ${rejectedWrongRule} of ${n * k} outputs`);
      });
    } finally {
      x.dispose();
    }
  });

  test('MC dropout (inverted, input dropout) converges to the deterministic prediction like 1/√T', () => {
    const [n, d, rate] = [200, 20, 0.5];
    const keep = 1 - rate;
    const xValues = normalArray(n * d, 52);
    const x = tf.tensor2d(xValues, [n, d]);
    try {
      withLinearModel(d, 1, 'inverted', rate, 51, (mlp) => {
        const kernel = mlp.layers[0].kernel.dataSync() as Float32Array;
        const deterministic = values(() => forward(mlp, x, { kind: 'deterministic' }));
        // Inverted: one pass has sd σ_i = √((1−keep)/keep · Σ_j x_ij²·W_j²); the MC mean of T passes has sd σ_i/√T.
        const sigma = passStd(xValues, kernel, n, d, 1, (1 - keep) / keep);

        const mode = seedStream(53);
        const sum = new Float64Array(n);
        const errors: Record<number, { rms: number; normalizedMeanSquare: number; maxZ: number }> = {};
        for (let t = 1; t <= 1000; t++) {
          const out = values(() => forward(mlp, x, mode));
          for (let i = 0; i < n; i++) sum[i] += out[i];
          if (t === 10 || t === 100 || t === 1000) {
            let squares = 0;
            let normalized = 0;
            let maxZ = 0;
            for (let i = 0; i < n; i++) {
              const error = sum[i] / t - deterministic[i];
              const z = (error * Math.sqrt(t)) / sigma[i];
              squares += error ** 2;
              normalized += z ** 2;
              maxZ = Math.max(maxZ, Math.abs(z));
            }
            errors[t] = { rms: Math.sqrt(squares / n), normalizedMeanSquare: normalized / n, maxZ };
          }
        }
        // z_i = (MC_i − det_i)·√T/σ_i has mean 0 and variance exactly 1 for every T, and the rows have independent
        // masks, so mean_i z_i² ≈ χ²_200/200. Its 5σ Wilson–Hilferty bounds are [0.58, 1.58]. (With keep = 0.5 each
        // pass is a weighted sum of symmetric ±1 variables, lighter-tailed than a normal, so the χ² bounds are
        // conservative even at T = 10.) This pins the error of every T to σ/√T within a factor ≈ 1.3: the error
        // falls like 1/√T, and the RMS error at T = 1000 is about 10× smaller than at T = 10.
        const { lower, upper } = chiSquareMeanBounds(n);
        for (const t of [10, 100, 1000]) {
          const { normalizedMeanSquare } = errors[t];
          assert.ok(normalizedMeanSquare >= lower && normalizedMeanSquare <= upper,
            `T = ${t}: mean squared normalized error ${normalizedMeanSquare}, expected within [${lower}, ${upper}]`);
        }
        // Every single prediction at T = 1000 within 6σ/√1000 of its deterministic value (200 checks: union bound
        // 200 × 2e-9 = 4e-7).
        assert.ok(errors[1000].maxZ <= 6, `largest normalized error at T = 1000: ${errors[1000].maxZ}`);
        assert.ok(errors[1000].rms < errors[100].rms && errors[100].rms < errors[10].rms);
        // Implied by the bounds above: the ratio of RMS errors is √100 = 10 within the factor √(upper/lower) each way.
        const ratio = errors[10].rms / errors[1000].rms;
        const slack = Math.sqrt(upper / lower);
        assert.ok(ratio >= 10 / slack && ratio <= 10 * slack, `RMS error ratio T=10 / T=1000 is ${ratio}`);
      });
    } finally {
      x.dispose();
    }
  });

  test('monteCarloScores scores the mean prediction (regression: squared error of the mean pass)', () => {
    const [n, T] = [50, 20];
    const y = normalArray(n, 61);
    const passValues = Array.from({ length: T }, (_, t) => normalArray(n, 100 + t).map((v, i) => y[i] + 0.5 + v));
    const targets = makeTargets('regression', y, 1);
    const [mc, meanOfLosses, variance] = tf.tidy(() => {
      const passes = passValues.map((p) => tf.tensor2d(p, [n, 1]));
      const mcLoss = monteCarloScores(passes, targets);
      assert.equal(mcLoss.correct, undefined, 'no accuracy for regression');
      const perPass = tf.mean(tf.stack(passes.map((p) => lossSum(p, targets))));
      return [mcLoss.lossSum.dataSync()[0], perPass.dataSync()[0], mcLoss.uncertaintySum.dataSync()[0]];
    });
    let expected = 0;
    let averagedLoss = 0;
    let expectedVariance = 0;
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let t = 0; t < T; t++) {
        mean += passValues[t][i] / T;
        averagedLoss += (passValues[t][i] - y[i]) ** 2 / T;
      }
      expected += (mean - y[i]) ** 2;
      for (let t = 0; t < T; t++) expectedVariance += (passValues[t][i] - mean) ** 2 / T;
    }
    // The uncertainty of a regression ensemble: Σ_i Var_t(pass_i), the variance over passes divided by T.
    assert.ok(Math.abs(variance - expectedVariance) <= 1e-4 * expectedVariance, `Σ variance ${variance}, expected ${expectedVariance}`);
    // Identity behind the power check below: mean of the losses − loss of the mean = Σ_i Var_t(pass_i).
    assert.ok(Math.abs(averagedLoss - expected - expectedVariance) <= 1e-9 * averagedLoss);
    // float32: a mean of 20 values and a sum of 50 squares, each within a few ulps: 1e-5 relative is generous.
    assert.ok(Math.abs(mc - expected) <= 1e-5 * expected, `MC loss ${mc}, expected ${expected}`);
    // Power: the mean of the per-pass losses is larger by Σ_i Var_t(pass_i) (≈ 50 here), so it would be rejected.
    assert.ok(Math.abs(meanOfLosses - averagedLoss) <= 1e-5 * averagedLoss);
    assert.ok(averagedLoss - expected > 10, `mean of losses ${averagedLoss} vs loss of mean ${expected}`);
    disposeTargets(targets);
  });

  test('monteCarloScores scores the mean prediction (classification: mean of the softmax probabilities)', () => {
    const [n, classes, T] = [30, 3, 8];
    const labels = Float32Array.from({ length: n }, (_, i) => i % classes);
    const logits = Array.from({ length: T }, (_, t) => normalArray(n * classes, 200 + t).map((v) => 2 * v));
    const targets = makeTargets('classification', labels, classes);
    const [loss, correct, entropy] = tf.tidy(() => {
      const scores = monteCarloScores(logits.map((l) => tf.tensor2d(l, [n, classes])), targets);
      return [scores.lossSum.dataSync()[0], scores.correct!.dataSync()[0], scores.uncertaintySum.dataSync()[0]];
    });
    let expectedLoss = 0;
    let expectedCorrect = 0;
    let expectedEntropy = 0;
    for (let i = 0; i < n; i++) {
      const mean = new Float64Array(classes);
      for (let t = 0; t < T; t++) {
        const row = logits[t].subarray(i * classes, (i + 1) * classes);
        const max = Math.max(...row);
        const z = row.reduce((s, v) => s + Math.exp(v - max), 0);
        row.forEach((v, c) => (mean[c] += Math.exp(v - max) / z / T));
      }
      expectedLoss -= Math.log(mean[labels[i]]);
      if (mean.indexOf(Math.max(...mean)) === labels[i]) expectedCorrect++;
      expectedEntropy -= mean.reduce((sum, p) => sum + p * Math.log(p), 0);
    }
    assert.ok(Math.abs(loss - expectedLoss) <= 1e-4 * expectedLoss, `MC loss ${loss}, expected ${expectedLoss}`);
    assert.equal(correct, expectedCorrect);
    // The predictive entropy H[p̄] of the averaged softmax, summed over rows (nats).
    assert.ok(Math.abs(entropy - expectedEntropy) <= 1e-4 * expectedEntropy, `Σ H[p̄] ${entropy}, expected ${expectedEntropy}`);
    disposeTargets(targets);
  });

  test('MC predictive entropy: uniform logits give log K; identical passes give the entropy of the one prediction', () => {
    const labels = Float32Array.from([0, 1, 2, 3]);
    const targets = makeTargets('classification', labels, 4);
    try {
      // Any logits with equal entries are the uniform distribution over K = 4 classes: H = log 4 per row.
      const uniform = tf.tidy(() => monteCarloScores([tf.zeros([4, 4]), tf.fill([4, 4], 3)] as tf.Tensor2D[], targets).uncertaintySum.dataSync()[0]);
      assert.ok(Math.abs(uniform / 4 - Math.log(4)) < 1e-6, `mean H = ${uniform / 4}, log 4 = ${Math.log(4)}`);
      // Rows of logits [a, 0, 0, 0]: p = (e^a, 1, 1, 1)/(e^a + 3), H = log(e^a + 3) − a·e^a/(e^a + 3).
      const a = [0, 1, 2, 5];
      const logits = Float32Array.from(a.flatMap((value) => [value, 0, 0, 0]));
      const expected = a.reduce((sum, value) => sum + Math.log(Math.exp(value) + 3) - value * Math.exp(value) / (Math.exp(value) + 3), 0);
      const [mc, single] = tf.tidy(() => {
        const passes = Array.from({ length: 5 }, () => tf.tensor2d(logits, [4, 4]));
        return [monteCarloScores(passes, targets).uncertaintySum.dataSync()[0], entropySum(tf.logSoftmax(passes[0]) as tf.Tensor2D).dataSync()[0]];
      });
      assert.ok(Math.abs(mc - expected) < 1e-5, `Σ H of 5 identical passes ${mc}, expected ${expected}`);
      assert.ok(Math.abs(single - expected) < 1e-5, `Σ H of the single prediction ${single}, expected ${expected}`);
    } finally {
      disposeTargets(targets);
    }
    const regression = makeTargets('regression', Float32Array.from([0, 0]), 1);
    try {
      // Two passes (1, 3) and (5, 5): variances 1 and 0.
      const variance = tf.tidy(() => monteCarloScores([tf.tensor2d([1, 5], [2, 1]), tf.tensor2d([3, 5], [2, 1])], regression).uncertaintySum.dataSync()[0]);
      assert.equal(variance, 1);
    } finally {
      disposeTargets(regression);
    }
  });

  test('MC predictive entropy of a network: at rate 0 it is the deterministic prediction\'s; at rate 0.5 it is at least the passes\' mean entropy', () => {
    const [n, features, classes, T] = [40, 5, 3, 16];
    const x = tf.tensor2d(normalArray(n * features, 71), [n, features]);
    const targets = makeTargets('classification', Float32Array.from({ length: n }, (_, i) => i % classes), classes);
    try {
      for (const style of ['inverted', 'standard'] as const) {
        for (const rate of [0, 0.5]) {
          const mlp = createMlp(
            { featureCount: features, hidden: [16, 16], outputUnits: classes, activation: 'relu', style, inputRate: 0, hiddenRate: rate }, 5);
          try {
            const [mc, deterministic, meanOfPasses] = tf.tidy(() => {
              const mode = seedStream(9);
              const passes = Array.from({ length: T }, () => forward(mlp, x, mode));
              const perPass = passes.map((pass) => entropySum(tf.logSoftmax(pass) as tf.Tensor2D).dataSync()[0]);
              return [
                monteCarloScores(passes, targets).uncertaintySum.dataSync()[0],
                entropySum(tf.logSoftmax(forward(mlp, x, { kind: 'deterministic' })) as tf.Tensor2D).dataSync()[0],
                perPass.reduce((sum, value) => sum + value, 0) / T,
              ];
            });
            if (rate === 0) {
              // Nothing is dropped: every pass is the deterministic network (inverted: identity; standard: p = 1).
              assert.ok(Math.abs(mc - deterministic) <= 1e-5 * deterministic, `${style}: MC ${mc} vs deterministic ${deterministic}`);
            } else {
              // Entropy is concave: H[mean of p_t] ≥ mean of H[p_t], with equality only when every pass agrees.
              assert.ok(mc > meanOfPasses, `${style}: H[p̄] ${mc} vs mean H[p_t] ${meanOfPasses}`);
            }
            assert.ok(mc > 0 && mc / n <= Math.log(classes) + 1e-6, `${style} rate ${rate}: mean H ${mc / n} outside (0, log ${classes}]`);
          } finally {
            disposeMlp(mlp);
          }
        }
      }
    } finally {
      x.dispose();
      disposeTargets(targets);
    }
  });
});
