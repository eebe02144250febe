/**
 * A dense layer, y = act(x·W + b), with a hand-written backward pass laid out for the wasm backend.
 *
 * Why: TF.js's wasm BatchMatMul sends a product to XNNPACK only when neither operand is transposed; with
 * `transposeA` or `transposeB` (what autodiff of matMul emits: dX = dY·Wᵀ, dW = Xᵀ·dY) it falls back to a scalar
 * triple loop at about 0.5–1 GFLOP/s, against 7–20 GFLOP/s through XNNPACK (docs/perf-notes.md). An explicit
 * `tf.transpose` followed by a plain product stays on XNNPACK. XNNPACK also packs the right operand (`b`) into
 * its own layout whenever it sees a new tensor there, so each product below puts the small, per-step tensor on
 * the right where it can: dXᵀ = W·dZᵀ packs dZᵀ (batch × units) instead of Wᵀ (inputs × units).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerActivation } from '../../core/spec';
import { blasKernelsActive } from '../blasKernels';

/** Activations fused into the product; others are applied after the layer (and differentiated by autodiff). */
export type FusedActivation = 'linear' | 'relu';

/**
 * How dense layers compute gradients. `custom` is the hand-written backward pass; `autodiff` is TF.js's own
 * gradient of `tf.fused.matMul`, the reference that the unit test and the A/B benchmark compare against.
 * `auto` (the default) uses `custom` on wasm only: on the cpu backend transposed products are not slow, and the
 * explicit transposes made a step 4% slower there (docs/perf-notes.md). On wasm+blas the custom pass keeps its
 * skipped first-layer dX and fewer kernels, and lays its products out for SGEMM (transposed operands read in place).
 */
export type DenseGradient = 'auto' | 'custom' | 'autodiff';

let denseGradient: DenseGradient = 'auto';

/** Selects the gradient implementation for every dense layer in this process (benchmarks and tests only). */
export function useDenseGradient(gradient: DenseGradient): void {
  denseGradient = gradient;
}

function usesCustomGradient(): boolean {
  return denseGradient === 'custom' || (denseGradient === 'auto' && tf.getBackend() === 'wasm');
}

/** dL/dz from dL/dy, for y = act(z), written in terms of the output y (saved by the forward pass). */
function activationGradient(dy: tf.Tensor2D, y: tf.Tensor2D, activation: FusedActivation): tf.Tensor2D {
  // relu: z > 0 ⇔ y > 0, so step(y) is relu'(z) (0 at z = 0, like TF.js's own relu gradient).
  return activation === 'relu' ? tf.mul(dy, tf.step(y)) as tf.Tensor2D : dy;
}

/**
 * [dW, db] from dZ and the layer input x: dW = xᵀ·dZ (on stock wasm an explicit transpose then a plain product; on
 * wasm+blas SGEMM reads x transposed in place), db = Σ_rows dZ.
 */
function parameterGradients(x: tf.Tensor2D, dz: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  const dw: tf.Tensor2D = blasKernelsActive() ? tf.matMul(x, dz, true, false) : tf.matMul(tf.transpose(x), dz);
  return [dw, tf.sum(dz, 0)];
}

/**
 * dX = dZ·Wᵀ: on stock wasm computed as (W·dZᵀ)ᵀ, both products plain, and the operand XNNPACK packs is the small
 * dZᵀ; on wasm+blas one product with W transposed in place.
 */
function inputGradient(dz: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D {
  if (blasKernelsActive()) return tf.matMul(dz, kernel, false, true);
  return tf.transpose(tf.matMul(kernel, tf.transpose(dz))) as tf.Tensor2D;
}

/**
 * The custom-gradient layer whose input needs a gradient (every layer after the first). Inputs: x, W, b.
 * Built once per activation: tf.customGrad wraps a function, and building it per call would cost a closure
 * and a registration each step.
 */
const withInputGradient: Record<FusedActivation, (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D> = {
  linear: makeWithInputGradient('linear'),
  relu: makeWithInputGradient('relu'),
};

function makeWithInputGradient(activation: FusedActivation) {
  // customGrad passes the inputs and then the save function in one rest parameter.
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, kernel, bias] = args as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    const y = tf.fused.matMul({ a: x, b: kernel, bias, activation });
    save([x, kernel, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedKernel, savedY] = saved as tf.Tensor2D[];
        const dz = activationGradient(dy as tf.Tensor2D, savedY, activation);
        return [inputGradient(dz, savedKernel), ...parameterGradients(savedX, dz)];
      },
    };
  }) as (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
}

/**
 * The first layer: its input is data (possibly masked by input dropout), which needs no gradient, so x is not an
 * input of the custom gradient and the layer returns only [dW, db]: autodiff would not skip a customGrad's dX by itself, and for
 * MNIST that product (batch × 784 × hidden) is a third of the layer's backward work.
 */
function withoutInputGradient(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: FusedActivation): tf.Tensor2D {
  const layer = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [kernelInput, biasInput] = args as tf.Tensor2D[];
    const save = args[2] as tf.GradSaveFunc;
    const y = tf.fused.matMul({ a: x, b: kernelInput, bias: biasInput, activation });
    // Saved rather than used from the closure: autodiff runs the forward pass in a tidy scope, which disposes x
    // before the backward pass unless it is saved.
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedY] = saved as tf.Tensor2D[];
        return parameterGradients(savedX, activationGradient(dy as tf.Tensor2D, savedY, activation));
      },
    };
  }) as (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
  return layer(kernel, bias);
}

/**
 * y = act(x·W + b). `inputNeedsGradient` is false for a layer whose input is data: no dX is computed.
 * Without the custom gradient the same forward product is differentiated by TF.js.
 */
export function dense(
  x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: FusedActivation, inputNeedsGradient: boolean,
): tf.Tensor2D {
  if (!usesCustomGradient()) return tf.fused.matMul({ a: x, b: kernel, bias, activation }) as tf.Tensor2D;
  return inputNeedsGradient ? withInputGradient[activation](x, kernel, bias) : withoutInputGradient(x, kernel, bias, activation);
}

/** An activation applied on its own (one not fused into a product), differentiated by autodiff. */
export function applyActivation(x: tf.Tensor, activation: LayerActivation): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.relu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'elu': return tf.elu(x);
    case 'softmax': return tf.softmax(x);
    case 'linear': return x;
  }
}
