// The BLAS matrix-product kernels (src/engine/blasKernels.ts, native/blas/gemm.c) against TF.js's own: products,
// fused epilogues, gradients, tensor counts, the addon's bounds checks, and the fallback when the addon is missing.
// Without the addon (no BLAS headers at install) the kernel tests skip, saying so; `.ci/run` builds it and sets
// DROPOUT_LAB_REQUIRE_BLAS=1, which turns a missing addon into a failure.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { blasAddonPathEnv, blasKernelsActive, loadBlasAddon, registerBlasKernels, restoreStockKernels, type BlasAddon } from '../../src/engine/blasKernels';
import { FusedAdamOptimizer } from '../../src/engine/train/fusedAdam';
import { tempDir } from '../support/specs';

const loaded = loadBlasAddon();
const addon: BlasAddon | undefined = 'addon' in loaded ? loaded.addon : undefined;
const skip = addon ? false : `the BLAS addon is not built: ${'reason' in loaded ? loaded.reason : ''}`;

test('the addon is built where .ci/run requires it', { skip: process.env.DROPOUT_LAB_REQUIRE_BLAS !== '1' && 'DROPOUT_LAB_REQUIRE_BLAS is not set' }, () => {
  assert.ok(addon, 'reason' in loaded ? loaded.reason : 'no addon');
});

/**
 * Two float32 evaluations of the same dot product of length K, each summed in its own order, each lie within
 * γ_K·Σ|a_i·b_i| of the exact value (γ_K = K·u/(1 − K·u), u = 2⁻²⁴: the standard bound for recursive summation;
 * blocked or pairwise summation, as BLAS and XNNPACK use, only lowers it). So they differ by at most
 * 2·γ_K·(|A|·|B|) element by element; the epilogue (bias, activation) is 1-Lipschitz here (relu, relu6, sigmoid,
 * elu, leaky relu with α ≤ 1) and adds one rounding of the bias sum: + 2u·(|A|·|B| + |bias|).
 */
function assertClose(actual: tf.Tensor, expected: tf.Tensor, absProduct: tf.Tensor, k: number, label: string): void {
  const u = 2 ** -24;
  const gamma = (k * u) / (1 - k * u);
  const [diff, bound] = tf.tidy(() => [tf.abs(tf.sub(actual, expected)), tf.add(tf.mul(absProduct, 2 * gamma + 2 * u), 1e-30)]);
  const ratio = tf.tidy(() => tf.max(tf.div(diff, bound)).dataSync()[0]);
  tf.dispose([diff, bound]);
  assert.ok(ratio <= 1, `${label}: the largest difference is ${ratio.toFixed(3)}× the rounding bound`);
}

