/**
 * The custom-gradient dense layer (src/engine/model/dense.ts) against TF.js's own autodiff of the same forward
 * product: the gradients must agree to float32 rounding, for every layer position and fused activation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { dense, useDenseGradient, type FusedActivation } from '../../src/engine/model/dense';
import { createRng } from '../../src/engine/random';
import { testBackend } from '../support/backend';

before(async () => {
  const info = await initBackend(testBackend);
  assert.equal(info.name, testBackend);
});

after(() => useDenseGradient('auto'));

function normal(shape: [number, number] | [number], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
}

/**
 * Gradients of L = Σ y ∘ R (R a fixed random tensor, so every output's gradient differs) with respect to x, W and b,
 * for one gradient implementation. x is differentiated only when the layer computes its input gradient.
 */
function gradients(gradient: 'custom' | 'autodiff', x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, weights: tf.Tensor,
  activation: FusedActivation, inputNeedsGradient: boolean): Float32Array[] {
  useDenseGradient(gradient);
  return tf.tidy(() => {
    const loss = (...inputs: tf.Tensor[]) => {
      const [layerX, layerKernel, layerBias] = inputNeedsGradient ? inputs : [x, ...inputs];
      return tf.sum(tf.mul(dense(layerX as tf.Tensor2D, layerKernel as tf.Tensor2D, layerBias as tf.Tensor1D, activation, inputNeedsGradient), weights));
    };
    const inputs = inputNeedsGradient ? [x, kernel, bias] : [kernel, bias];
    const { value, grads } = tf.valueAndGrads(loss)(inputs);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('custom-gradient dense layer', () => {
  for (const activation of ['relu', 'linear'] as const) {
    for (const inputNeedsGradient of [true, false]) {
      test(`${activation}, ${inputNeedsGradient ? 'hidden layer (dX, dW, db)' : 'first layer (dW, db)'}: equals autodiff`, () => {
        const [n, d, k] = [17, 23, 11];
        const x = normal([n, d], 1) as tf.Tensor2D;
        const kernel = normal([d, k], 2) as tf.Tensor2D;
        const bias = normal([k], 3) as tf.Tensor1D;
        const weights = normal([n, k], 4);
        try {
          const reference = gradients('autodiff', x, kernel, bias, weights, activation, inputNeedsGradient);
          const custom = gradients('custom', x, kernel, bias, weights, activation, inputNeedsGradient);
          assert.equal(custom.length, reference.length);
          const names = ['loss', ...(inputNeedsGradient ? ['dX'] : []), 'dW', 'db'];
          for (const [i, name] of names.entries()) {
            assert.equal(custom[i].length, reference[i].length, name);
            // Both sides are float32 sums of at most max(n, k) = 17 products of O(1) terms, in different orders:
            // each differs from the exact value by a few ulps of the magnitudes summed, far below 1e-4.
            for (let j = 0; j < custom[i].length; j++) {
              const tolerance = 1e-4 * Math.max(1, Math.abs(reference[i][j]));
              assert.ok(Math.abs(custom[i][j] - reference[i][j]) <= tolerance,
                `${name}[${j}]: custom ${custom[i][j]}, autodiff ${reference[i][j]}`);
            }
          }
          if (activation === 'relu') {
            // Not vacuous: relu zeroes some but not all pre-activations here.
            const y = tf.tidy(() => dense(x, kernel, bias, 'relu', true).dataSync());
            assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0));
          }
        } finally {
          tf.dispose([x, kernel, bias, weights]);
        }
      });
    }
  }

  test('no tensors are left behind by a forward and backward pass', () => {
    useDenseGradient('custom');
    const x = normal([5, 4], 5) as tf.Tensor2D;
    const kernel = tf.variable(normal([4, 3], 6) as tf.Tensor2D);
    const bias = tf.variable(normal([3], 7) as tf.Tensor1D);
    const before = tf.memory().numTensors;
    for (const inputNeedsGradient of [true, false]) {
      const { value, grads } = tf.variableGrads(() => tf.sum(dense(x, kernel, bias, 'relu', inputNeedsGradient)) as tf.Scalar, [kernel, bias]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, kernel, bias]);
  });
});
