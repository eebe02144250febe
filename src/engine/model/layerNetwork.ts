/**
 * A `model.layers` network as plain TF.js variables, like the MLP (mlp.ts): the training loop controls every pass,
 * so each dropout kind draws its masks from the layer's own host stream (`mode.stream(index of the layer)`) and the
 * inference rule of either style applies to every kind. Dense and conv products use dense.ts's custom gradient;
 * pooling, batch normalisation, activations and the rest are differentiated by TF.js.
 *
 * Batch normalisation follows Keras: a training pass normalises with the batch's mean and (biased) variance and moves
 * the moving statistics, moving = momentum·moving + (1 − momentum)·batch, with the variance's unbiased estimate
 * (n/(n − 1), as TF's fused kernel that Keras uses for images); every other pass (scoring, Monte-Carlo evaluation)
 * normalises with the moving statistics, so MC dropout samples dropout alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../random';
import { conv2d } from './conv';
import { applyActivation, dense, type FusedActivation } from './dense';
import { applyDropout, applyGaussianDropout, applySpatialDropout, type DropoutMode } from './dropout';
import {
  inferShapes, STATE, TRAINABLE, withOutputLayer, type LayerListConfig, type ParameterName, type ResolvedLayer,
} from './layerShapes';
import { glorotUniform, variableOf } from './mlp';
import type { LayerActivation } from '../../core/spec';

/** The variables of one layer. */
type LayerParameters = Partial<Record<ParameterName, tf.Variable>>;

export interface LayerNetwork {
  config: LayerListConfig;
  /** Per entry of withOutputLayer(config): config.layers, then the appended output layer unless the list has its own. */
  parameters: LayerParameters[];
  /** Trainable, in layer order: kernel and bias (dense, conv2d), gamma and beta (batchNormalization). */
  variables: tf.Variable[];
  /** Non-trainable, in layer order: moving mean and moving variance of each batchNormalization. */
  state: tf.Variable[];
}

/** Glorot-uniform kernels and zero biases (dense, conv2d), γ = 1 and β = 0, moving mean 0 and variance 1, from a seeded generator. */
export function createLayerNetwork(config: LayerListConfig, seed: number): LayerNetwork {
  const layers = withOutputLayer(config);
  const shapes = inferShapes(layers.slice(0, -1), config.inputShape, 'input');
  if (!Array.isArray(shapes)) throw new Error(`${shapes.message} at model.layers[${shapes.index}]`);
  const inputShapes = [config.inputShape, ...shapes];
  const rng = createRng(seed);
  const parameters = layers.map((layer, index): LayerParameters => {
    const channels = inputShapes[index]!.at(-1)!;
    if (layer.type === 'dense') {
      return {
        kernel: glorotUniform(rng, [channels, layer.units], channels, layer.units),
        ...(layer.useBias ? { bias: variableOf(tf.zeros([layer.units])) } : {}),
      };
    }
    if (layer.type === 'conv2d') {
      const [kh, kw] = layer.kernelSize;
      return {
        kernel: glorotUniform(rng, [kh, kw, channels, layer.filters], kh * kw * channels, kh * kw * layer.filters),
        ...(layer.useBias ? { bias: variableOf(tf.zeros([layer.filters])) } : {}),
      };
    }
    if (layer.type === 'batchNormalization') {
      return {
        gamma: variableOf(tf.ones([channels])), beta: variableOf(tf.zeros([channels])),
        movingMean: variableOf(tf.zeros([channels]), false), movingVariance: variableOf(tf.ones([channels]), false),
      };
    }
    return {};
  });
  // The order of weightLayout.
  const variables = parameters.flatMap((p) => TRAINABLE.map((name) => p[name]).filter((v): v is tf.Variable => v !== undefined));
  const state = parameters.flatMap((p) => STATE.map((name) => p[name]).filter((v): v is tf.Variable => v !== undefined));
  return { config, parameters, variables, state };
}

