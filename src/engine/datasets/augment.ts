/**
 * Training-time augmentation of image samples (an images dataset's `augment`): a random horizontal flip and a random
 * integer translation with zero fill, as Keras's RandomFlip("horizontal") and RandomTranslation(fill_mode="constant")
 * do, but on the host from a seeded stream so that every trial of a seed sees the same augmented batches (common
 * random numbers across rates).
 */
import type { Rng } from '../random';

export interface AugmentOptions {
  /** Mirror left–right with probability 0.5 per sample. */
  flip?: boolean;
  /** Largest translation as a fraction of the height (rows) and width (columns); 0 or absent: no shift. */
  shift?: number;
}

/**
 * A new array of `count` samples of `shape` ([h, w, c], HWC row-major): each sample flipped first (when `flip`: one
 * draw, flipped if < 0.5), then moved down by dy and right by dx (when `shift` > 0: dy uniform in
 * [−round(shift·h), round(shift·h)], then dx likewise with w), pixels moved in from outside being 0. Per sample the
 * draws are always flip, dy, dx, in that order, so a sample's augmentation depends only on the stream's position.
 */
export function augmentImages(x: Float32Array, count: number, shape: [number, number, number], options: AugmentOptions, rng: Rng): Float32Array {
  const [height, width, channels] = shape;
  const sampleValues = height * width * channels;
  const rowValues = width * channels;
  const maxRowShift = options.shift ? Math.round(options.shift * height) : 0;
  const maxColumnShift = options.shift ? Math.round(options.shift * width) : 0;
  const out = new Float32Array(count * sampleValues);
  for (let sample = 0; sample < count; sample++) {
    const flipped = options.flip ? rng.next() < 0.5 : false;
    const dy = options.shift ? rng.int(2 * maxRowShift + 1) - maxRowShift : 0;
    const dx = options.shift ? rng.int(2 * maxColumnShift + 1) - maxColumnShift : 0;
    const base = sample * sampleValues;
    for (let row = Math.max(0, dy); row < Math.min(height, height + dy); row++) {
      const sourceRow = base + (row - dy) * rowValues;
      const targetRow = base + row * rowValues;
      for (let column = Math.max(0, dx); column < Math.min(width, width + dx); column++) {
        const shifted = column - dx;
        const sourceColumn = flipped ? width - 1 - shifted : shifted;
        const source = sourceRow + sourceColumn * channels;
        const target = targetRow + column * channels;
        for (let channel = 0; channel < channels; channel++) out[target + channel] = x[source + channel];
      }
    }
  }
  return out;
}
