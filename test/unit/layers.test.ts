/**
 * Layer-list networks (model.layers): forward shapes of every kind, conv2d against TF.js's own, finite-difference
 * gradient checks of the layers written here (conv2d by im2col, spatialDropout2d, gaussianDropout), the inference
 * rules of both styles for every dropout kind, batch normalisation's moving statistics, common random numbers.
 * On the wasm backend, where the engine trains.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { conv2d } from '../../src/engine/model/conv';
import { applyDropout, applyGaussianDropout, applySpatialDropout, maskStreams, type DropoutMode } from '../../src/engine/model/dropout';
import { inferShapes, type LayerListConfig, type ResolvedLayer } from '../../src/engine/model/layerShapes';
import { createNetwork, type Network } from '../../src/engine/model/network';
import { createRng } from '../../src/engine/random';
import type { DropoutStyle } from '../../src/core/spec';
import { testBackend } from '../support/backend';

before(async () => {
  assert.equal((await initBackend(testBackend)).name, testBackend);
});

const randomTensor = (shape: number[], seed: number): tf.Tensor => {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
};

const imageConfig = (layers: ResolvedLayer[], style: DropoutStyle = 'inverted', inputShape = [6, 6, 2]): LayerListConfig => ({
  kind: 'layers', inputShape, layers, outputUnits: 3, style,
});

const conv = (filters: number, size: number, padding: 'valid' | 'same', stride = 1): Extract<ResolvedLayer, { type: 'conv2d' }> => ({
  type: 'conv2d', filters, kernelSize: [size, size], strides: [stride, stride], padding, activation: 'relu', useBias: true,
});

describe('forward shapes', () => {
  // Each list ends where the appended output layer reads the flattened result: the output kernel is built from the
  // inferred shape, so a runtime shape that differed from the inference would fail the product.
  const cases: Array<[string, ResolvedLayer[], number[]]> = [
    ['conv2d valid', [conv(4, 3, 'valid'), { type: 'flatten' }], [4, 4, 4]],
    ['conv2d same, stride 2', [conv(5, 3, 'same', 2), { type: 'flatten' }], [3, 3, 5]],
    ['conv2d valid, stride 2, 2×3 kernel', [{ ...conv(2, 2, 'valid', 2), kernelSize: [2, 3] }, { type: 'flatten' }], [3, 2, 2]],
    ['maxPooling2d', [{ type: 'maxPooling2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, { type: 'flatten' }], [3, 3, 2]],
    ['averagePooling2d same', [{ type: 'averagePooling2d', poolSize: [4, 4], strides: [4, 4], padding: 'same' }, { type: 'flatten' }], [2, 2, 2]],
    ['globalAveragePooling2d', [{ type: 'globalAveragePooling2d' }], [2]],
    ['batchNormalization', [{ type: 'batchNormalization', momentum: 0.99, epsilon: 0.001 }, { type: 'flatten' }], [6, 6, 2]],
    ['activation', [{ type: 'activation', activation: 'tanh' }, { type: 'flatten' }], [6, 6, 2]],
    ['spatialDropout2d', [{ type: 'spatialDropout2d', rate: 0.5 }, { type: 'flatten' }], [6, 6, 2]],
    ['gaussianDropout', [{ type: 'flatten' }, { type: 'gaussianDropout', rate: 0.5 }], [72]],
    ['dropout, dense', [{ type: 'flatten' }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 7, activation: 'elu', useBias: false }], [7]],
  ];
  for (const [name, layers, expected] of cases) {
    test(name, () => {
      const shapes = inferShapes(layers, [6, 6, 2], 'test');
      assert.ok(Array.isArray(shapes));
      // The shape after the layer under test: the last one that is not a flatten.
      assert.deepEqual(shapes[[...layers.keys()].filter((index) => layers[index]!.type !== 'flatten').at(-1)!], expected);
      const network = createNetwork(imageConfig(layers), 1);
      try {
        for (const training of [false, true]) {
          const output = tf.tidy(() => network.forward(randomTensor([5, 72], 2) as tf.Tensor2D, { kind: 'sampled', stream: maskStreams(3) }, training));
          assert.deepEqual(output.shape, [5, 3]);
          assert.ok(Array.from(output.dataSync()).every(Number.isFinite));
          output.dispose();
        }
      } finally {
        network.dispose();
      }
    });
  }
});

describe('conv2d (im2col + the dense product)', () => {
  test('equals tf.conv2d forward for valid and same padding, strides 1 and 2, odd sizes', () => {
    // Forward tf.conv2d exists on wasm (only its filter gradient is missing). Both sum at most 3·3·3 = 27 products
    // of N(0, 1) values in float32 in different orders: rounding differences stay far below 1e-4.
    for (const padding of ['valid', 'same'] as const) {
      for (const stride of [1, 2]) {
        tf.tidy(() => {
          const x = randomTensor([2, 7, 5, 3], 4) as tf.Tensor4D;
          const kernel = randomTensor([3, 2, 3, 4], 5) as tf.Tensor4D;
          const bias = randomTensor([4], 6) as tf.Tensor1D;
          const options = { kernelSize: [3, 2] as [number, number], strides: [stride, stride] as [number, number], padding };
          const ours = conv2d(x, kernel, bias, options, 'linear', true);
          const reference = tf.add(tf.conv2d(x, kernel, [stride, stride], padding), bias);
          assert.deepEqual(ours.shape, reference.shape);
          const difference = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0]!;
          assert.ok(difference < 1e-4, `${padding} stride ${stride}: ${difference}`);
        });
      }
    }
  });

  // Stride 1 runs the hand-written backward pass of forward convolutions, stride 2 im2col + the dense product.
  const gradientCases: Array<[string, [number, number], 'valid' | 'same', number[]]> = [
    ['stride 2×1, same', [2, 1], 'same', [2, 3, 6, 3]],
    ['stride 1, same', [1, 1], 'same', [2, 5, 6, 3]],
    ['stride 1, valid', [1, 1], 'valid', [2, 3, 4, 3]],
  ];
  for (const [name, strides, padding, outputShape] of gradientCases) {
    test(`gradients of kernel, bias and input match central finite differences (${name})`, () => {
      // L = Σ r ⊙ (conv(x, K) + b) is linear in each of K, b and x, so the central difference (L(θ+h) − L(θ−h)) / 2h is
      // exact but for float32 rounding of L: |L| ≲ 50, float32 ε ≈ 6e-8, so the error is about 50·6e-8 / (2·0.01)
      // ≈ 1.5e-4 per entry; 2e-3 leaves room.
      const x = randomTensor([2, 5, 6, 2], 7) as tf.Tensor4D;
      const kernel = randomTensor([3, 3, 2, 3], 8) as tf.Tensor4D;
      const bias = randomTensor([3], 9) as tf.Tensor1D;
      const options = { kernelSize: [3, 3] as [number, number], strides, padding };
      const weightsOfOutput = randomTensor(outputShape, 10);
      const loss = (xs: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D, inputNeedsGradient = true): tf.Scalar =>
        tf.sum(tf.mul(conv2d(xs, k, b, options, 'linear', inputNeedsGradient), weightsOfOutput));
      const analytic = tf.grads((xs: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => loss(xs as tf.Tensor4D, k as tf.Tensor4D, b as tf.Tensor1D))([x, kernel, bias]);
      const inputs = [x, kernel, bias];
      const h = 0.01;
      inputs.forEach((input, which) => {
        const values = input.dataSync().slice();
        const gradient = analytic[which]!.dataSync();
        // Every third entry keeps the test short; 3 is prime to every dimension but 3 itself, so positions vary.
        for (let i = 0; i < values.length; i += which === 2 ? 1 : 3) {
          const at = (delta: number): number => tf.tidy(() => {
            const moved = values.slice();
            moved[i]! += delta;
            const args = inputs.map((t, j) => (j === which ? tf.tensor(moved, t.shape) : t));
            return loss(args[0] as tf.Tensor4D, args[1] as tf.Tensor4D, args[2] as tf.Tensor1D).dataSync()[0]!;
          });
          const numeric = (at(h) - at(-h)) / (2 * h);
          assert.ok(Math.abs(numeric - gradient[i]!) < 2e-3, `input ${which} entry ${i}: ${numeric} vs ${gradient[i]}`);
        }
      });
      // With data as input (no dX), the kernel and bias gradients are the same.
      const dataInput = tf.grads((k: tf.Tensor, b: tf.Tensor) => loss(x, k as tf.Tensor4D, b as tf.Tensor1D, false))([kernel, bias]);
      dataInput.forEach((gradient, i) => assert.deepEqual(Array.from(gradient.dataSync()), Array.from(analytic[i + 1]!.dataSync())));
      tf.dispose([x, kernel, bias, weightsOfOutput, ...analytic, ...dataInput]);
    });
  }
});

describe('conv2d on wasm against TF.js\'s own gradient (cpu backend, which has Conv2DBackpropFilter)', () => {
  test('relu, a squared loss, stride 1 and 2, valid and same: the same gradients', async () => {
    // Both sides sum at most 3·3·3 products per output and 2·7·6 per gradient entry in float32, values of order 10:
    // rounding differences of order 1e-5; 2e-4 leaves room.
    const gradientsOn = async (backend: 'wasm' | 'cpu', strides: [number, number], padding: 'valid' | 'same'): Promise<number[][]> => {
      await initBackend(backend);
      return tf.tidy(() => {
        const [x, k, b] = [randomTensor([2, 7, 6, 3], 41), randomTensor([3, 3, 3, 4], 42), randomTensor([4], 43)];
        const options = { kernelSize: [3, 3] as [number, number], strides, padding };
        const loss = (xs: tf.Tensor, ks: tf.Tensor, bs: tf.Tensor) =>
          tf.sum(tf.square(conv2d(xs as tf.Tensor4D, ks as tf.Tensor4D, bs as tf.Tensor1D, options, 'relu', true)));
        return tf.grads(loss)([x, k, b]).map((gradient) => Array.from(gradient.dataSync()));
      });
    };
    try {
      for (const [strides, padding] of [[[1, 1], 'same'], [[1, 1], 'valid'], [[2, 2], 'same'], [[2, 1], 'valid']] as const) {
        const reference = await gradientsOn('cpu', [...strides], padding);
        const ours = await gradientsOn('wasm', [...strides], padding);
        ours.forEach((gradient, which) => assertClose(gradient, reference[which]!, 2e-4));
      }
    } finally {
      await initBackend(testBackend);
    }
  });
});

describe('spatialDropout2d and gaussianDropout', () => {
  const fixedMasks = (): DropoutMode => ({ kind: 'sampled', stream: maskStreams(11) });

  test('gradients match central finite differences with fixed masks (a fresh stream of one seed per pass)', () => {
    // Each pass is x ⊙ m with m fixed by the seed, linear in x: the same rounding bound as conv2d's (|L| ≲ 20 here).
    const x = randomTensor([3, 4, 4, 2], 12) as tf.Tensor4D;
    const r = randomTensor([3, 4, 4, 2], 13);
    for (const style of ['inverted', 'standard'] as const) {
      const kinds = {
        spatial: (xs: tf.Tensor) => applySpatialDropout(xs as tf.Tensor4D, 0.5, style, fixedMasks(), 0),
        gaussian: (xs: tf.Tensor) => applyGaussianDropout(xs, 0.5, style, fixedMasks(), 0),
      };
      for (const [kind, layer] of Object.entries(kinds)) {
        const loss = (xs: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer(xs), r));
        const gradient = tf.grad(loss)(x).dataSync();
        const values = x.dataSync();
        for (let i = 0; i < values.length; i += 3) {
          const at = (delta: number): number => tf.tidy(() => {
            const moved = values.slice();
            moved[i]! += delta;
            return loss(tf.tensor(moved, x.shape)).dataSync()[0]!;
          });
          const numeric = (at(0.01) - at(-0.01)) / 0.02;
          assert.ok(Math.abs(numeric - gradient[i]!) < 2e-3, `${kind} ${style} entry ${i}: ${numeric} vs ${gradient[i]}`);
        }
      }
    }
    tf.dispose([x, r]);
  });

  test('spatialDropout2d drops whole feature maps: one draw per sample and channel', () => {
    const output = tf.tidy(() => applySpatialDropout(tf.ones([20, 3, 3, 4]) as tf.Tensor4D, 0.5, 'standard', fixedMasks(), 0));
    const values = output.arraySync() as number[][][][];
    output.dispose();
    let dropped = 0;
    for (const sample of values) {
      for (let c = 0; c < 4; c++) {
        const map = sample.flatMap((row) => row.map((pixel) => pixel[c]!));
        assert.ok(map.every((v) => v === map[0]), 'a channel is kept or dropped whole');
        if (map[0] === 0) dropped++;
      }
    }
    // 80 Bernoulli(0.5) draws: 40 ± 4.5 dropped; outside 20…60 has probability below 1e-5.
    assert.ok(dropped > 20 && dropped < 60, `${dropped} of 80 maps dropped`);
  });
});

describe('inference rules: the deterministic pass is the mean of the sampled ones', () => {
  // For x = 1 each output value is the mask itself. E[mask] = 1 (inverted) or keep (standard), and every kind has
  // variance rate/keep (inverted) or keep·rate (standard) per draw. The mean of N independent draws is within
  // 5σ/√N of E with probability 1 − 6e-7. Spatial dropout draws n·c values (the rest are copies).
  const rate = 0.3;
  const keep = 1 - rate;
  const kinds = {
    dropout: (x: tf.Tensor, style: DropoutStyle, mode: DropoutMode) => applyDropout(x, rate, style, mode, 0),
    spatialDropout2d: (x: tf.Tensor, style: DropoutStyle, mode: DropoutMode) => applySpatialDropout(x as tf.Tensor4D, rate, style, mode, 0),
    gaussianDropout: (x: tf.Tensor, style: DropoutStyle, mode: DropoutMode) => applyGaussianDropout(x, rate, style, mode, 0),
  };
  for (const [kind, apply] of Object.entries(kinds)) {
    for (const style of ['inverted', 'standard'] as const) {
      test(`${kind}, ${style}`, () => {
        const shape = [500, 2, 2, 8];
        const draws = kind === 'spatialDropout2d' ? 500 * 8 : 500 * 2 * 2 * 8;
        const pass = (mode: DropoutMode): Float32Array => tf.tidy(() => apply(tf.ones(shape), style, mode).dataSync() as Float32Array);
        const [sampled, deterministic] = [pass({ kind: 'sampled', stream: maskStreams(21) }), pass({ kind: 'deterministic' })];
        const expected = style === 'inverted' ? 1 : keep;
        assert.ok(deterministic.every((v) => Math.abs(v - expected) < 1e-6), `the deterministic rule gives ${expected}`);
        const mean = sampled.reduce((s, v) => s + v, 0) / sampled.length;
        const variance = sampled.reduce((s, v) => s + (v - mean) ** 2, 0) / sampled.length;
        const expectedVariance = style === 'inverted' ? rate / keep : keep * rate;
        assert.ok(Math.abs(mean - expected) < 5 * Math.sqrt(expectedVariance / draws), `mean ${mean} vs ${expected}`);
        // The variance of Bernoulli dropout for every kind (Gaussian dropout's point); 10% covers its sampling error at these N.
        assert.ok(Math.abs(variance - expectedVariance) < 0.1 * expectedVariance, `variance ${variance} vs ${expectedVariance}`);
      });
    }
  }
});

describe('batch normalisation', () => {
  test('a training pass normalises with batch statistics and moves the moving ones; inference uses the moving ones', () => {
    const momentum = 0.9;
    const epsilon = 0.001;
    const config: LayerListConfig = {
      kind: 'layers', inputShape: [2], layers: [{ type: 'batchNormalization', momentum, epsilon }], outputUnits: 1, style: 'inverted',
    };
    const network = createNetwork(config, 1);
    // Feature 0: 1, 2, 3, 6 (mean 3, biased variance 3.5, unbiased 14/3); feature 1: all 5 (variance 0).
    const x = tf.tensor2d([1, 5, 2, 5, 3, 5, 6, 5], [4, 2]);
    try {
      tf.tidy(() => network.forward(x, { kind: 'deterministic' }, true));
      const [movingMean, movingVariance] = network.state.map((v) => Array.from(v.dataSync()));
      // moving = 0.9·initial + 0.1·batch, initial mean 0 and variance 1.
      assertClose(movingMean!, [0.3, 0.5]);
      assertClose(movingVariance!, [0.9 + 0.1 * 14 / 3, 0.9]);
      // Inference: the output layer on (x − moving mean)/√(moving variance + ε) (γ = 1, β = 0).
      const output = tf.tidy(() => network.forward(x, { kind: 'deterministic' }).dataSync());
      const [kernel, bias] = [network.variables[2]!.dataSync(), network.variables[3]!.dataSync()];
      const normalised = [[1, 5], [2, 5], [3, 5], [6, 5]].map((row) => row.map((v, j) => (v - movingMean![j]!) / Math.sqrt(movingVariance![j]! + epsilon)));
      assertClose(Array.from(output), normalised.map((row) => row[0]! * kernel[0]! + row[1]! * kernel[1]! + bias[0]!));
      assert.equal(network.parameterCount, 2 + 2 + 2 + 2 + 3, 'γ, β, moving mean and variance of 2 features, then a 2→1 output with its bias');
    } finally {
      x.dispose();
      network.dispose();
    }
  });
});

describe('common random numbers for layer lists', () => {
  const layers = (rate: number): ResolvedLayer[] => [
    conv(4, 3, 'same'), { type: 'spatialDropout2d', rate }, { type: 'flatten' }, { type: 'dropout', rate },
    { type: 'dense', units: 8, activation: 'relu', useBias: true },
  ];
  const weightsOf = (network: Network): number[][] => network.weights.map((w) => Array.from(w.dataSync()));

  test('two rates of one seed start from the same weights', () => {
    const [a, b] = [createNetwork(imageConfig(layers(0.3)), 5), createNetwork(imageConfig(layers(0.6)), 5)];
    assert.deepEqual(weightsOf(a), weightsOf(b));
    a.dispose();
    b.dispose();
  });

  test('a unit or channel dropped at rate 0.3 is dropped at rate 0.6 (same seed, same stream)', () => {
    const dropped = (rate: number, kind: 'dropout' | 'spatialDropout2d'): boolean[] => tf.tidy(() => {
      const mode: DropoutMode = { kind: 'sampled', stream: maskStreams(9) };
      const x = tf.ones([10, 3, 3, 4]);
      const out = kind === 'dropout' ? applyDropout(x, rate, 'inverted', mode, 3) : applySpatialDropout(x as tf.Tensor4D, rate, 'inverted', mode, 1);
      return Array.from(out.dataSync(), (v) => v === 0);
    });
    for (const kind of ['dropout', 'spatialDropout2d'] as const) {
      const [low, high] = [dropped(0.3, kind), dropped(0.6, kind)];
      assert.ok(low.some(Boolean), `${kind}: rate 0.3 drops something`);
      assert.ok(low.every((d, i) => !d || high[i]), `${kind}: every value dropped at 0.3 is dropped at 0.6`);
      assert.ok(high.filter(Boolean).length > low.filter(Boolean).length);
    }
  });
});

describe('common random numbers for Gaussian dropout', () => {
  test('two rates of one seed draw the same standard normals: the noise is one pattern scaled', () => {
    // ε = mean + sd·z: z = (ε − mean)/sd must agree across rates (to float32 rounding of ε, about 1e-7·|ε|/sd).
    const zOf = (rate: number, style: DropoutStyle): Float32Array => {
      const keep = 1 - rate;
      const [mean, sd] = style === 'inverted' ? [1, Math.sqrt(rate / keep)] : [keep, Math.sqrt(keep * rate)];
      const noise = tf.tidy(() => applyGaussianDropout(tf.ones([50, 4]), rate, style, { kind: 'sampled', stream: maskStreams(31) }, 2).dataSync());
      return Float32Array.from(noise, (value) => (value - mean) / sd);
    };
    for (const style of ['inverted', 'standard'] as const) assertClose(Array.from(zOf(0.3, style)), Array.from(zOf(0.6, style)), 1e-5);
  });
});

function assertClose(actual: number[], expected: number[], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < tolerance, `entry ${i}: ${value} vs ${expected[i]}`));
}
