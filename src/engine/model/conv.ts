/**
 * A 2-D convolution (Keras Conv2D, NHWC, kernel [kh, kw, cin, cout]) as im2col + the dense product.
 *
 * Why not tf.conv2d alone: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, so a tf.conv2d cannot be
 * trained on wasm. For stride 1 (the usual case) the forward pass is TF.js's conv2d and the backward pass is written
 * here with forward convolutions (stride1Conv). For larger strides the patches are gathered with slices (whose
 * gradient, a pad, wasm has) and concatenated (im2col), and the product is dense.ts's, which runs on XNNPACK and
 * carries the hand-written backward pass. A backend that has the kernel (tfjs-node, cpu) uses tf.conv2d itself, with
 * the same weights and the same padding rule.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense, type FusedActivation } from './dense';
import { outputSize, type Pair } from './layerShapes';

export interface ConvOptions {
  kernelSize: Pair;
  strides: Pair;
  padding: 'valid' | 'same';
}

/** TF's `same` padding: the total (k − 1 + (out − 1)·s + 1 − n, at least 0), the smaller half before. */
function samePadding(input: number, kernel: number, stride: number): Pair {
  const total = Math.max((outputSize(input, kernel, stride, 'same') - 1) * stride + kernel - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * The patches of x [n, h, w, c] as rows [n·oh·ow, kh·kw·c]; a row's columns run over (i, j, channel) row-major, the
 * order of a [kh, kw, cin, cout] kernel reshaped to [kh·kw·cin, cout]. A stride s takes oh·s rows from offset i and
 * keeps every s-th by a reshape to [oh, s] and a slice (strided slices have no gradient in TF.js); the input is
 * padded at the end by s − 1 so that the last offset still has oh·s rows.
 */
export function extractPatches(x: tf.Tensor4D, { kernelSize: [kh, kw], strides: [sh, sw], padding }: ConvOptions): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const [oh, ow] = [outputSize(h, kh, sh, padding), outputSize(w, kw, sw, padding)];
  const [top, bottom] = padding === 'same' ? samePadding(h, kh, sh) : [0, 0];
  const [left, right] = padding === 'same' ? samePadding(w, kw, sw) : [0, 0];
  const [extraH, extraW] = [Math.max(0, kh - 1 + oh * sh - (h + top + bottom)), Math.max(0, kw - 1 + ow * sw - (w + left + right))];
  const padded = top + bottom + left + right + extraH + extraW > 0 ? tf.pad(x, [[0, 0], [top, bottom + extraH], [left, right + extraW], [0, 0]]) : x;
  const columns: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      let patch: tf.Tensor = tf.slice(padded, [0, i, j, 0], [n, oh * sh, ow * sw, c]);
      if (sh > 1 || sw > 1) patch = tf.reshape(tf.slice(tf.reshape(patch, [n, oh, sh, ow, sw, c]), [0, 0, 0, 0, 0, 0], [n, oh, 1, ow, 1, c]), [n, oh, ow, c]);
      columns.push(patch);
    }
  }
  const patches = columns.length === 1 ? columns[0]! : tf.concat(columns, 3);
  return tf.reshape(patches, [n * oh * ow, kh * kw * c]);
}

/** Whether this backend can differentiate tf.conv2d with respect to its filter. */
function hasConvFilterGradient(): boolean {
  return tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
}

/**
 * A stride-1 convolution: TF.js's forward (XNNPACK on wasm), and a backward pass made of forward convolutions too,
 * since wasm's Conv2DBackpropInput is about 7× slower than its Conv2D and Conv2DBackpropFilter is missing:
 *   dX = the full convolution of dZ with the kernel flipped in space and transposed in channels, cropped to the
 *        input (the padding `same` added is taken off);
 *   dW = the convolution of the padded input with its batch as channels, [cin, h, w, n], by dZ as a filter
 *        [oh, ow, n, cout]: Σ over samples and positions of x·dZ, [cin, kh, kw, cout];
 *   db = Σ dZ.
 * With `inputNeedsGradient` false (the input is data) dX is not computed.
 */
