/**
 * A multi-layer perceptron as plain TF.js variables, so the training loop controls every pass: which dropout
 * masks are drawn, and which inference rule scores a model.
 *
 * Dropout sits on the input of every dense layer: `inputRate` before the first, the swept `hiddenRate` before
 * each later one. Rates are drop probabilities; keep = 1 − rate.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, deriveSeed, type Rng, type RngState } from '../random';
import { dense, type FusedActivation } from './dense';
import type { Activation, DropoutStyle } from '../../core/spec';

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

/**
 * How a pass treats dropout. `deterministic` is the inference rule of the style; `sampled` draws Bernoulli
 * masks (training, and Monte-Carlo evaluation) from one random stream per dropout place (layer index).
 */
export type DropoutMode = { kind: 'deterministic' } | { kind: 'sampled'; stream: (layer: number) => Rng };

/**
 * Independent mask streams per layer, derived from one seed. Separate streams keep the common random numbers
 * aligned across trials even when one layer's rate is 0 and draws nothing.
 */
export function maskStreams(seed: number, restore: Record<number, RngState> = {}): MaskStreams {
  const streams = new Map<number, Rng>();
  const stream = (layer: number): Rng => {
    let rng = streams.get(layer);
    if (!rng) streams.set(layer, (rng = createRng(deriveSeed(seed, `masks/${layer}`), restore[layer])));
    return rng;
  };
  const states = (): Record<number, RngState> => {
    // Streams restored but not drawn from since keep their saved state.
    const saved: Record<number, RngState> = { ...restore };
    for (const [layer, rng] of streams) saved[layer] = rng.state();
    return saved;
  };
  return Object.assign(stream, { states });
}

/** One Rng per dropout place, and their states for a checkpoint. */
export type MaskStreams = ((layer: number) => Rng) & { states(): Record<number, RngState> };

/** Glorot-uniform kernels and zero biases from a seeded generator, so a seed fixes the initial weights. */
export function createMlp(config: MlpConfig, seed: number): Mlp {
  const rng = createRng(seed);
  const sizes = [config.featureCount, ...config.hidden, config.outputUnits];
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < values.length; j++) values[j] = (rng.next() * 2 - 1) * limit;
    const [kernel, bias] = [tf.tensor2d(values, [fanIn, fanOut]), tf.zeros([fanOut])];
    // Unnamed variables: a name would be registered globally and clash with the next trial in this process.
    layers.push({ kernel: tf.variable(kernel, true), bias: tf.variable(bias, true) });
    tf.dispose([kernel, bias]);
  }
  const variables = layers.flatMap((layer) => [layer.kernel, layer.bias]);
  const parameterCount = variables.reduce((sum, variable) => sum + variable.size, 0);
  return { config, layers, variables, parameterCount };
}

export function disposeMlp(mlp: Mlp): void {
  for (const variable of mlp.variables) variable.dispose();
}

/**
 * Applies dropout at one place in the network.
 * - sampled, inverted: x·m/(1−rate), so E[output] = x (Keras/TF.js).
 * - sampled, standard: x·m, E[output] = keep·x (Srivastava et al.).
 * - deterministic, inverted: x.
 * - deterministic, standard: keep·x. Scaling the layer's input by keep equals scaling its weights,
 *   (keep·x)·W = x·(keep·W), i.e. the paper's W_test = p·W, without touching the trained variables.
 * m is Bernoulli(keep); m = [u ≥ rate] for u ~ U[0,1), so for a given seed the masks of a larger rate drop a
 * superset of the units a smaller rate drops: rates of one seed are compared on common random numbers.
 * The mask, scale included, is drawn on the host in one pass and uploaded once: TF.js's seeded randomUniform
 * costs about a microsecond per value, our generator a few nanoseconds.
 */
export function applyDropout(x: tf.Tensor, rate: number, style: DropoutStyle, mode: DropoutMode, layer = 0): tf.Tensor {
  if (rate === 0) return x;
  const keep = 1 - rate;
  if (mode.kind === 'deterministic') return style === 'inverted' ? x : tf.mul(x, keep);
  const rng = mode.stream(layer);
  const kept = style === 'inverted' ? 1 / keep : 1;
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() >= rate ? kept : 0;
  return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
}

function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.relu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'elu': return tf.elu(x);
  }
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
    if (hidden && fused !== activation) h = activate(h, activation);
  });
  return h as tf.Tensor2D;
}