export function disposeLayerNetwork(network: LayerNetwork): void {
  tf.dispose([...network.variables, ...network.state]);
}

/** relu is fused into dense and conv products (its gradient then is part of the layer's); others follow them. */
function fusedPart(activation: LayerActivation): FusedActivation {
  return activation === 'relu' ? 'relu' : 'linear';
}

function batchNormalization(
  x: tf.Tensor, layer: Extract<ResolvedLayer, { type: 'batchNormalization' }>, p: LayerParameters, training: boolean,
): tf.Tensor {
  const [gamma, beta, movingMean, movingVariance] = [p.gamma!, p.beta!, p.movingMean!, p.movingVariance!];
  if (!training) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, layer.epsilon);
  const axes = x.shape.slice(0, -1).map((_, axis) => axis);
  const { mean, variance } = tf.moments(x, axes);
  const count = x.size / x.shape.at(-1)!;
  // The moved statistics are not on the loss's path, so autodiff leaves them alone.
  const move = (moving: tf.Variable, batch: tf.Tensor): void => {
    moving.assign(tf.add(tf.mul(moving, layer.momentum), tf.mul(batch, 1 - layer.momentum)));
  };
  move(movingMean, mean);
  move(movingVariance, count > 1 ? tf.mul(variance, count / (count - 1)) : variance);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, layer.epsilon))), gamma), beta);
}

/**
 * Logits (classification) or predictions (regression) for a batch x [n, featureCount], each row read as one sample
 * of config.inputShape. `training` makes batch normalisation use (and move) batch statistics.
 */
export function forwardLayers(network: LayerNetwork, x: tf.Tensor2D, mode: DropoutMode, training = false): tf.Tensor2D {
  const { style, inputShape } = network.config;
  const layers = withOutputLayer(network.config);
  let h: tf.Tensor = inputShape.length === 1 ? x : tf.reshape(x, [x.shape[0], ...inputShape]);
  // The data needs no gradient: until a layer with weights, neither does the input of a product.
  let inputNeedsGradient = false;
  layers.forEach((layer, index) => {
    const p = network.parameters[index]!;
    switch (layer.type) {
      case 'dense': {
        const fused = fusedPart(layer.activation);
        h = dense(h as tf.Tensor2D, p.kernel as tf.Tensor2D, (p.bias ?? tf.zeros([layer.units])) as tf.Tensor1D, fused, inputNeedsGradient);
        if (fused !== layer.activation) h = applyActivation(h, layer.activation);
        break;
      }
      case 'conv2d': {
        const fused = fusedPart(layer.activation);
        h = conv2d(h as tf.Tensor4D, p.kernel as tf.Tensor4D, p.bias as tf.Tensor1D | undefined, layer, fused, inputNeedsGradient);
        if (fused !== layer.activation) h = applyActivation(h, layer.activation);
        break;
      }
      case 'maxPooling2d':
        h = tf.maxPool(h as tf.Tensor4D, layer.poolSize, layer.strides, layer.padding);
        break;
      case 'averagePooling2d':
        h = tf.avgPool(h as tf.Tensor4D, layer.poolSize, layer.strides, layer.padding);
        break;
      case 'flatten':
        h = tf.reshape(h, [h.shape[0]!, -1]);
        break;
      case 'globalAveragePooling2d':
        h = tf.mean(h, [1, 2]);
        break;
      case 'batchNormalization':
        h = batchNormalization(h, layer, p, training);
        break;
      case 'activation':
        h = applyActivation(h, layer.activation);
        break;
      case 'dropout':
        h = applyDropout(h, layer.rate, style, mode, index);
        break;
      case 'spatialDropout2d':
        h = applySpatialDropout(h as tf.Tensor4D, layer.rate, style, mode, index);
        break;
      case 'gaussianDropout':
        h = applyGaussianDropout(h, layer.rate, style, mode, index);
        break;
    }
    if (p.kernel || p.gamma) inputNeedsGradient = true;
  });
  return h as tf.Tensor2D;
}