describe('BLAS matrix-product kernels on the wasm backend', { skip }, () => {
  before(async () => {
    assert.equal((await initBackend('wasm')).name, 'wasm');
  });
  after(() => restoreStockKernels());

  const a = () => tf.randomNormal([3, 37, 53], 0, 1, 'float32', 1) as tf.Tensor3D;
  const b = () => tf.randomNormal([3, 53, 29], 0, 1, 'float32', 2) as tf.Tensor3D;
  /** Each case: the product under the kernels in force, and what it multiplies (for the bound). */
  const cases: { label: string; k: number; run: () => tf.Tensor; abs: () => tf.Tensor }[] = [
    { label: 'plain 2-D', k: 53, run: () => tf.matMul(a().reshape([111, 53]), b().slice([0, 0, 0], [1, 53, 29]).reshape([53, 29])),
      abs: () => tf.matMul(tf.abs(a().reshape([111, 53])), tf.abs(b().slice([0, 0, 0], [1, 53, 29]).reshape([53, 29]))) },
    { label: 'batched', k: 53, run: () => tf.matMul(a(), b()), abs: () => tf.matMul(tf.abs(a()), tf.abs(b())) },
    { label: 'transposeA', k: 37, run: () => tf.matMul(a(), a(), true, false), abs: () => tf.matMul(tf.abs(a()), tf.abs(a()), true, false) },
    { label: 'transposeB', k: 53, run: () => tf.matMul(a(), a(), false, true), abs: () => tf.matMul(tf.abs(a()), tf.abs(a()), false, true) },
    { label: 'both transposed', k: 37, run: () => tf.matMul(b(), a(), true, true), abs: () => tf.matMul(tf.abs(b()), tf.abs(a()), true, true) },
    { label: 'broadcast batch (1 × 3)', k: 53, run: () => tf.matMul(a().slice([1, 0, 0], [1, 37, 53]), b()),
      abs: () => tf.matMul(tf.abs(a().slice([1, 0, 0], [1, 37, 53])), tf.abs(b())) },
  ];
  const bias = () => tf.randomNormal([29], 0, 1, 'float32', 3) as tf.Tensor1D;
  const x = () => a().reshape([111, 53]) as tf.Tensor2D;
  const w = () => b().slice([0, 0, 0], [1, 53, 29]).reshape([53, 29]) as tf.Tensor2D;
  for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'] as const) {
    cases.push({ label: `fused ${activation} with bias`, k: 53,
      run: () => tf.fused.matMul({ a: x(), b: w(), bias: bias(), activation, leakyreluAlpha: 0.2 }),
      abs: () => tf.add(tf.matMul(tf.abs(x()), tf.abs(w())), tf.abs(bias())) });
  }

  test('every product agrees with the stock kernel within float32 rounding', () => {
    const stock = cases.map((c) => tf.tidy(c.run));
    const abs = cases.map((c) => tf.tidy(c.abs));
    registerBlasKernels(addon!);
    assert.equal(blasKernelsActive(), true);
    cases.forEach((c, i) => {
      const ours = tf.tidy(c.run);
      assert.deepEqual(ours.shape, stock[i].shape, c.label);
      assertClose(ours, stock[i], abs[i], c.k, c.label);
      ours.dispose();
    });
    restoreStockKernels();
    tf.dispose([...stock, ...abs]);
  });

  // Found while writing these tests: tfjs-backend-wasm 4.22's _FusedMatMul with transposeB returns a wrong product
  // (7.4 off on this case); the BLAS kernel equals matMul-then-add, which the unfused stock kernels compute right.
  test('a fused product with transposeB equals the unfused product (the stock fused kernel does not)', () => {
    const wT = () => tf.transpose(w());
    const reference = tf.tidy(() => tf.add(tf.matMul(x(), wT(), false, true), bias()));
    const abs = tf.tidy(() => tf.add(tf.matMul(tf.abs(x()), tf.abs(w())), tf.abs(bias())));
    registerBlasKernels(addon!);
    const ours = tf.tidy(() => tf.fused.matMul({ a: x(), b: wT(), transposeB: true, bias: bias() }));
    assertClose(ours, reference, abs, 53, 'fused transposeB');
    restoreStockKernels();
    tf.dispose([reference, abs, ours]);
  });

  test('gradients through the kernels equal the stock gradients, and central differences', () => {
    // f(A, B) = Σ sin(relu(A·B + bias)): the gradient runs BatchMatMul with transposeA and transposeB.
    const f = (av: tf.Tensor, bv: tf.Tensor) =>
      tf.sum(tf.sin(tf.fused.matMul({ a: av as tf.Tensor2D, b: bv as tf.Tensor2D, bias: bias(), activation: 'relu' })));
    const grads = () => tf.tidy(() => tf.grads(f)([x(), w()]));
    const stock = grads();
    registerBlasKernels(addon!);
    const ours = grads();
    ours.forEach((g, i) => {
      const scale = tf.tidy(() => tf.max(tf.abs(stock[i])).dataSync()[0]);
      const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(g, stock[i]))).dataSync()[0]);
      // Each gradient entry is a dot product of length ≤ 111 of terms bounded by the forward values' bound: the same
      // 2γ_K rounding bound, taken loosely over the largest entry (K = 111: 1.3e-5 relative); 1e-4 leaves 7× room.
      assert.ok(worst <= 1e-4 * scale, `gradient ${i}: ${worst} against a scale of ${scale}`);
    });
    // A central difference on one weight: (f(w + h) − f(w − h)) / 2h, h = 1e-2 in float32: truncation error
    // ~h²·f''' (< 1e-3 here) and rounding ~u·|f|/h (|f| < 1e3: 6e-3); tolerance 2e-2 + 1e-2 relative.
    const h = 1e-2;
    const shifted = (delta: number) => tf.tidy(() => {
      const bumped = tf.add(w(), tf.mul(tf.oneHot([0], 53 * 29).reshape([53, 29]), delta)) as tf.Tensor2D;
      return f(x(), bumped).dataSync()[0];
    });
    const numeric = (shifted(h) - shifted(-h)) / (2 * h);
    const analytic = ours[1].dataSync()[0];
    assert.ok(Math.abs(numeric - analytic) <= 2e-2 + 1e-2 * Math.abs(analytic), `dF/dW[0,0]: ${analytic} analytic, ${numeric} numeric`);
    restoreStockKernels();
    tf.dispose([...stock, ...ours]);
  });

  test('a product leaves no tensor behind', () => {
    registerBlasKernels(addon!);
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const before = [tf.memory().numTensors, dataIds()];
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        tf.sum(tf.fused.matMul({ a: x(), b: w(), bias: bias(), activation: 'relu' }));
      });
    }
    assert.deepEqual([tf.memory().numTensors, dataIds()], before);
    restoreStockKernels();
  });

  test('Adam in one kernel per variable: the stock update to the last bit, in a fraction of the kernels', async () => {
    // Three variables, five steps, the same gradients for both optimizers (seeded; tfjs treats a seed of 0 as none).
    const shapes = [[53, 29], [29], [7, 3]];
    const run = async (optimizer: tf.Optimizer) => {
      const tag = optimizer === stockAdam ? 'stock' : 'fused';
      const variables = shapes.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `adam-${i}-${tag}`));
      let kernels = 0;
      for (let step = 0; step < 5; step++) {
        const grads = variables.map((variable, i) => ({
          name: variable.name, tensor: tf.randomNormal(variable.shape, 0, 1, 'float32', 1000 + 100 * step + i),
        }));
        const profile = await tf.profile(() => optimizer.applyGradients(grads));
        kernels = profile.kernels.length;
        tf.dispose(grads.map((g) => g.tensor));
      }
      const values = variables.map((variable) => Array.from(variable.dataSync()));
      const slots = (await optimizer.getWeights()).map((slot) => Array.from(slot.tensor.dataSync()));
      tf.dispose(variables);
      return { values, slots, kernels };
    };
    registerBlasKernels(addon!);
    const stockAdam = tf.train.adam(0.01);
    const stock = await run(stockAdam);
    const fused = await run(new FusedAdamOptimizer(0.01));
    // The same float32 operations in the same order (gemm.c's adam, built without fused multiply-adds): equal bits.
    assert.deepEqual(fused.values, stock.values);
    assert.deepEqual(fused.slots.slice(1), stock.slots.slice(1), 'the m and v slots');
    assert.deepEqual(fused.slots[0], stock.slots[0], 'the iteration count');
    // tfjs: ~12 kernels a variable and 2 for the bias corrections' scalars; here 1 a variable and the 2.
    assert.ok(stock.kernels >= 12 * shapes.length, `stock Adam ran ${stock.kernels} kernels a step`);
    assert.ok(fused.kernels <= shapes.length + 4, `fused Adam ran ${fused.kernels} kernels a step`);
    restoreStockKernels();
  });

  test('the addon refuses operands outside the heap, naming the problem', () => {
    const heap = new ArrayBuffer(64 * 4);
    assert.throws(() => addon!.gemm(heap, 1, 8, 8, 8, 0, 0, 0, 0, 0, 0, 200, -1, 0, 0), /an operand lies outside the heap/);
    assert.throws(() => addon!.gemm(heap, 1, 0, 8, 8, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0), /bad dimensions/);
    assert.throws(() => addon!.gemm(heap, 1, 2, 2, 2, 0, 0, 0, 0, 4, 0, 8, -1, 3, 0), /unsupported activation/);
    // 2×2 by hand: [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], plus the bias [1 −100] and relu.
    const floats = new Float32Array(heap);
    floats.set([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 1, -100]);
    addon!.gemm(heap, 1, 2, 2, 2, 0, 0, 0, 0, 4, 0, 8, 12, 1, 0);
    assert.deepEqual([...floats.slice(8, 12)], [20, 0, 44, 0]);
  });
});