function stride1Conv(
  x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, padding: 'valid' | 'same', activation: FusedActivation, inputNeedsGradient: boolean,
): tf.Tensor4D {
  const [, h, w] = x.shape;
  const [kh, kw] = kernel.shape;
  const [top, bottom] = padding === 'same' ? samePadding(h, kh, 1) : [0, 0];
  const [left, right] = padding === 'same' ? samePadding(w, kw, 1) : [0, 0];
  const paddedInput = (input: tf.Tensor4D): tf.Tensor4D =>
    (top + bottom + left + right > 0 ? tf.pad(input, [[0, 0], [top, bottom], [left, right], [0, 0]]) : input);
  const parameterGradients = (input: tf.Tensor4D, dz: tf.Tensor4D): [tf.Tensor4D, tf.Tensor1D] => [
    tf.transpose(tf.conv2d(
      tf.transpose(paddedInput(input), [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dz, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid',
    ), [1, 2, 0, 3]),
    tf.sum(dz, [0, 1, 2]),
  ];
  const inputGradient = (dz: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D => {
    const full = tf.pad(dz, [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]]);
    return tf.conv2d(full as tf.Tensor4D, tf.transpose(tf.reverse(k, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, 1, 'valid');
  };
  const forward = (input: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D =>
    tf.fused.conv2d({ x: input, filter: k, strides: 1, pad: padding, bias: b, activation });
  const dzOf = (dy: tf.Tensor, y: tf.Tensor4D): tf.Tensor4D => (activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy) as tf.Tensor4D;
  if (!inputNeedsGradient) {
    // x is data: saved rather than captured, since autodiff disposes the forward pass's tensors (see dense.ts).
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [k, b] = args as [tf.Tensor4D, tf.Tensor1D];
      const y = forward(x, k, b);
      (args[2] as tf.GradSaveFunc)([x, y]);
      const gradFunc = (dy: tf.Tensor, [savedX, savedY]: tf.Tensor[]) => parameterGradients(savedX as tf.Tensor4D, dzOf(dy, savedY as tf.Tensor4D));
      return { value: y, gradFunc };
    })(kernel, bias) as tf.Tensor4D;
  }
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, k, b] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D];
    const y = forward(input, k, b);
    (args[3] as tf.GradSaveFunc)([input, k, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [savedX, savedK, savedY]: tf.Tensor[]) => {
        const dz = dzOf(dy, savedY as tf.Tensor4D);
        return [inputGradient(dz, savedK as tf.Tensor4D), ...parameterGradients(savedX as tf.Tensor4D, dz)];
      },
    };
  })(x, kernel, bias) as tf.Tensor4D;
}

/**
 * y = act(conv(x, kernel) + bias) for x [n, h, w, c] and kernel [kh, kw, c, filters]. `inputNeedsGradient` is false
 * when x is data (no dX is computed). Fused activations as dense.ts; others are applied by the caller. A backend
 * with a filter gradient (tfjs-node, cpu) differentiates tf.conv2d itself; otherwise stride 1 runs stride1Conv and
 * larger strides im2col + the dense product.
 */
export function conv2d(
  x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | undefined, options: ConvOptions, activation: FusedActivation, inputNeedsGradient: boolean,
): tf.Tensor4D {
  if (hasConvFilterGradient()) {
    return tf.fused.conv2d({ x, filter: kernel, strides: options.strides, pad: options.padding, bias, activation });
  }
  const [n, h, w] = x.shape;
  const [kh, kw, c, filters] = kernel.shape;
  const zeroBias = (): tf.Tensor1D => tf.zeros([filters]);
  if (options.strides[0] === 1 && options.strides[1] === 1) return stride1Conv(x, kernel, bias ?? zeroBias(), options.padding, activation, inputNeedsGradient);
  const patches = extractPatches(x, options);
  const rows = dense(patches, tf.reshape(kernel, [kh * kw * c, filters]), bias ?? zeroBias(), activation, inputNeedsGradient);
  const [oh, ow] = [outputSize(h, kh, options.strides[0], options.padding), outputSize(w, kw, options.strides[1], options.padding)];
  return tf.reshape(rows, [n, oh, ow, filters]);
}
