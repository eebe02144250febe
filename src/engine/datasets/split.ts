import { permutation, type Rng } from '../random';
import { DatasetError, type Split } from './types';

/** round(samples × fraction), kept within [1, samples − 1] so that neither split is empty. */
export function validationCount(samples: number, validationFraction: number): number {
  if (!Number.isInteger(samples) || samples < 2) {
    throw new DatasetError(`need at least 2 samples to make a train and a validation split, got ${samples}`);
  }
  const rounded = Math.round(samples * validationFraction);
  return Math.min(samples - 1, Math.max(1, rounded));
}

/**
 * Train, validation and test sizes for `samples` rows: validation as validationCount; test round(samples ×
 * testFraction), at least 1 when the fraction is > 0 and at most what leaves one training row; train the rest.
 * testFraction 0 (or absent: a spec stored before test splits) makes no test split.
 */
export function splitCounts(samples: number, validationFraction: number, testFraction = 0): { train: number; validation: number; test: number } {
  const validation = validationCount(samples, validationFraction);
  if (!(testFraction > 0)) return { train: samples - validation, validation, test: 0 };
  if (samples - validation < 2) {
    throw new DatasetError(`need at least 3 samples to make a train, a validation and a test split, got ${samples} (testFraction 0 makes no test split)`);
  }
  const test = Math.min(samples - validation - 1, Math.max(1, Math.round(samples * testFraction)));
  return { train: samples - validation - test, validation, test };
}

/** Copies the given rows (in the given order) into a new split. */
export function gatherRows(x: Float32Array, y: Float32Array, featureCount: number, rows: ArrayLike<number>): Split {
  const count = rows.length;
  const gatheredX = new Float32Array(count * featureCount);
  const gatheredY = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const row = rows[i];
    gatheredX.set(x.subarray(row * featureCount, (row + 1) * featureCount), i * featureCount);
    gatheredY[i] = y[row];
  }
  return { count, x: gatheredX, y: gatheredY };
}

/**
 * Shuffles all rows with `rng`; then the first `train` rows train, the next `test` rows test and the last
 * `validation` rows validate. The validation rows are the ones they were before test splits existed (same seed, same
 * fraction), and the training rows a subset of the earlier ones: a uniformly random partition either way.
 */
export function shuffleAndSplit(
  x: Float32Array,
  y: Float32Array,
  featureCount: number,
  counts: { validation: number; test: number },
  rng: Rng,
): { train: Split; validation: Split; test: Split } {
  const order = permutation(y.length, rng);
  const validationStart = y.length - counts.validation;
  const trainCount = validationStart - counts.test;
  return {
    train: gatherRows(x, y, featureCount, order.subarray(0, trainCount)),
    test: gatherRows(x, y, featureCount, order.subarray(trainCount, validationStart)),
    validation: gatherRows(x, y, featureCount, order.subarray(validationStart)),
  };
}
