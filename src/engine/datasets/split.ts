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

/** Shuffles all rows with `rng`, then the first (count − validation) rows train and the rest validate. */
export function shuffleAndSplit(
  x: Float32Array,
  y: Float32Array,
  featureCount: number,
  validation: number,
  rng: Rng,
): { train: Split; validation: Split } {
  const order = permutation(y.length, rng);
  const trainCount = y.length - validation;
  return {
    train: gatherRows(x, y, featureCount, order.subarray(0, trainCount)),
    validation: gatherRows(x, y, featureCount, order.subarray(trainCount)),
  };
}