describe('the fallback when the addon is missing or broken', () => {
  const saved = process.env[blasAddonPathEnv];
  after(() => {
    if (saved === undefined) delete process.env[blasAddonPathEnv];
    else process.env[blasAddonPathEnv] = saved;
  });

  test('auto falls back to stock wasm and says why; wasm+blas asked for is an error naming the reason', async () => {
    process.env[blasAddonPathEnv] = path.join(tempDir('blas-missing-'), 'dropout_blas.node');
    const info = await initBackend('auto');
    assert.equal(info.name, 'wasm');
    assert.equal(blasKernelsActive(), false);
    assert.ok(info.fallbacks.some((reason) => /^wasm\+blas: the BLAS addon is not built \(looked for .*dropout_blas\.node/.test(reason)), info.fallbacks.join('; '));
    await assert.rejects(initBackend('wasm+blas'), /no TF\.js backend could start \(wasm\+blas: the BLAS addon is not built/);
  });

  test('a file that is not a loadable addon is reported as such', async () => {
    const broken = path.join(tempDir('blas-broken-'), 'dropout_blas.node');
    fs.writeFileSync(broken, 'not a shared object');
    process.env[blasAddonPathEnv] = broken;
    const info = await initBackend('auto');
    assert.equal(info.name, 'wasm');
    assert.ok(info.fallbacks.some((reason) => reason.startsWith(`wasm+blas: ${broken} did not load: `)), info.fallbacks.join('; '));
  });

  test('with the addon, wasm+blas reports itself and its kernels are in force', { skip }, async () => {
    if (saved === undefined) delete process.env[blasAddonPathEnv];
    else process.env[blasAddonPathEnv] = saved;
    const info = await initBackend('wasm+blas');
    assert.equal(info.name, 'wasm+blas');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(blasKernelsActive(), true);
    assert.equal((await initBackend('wasm')).name, 'wasm');
    assert.equal(blasKernelsActive(), false, 'asking for wasm afterwards puts the stock kernels back');
  });
});
