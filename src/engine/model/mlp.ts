/**
 * A multi-layer perceptron as plain TF.js variables, so the training loop controls every pass: which dropout
 * masks are drawn, and which inference rule scores a model.
 *
 * Dropout sits on the input of every dense layer: `inputRate` before the first, the swept `hiddenRate` before
 * each later one. Rates are drop probabilities; keep = 1 − rate.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../random';
import { applyActivation, dense, type FusedActivation } from './dense';
import { applyDropout, type DropoutMode } from './dropout';
import type { Activation, DropoutStyle } from '../../core/spec';

// Dropout moved to its own module when layer lists added more kinds; the MLP's callers and tests import it here too.
export { applyDropout, maskStreams, type DropoutMode, type MaskStreams } from './dropout';

export interface DenseLayer {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export interface MlpConfig {
  featureCount: number;
  hidden: number[];
  outputUnits: number;
  activation: Activation;
  style: DropoutStyle;
  /** Drop probability on the input features. */
  inputRate: number;
  /** Drop probability on the output of each hidden layer. */
  hiddenRate: number;
}

export interface Mlp {
  config: MlpConfig;
  layers: DenseLayer[];
  variables: tf.Variable[];
  parameterCount: number;
}

/** A trainable variable holding `initial` (which it takes over). */
export function variableOf(initial: tf.Tensor, trainable = true): tf.Variable {
  // Unnamed variables: a name would be registered globally and clash with the next trial in this process.
  const variable = tf.variable(initial, trainable);
  initial.dispose();
  return variable;
}

/** A Glorot-uniform kernel of `shape` (U(±√(6/(fanIn + fanOut))), Keras's default), drawn in row-major order from `rng`. */
export function glorotUniform(rng: Rng, shape: number[], fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(shape.reduce((product, n) => product * n, 1));
  for (let j = 0; j < values.length; j++) values[j] = (rng.next() * 2 - 1) * limit;
  return variableOf(tf.tensor(values, shape, 'float32'));
}

/** Glorot-uniform kernels and zero biases from a seeded generator, so a seed fixes the initial weights. */
export function createMlp(config: MlpConfig, seed: number): Mlp {
  const rng = createRng(seed);
  const sizes = [config.featureCount, ...config.hidden, config.outputUnits];
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
    layers.push({ kernel: glorotUniform(rng, [fanIn, fanOut], fanIn, fanOut), bias: variableOf(tf.zeros([fanOut])) });
  }
  const variables = layers.flatMap((layer) => [layer.kernel, layer.bias]);
  const parameterCount = variables.reduce((sum, variable) => sum + variable.size, 0);
  return { config, layers, variables, parameterCount };
}

export function disposeMlp(mlp: Mlp): void {
  for (const variable of mlp.variables) variable.dispose();
}

/** Logits (classification) or predictions (regression) for a batch `x` of shape [n, featureCount]. */
export function forward(mlp: Mlp, x: tf.Tensor2D, mode: DropoutMode): tf.Tensor2D {
  const { style, inputRate, hiddenRate, activation } = mlp.config;
  let h: tf.Tensor = x;
  mlp.layers.forEach((layer, index) => {
    h = applyDropout(h, index === 0 ? inputRate : hiddenRate, style, mode, index);
    const hidden = index + 1 < mlp.layers.length;
    // relu is fused into the product (one kernel, and its gradient is part of the layer's); other activations
    // follow a linear layer and are differentiated by autodiff.
    const fused: FusedActivation = hidden && activation === 'relu' ? 'relu' : 'linear';
    h = dense(h as tf.Tensor2D, layer.kernel as tf.Tensor2D, layer.bias as tf.Tensor1D, fused, index > 0);
    if (hidden && fused !== activation) h = applyActivation(h, activation);
  });
  return h as tf.Tensor2D;
}
