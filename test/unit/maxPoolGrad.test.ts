// The max-pool gradient on wasm (src/engine/maxPoolGrad.ts) against a hand computation: dy goes to the first
// largest input of each window. tfjs-backend-wasm 4.22's own kernel fails this (checked below, so that the day a
// tfjs upgrade fixes it, this test says the replacement may go).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { replacedMaxPoolGrad } from '../../src/engine/maxPoolGrad';
import { testBackend } from '../support/backend';

interface PoolCase {
  label: string;
  shape: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
  relu?: boolean;
}

const cases: PoolCase[] = [
  { label: '1×4×4×3, 2×2 stride 2 valid', shape: [1, 4, 4, 3], pool: [2, 2], strides: [2, 2], pad: 'valid' },
  { label: '3×9×11×5, 2×2 stride 2 valid (rows and columns left over)', shape: [3, 9, 11, 5], pool: [2, 2], strides: [2, 2], pad: 'valid' },
  { label: '2×7×7×4, 3×3 stride 2 same (overlapping, padded)', shape: [2, 7, 7, 4], pool: [3, 3], strides: [2, 2], pad: 'same' },
  // After relu many windows are all zeros: the first of them gets the gradient.
  { label: '2×6×6×3 after relu, 2×2 stride 1 (ties)', shape: [2, 6, 6, 3], pool: [2, 2], strides: [1, 1], pad: 'valid', relu: true },
];

/** x, the pooled output's weights w, and d(Σ w·maxPool(x))/dx by TF.js. */
function gradientByTfjs(c: PoolCase): { x: Float32Array; w: Float32Array; outShape: number[]; dx: Float32Array } {
  return tf.tidy(() => {
    const raw = tf.randomNormal(c.shape, 0, 1, 'float32', 21) as tf.Tensor4D;
    const x = c.relu ? tf.relu(raw) : raw;
    const outShape = tf.maxPool(x, c.pool, c.strides, c.pad).shape;
    const w = tf.randomNormal(outShape, 0, 1, 'float32', 22);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, c.pool, c.strides, c.pad), w)))(x);
    return { x: x.dataSync() as Float32Array, w: w.dataSync() as Float32Array, outShape, dx: dx.dataSync() as Float32Array };
  });
}

/** The same gradient by hand, with TF's 'same' padding (the extra row or column at the bottom and right). */
function gradientByHand(c: PoolCase, x: Float32Array, w: Float32Array, outShape: number[]): Float32Array {
  const [batch, height, width, channels] = c.shape;
  const [, outHeight, outWidth] = outShape;
  const padTop = c.pad === 'same' ? Math.floor(Math.max(0, (outHeight - 1) * c.strides[0] + c.pool[0] - height) / 2) : 0;
  const padLeft = c.pad === 'same' ? Math.floor(Math.max(0, (outWidth - 1) * c.strides[1] + c.pool[1] - width) / 2) : 0;
  const dx = new Float32Array(x.length);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let ch = 0; ch < channels; ch++) {
          let best = -Infinity;
          let where = -1;
          for (let fh = 0; fh < c.pool[0]; fh++) {
            for (let fw = 0; fw < c.pool[1]; fw++) {
              const ih = oh * c.strides[0] - padTop + fh;
              const iw = ow * c.strides[1] - padLeft + fw;
              if (ih < 0 || ih >= height || iw < 0 || iw >= width) continue;
              const at = ((b * height + ih) * width + iw) * channels + ch;
              if (where < 0 || x[at] > best) [best, where] = [x[at], at];
            }
          }
          dx[where] += w[((b * outHeight + oh) * outWidth + ow) * channels + ch];
        }
      }
    }
  }
  return dx;
}

/** Largest difference; overlapping windows add several w into one dx, maybe in another order (a rounding each). */
const worst = (a: Float32Array, b: Float32Array) => a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i])), 0);

describe('the max-pool gradient on wasm', () => {
  before(async () => {
    await initBackend(testBackend);
  });

  for (const c of cases) {
    test(`${c.label}: equals the hand computation`, () => {
      const { x, w, outShape, dx } = gradientByTfjs(c);
      assert.ok(worst(dx, gradientByHand(c, x, w, outShape)) <= 1e-6, c.label);
    });
  }

  test('tfjs-backend-wasm 4.22\'s own kernel gets it wrong (why ours replaces it)', () => {
    const ours = tf.getKernel(tf.MaxPoolGrad, 'wasm')!;
    const stock = replacedMaxPoolGrad();
    assert.ok(stock, 'initBackend replaced the stock kernel');
    tf.unregisterKernel(tf.MaxPoolGrad, 'wasm');
    tf.registerKernel(stock);
    try {
      const c = cases[0];
      const { x, w, outShape, dx } = gradientByTfjs(c);
      assert.ok(worst(dx, gradientByHand(c, x, w, outShape)) > 0.1, 'the stock kernel now agrees: the replacement can go');
    } finally {
      tf.unregisterKernel(tf.MaxPoolGrad, 'wasm');
      tf.registerKernel(ours);
    }
  });
});
