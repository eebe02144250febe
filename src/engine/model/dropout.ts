/**
 * Dropout at one place of a network, for every kind (Bernoulli per unit, per feature map, Gaussian) and both styles.
 * Masks and noise are drawn on the host from one seeded stream per dropout place (the layer's index), so that for a
 * given seed every rate sees the same uniforms (normals): rates are compared on common random numbers. The mask,
 * scale included, is uploaded once per pass: TF.js's seeded randomUniform costs about a microsecond per value, our
 * generator a few nanoseconds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, deriveSeed, type Rng, type RngState } from '../random';
import type { DropoutStyle } from '../../core/spec';

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

/**
 * Applies dropout at one place in the network.
 * - sampled, inverted: x·m/(1−rate), so E[output] = x (Keras/TF.js).
 * - sampled, standard: x·m, E[output] = keep·x (Srivastava et al.).
 * - deterministic, inverted: x.
 * - deterministic, standard: keep·x. Scaling the layer's input by keep equals scaling its weights,
 *   (keep·x)·W = x·(keep·W), i.e. the paper's W_test = p·W, without touching the trained variables.
 * m is Bernoulli(keep); m = [u ≥ rate] for u ~ U[0,1), so for a given seed the masks of a larger rate drop a
 * superset of the units a smaller rate drops: rates of one seed are compared on common random numbers.
 */
export function applyDropout(x: tf.Tensor, rate: number, style: DropoutStyle, mode: DropoutMode, layer = 0): tf.Tensor {
  if (rate === 0) return x;
  if (mode.kind === 'deterministic') return inferenceRule(x, rate, style);
  return tf.mul(x, bernoulliMask(mode.stream(layer), rate, style, x.shape));
}

/** Both Bernoulli kinds' inference rule, and Gaussian dropout's: E[mask] is 1 (inverted) or keep (standard). */
function inferenceRule(x: tf.Tensor, rate: number, style: DropoutStyle): tf.Tensor {
  return style === 'inverted' ? x : tf.mul(x, 1 - rate);
}

/** [u ≥ rate] scaled by 1/keep (inverted) or 1 (standard), one uniform per value of `shape`, in row-major order. */
function bernoulliMask(rng: Rng, rate: number, style: DropoutStyle, shape: number[]): tf.Tensor {
  const kept = style === 'inverted' ? 1 / (1 - rate) : 1;
  const mask = new Float32Array(shape.reduce((product, n) => product * n, 1));
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() >= rate ? kept : 0;
  return tf.tensor(mask, shape, 'float32');
}

/**
 * Keras SpatialDropout2D on x [n, h, w, c]: one Bernoulli draw per sample and channel (n·c uniforms, sample-major),
 * broadcast over height and width, so a feature map is dropped whole: neighbouring pixels are correlated, and
 * dropping them one by one barely regularises a conv net (Tompson et al., 2015). Same styles as applyDropout.
 */
export function applySpatialDropout(x: tf.Tensor4D, rate: number, style: DropoutStyle, mode: DropoutMode, layer: number): tf.Tensor4D {
  if (rate === 0) return x;
  if (mode.kind === 'deterministic') return inferenceRule(x, rate, style) as tf.Tensor4D;
  const [n, , , channels] = x.shape;
  return tf.mul(x, bernoulliMask(mode.stream(layer), rate, style, [n, 1, 1, channels]));
}

/**
 * Keras GaussianDropout: x·ε with ε of the variance Bernoulli dropout at `rate` has.
 * - inverted: ε ~ N(1, rate/keep) (Keras), inference x;
 * - standard: ε ~ N(keep, keep·rate) (the variance of an unscaled Bernoulli(keep) mask), inference keep·x.
 * ε = mean + sd·z with z standard normals from the layer's stream: for a seed the same z at every rate, so a
 * larger rate scales the same noise pattern up (common random numbers).
 */
export function applyGaussianDropout(x: tf.Tensor, rate: number, style: DropoutStyle, mode: DropoutMode, layer: number): tf.Tensor {
  if (rate === 0) return x;
  if (mode.kind === 'deterministic') return inferenceRule(x, rate, style);
  const keep = 1 - rate;
  const [mean, sd] = style === 'inverted' ? [1, Math.sqrt(rate / keep)] : [keep, Math.sqrt(keep * rate)];
  const rng = mode.stream(layer);
  const noise = new Float32Array(x.size);
  for (let i = 0; i < noise.length; i++) noise[i] = mean + sd * rng.normal();
  return tf.mul(x, tf.tensor(noise, x.shape, 'float32'));
}
