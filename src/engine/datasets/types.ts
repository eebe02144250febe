import type { Task } from '../spec/types';

/** Row-major samples: `x` has `count × featureCount` values. */
export interface Split {
  count: number;
  x: Float32Array;
  /** Classification: the class index of each sample (0…classCount−1). Regression: the target value. */
  y: Float32Array;
}

export interface Dataset {
  /** Human-readable, e.g. "moons (400 samples, noise 0.25)". */
  description: string;
  task: Task;
  featureCount: number;
  /** Number of classes for classification; 1 for regression. */
  classCount: number;
  train: Split;
  validation: Split;
  /** Classification: the name of each class index, when the data names them (CSV target values). */
  classNames?: string[];
  /** The feature names, when the data has them (CSV header). */
  featureNames?: string[];
  /**
   * Set when the features were standardised (CSV): x' = (x − mean) / std per feature, with the training split's
   * mean and population std (1 for a constant feature). A model trained on x' needs the same step on new data.
   */
  inputStandardization?: { mean: number[]; std: number[] };
}

/** An error in the data itself (missing file, bad cell…), with where it is. */
export class DatasetError extends Error {
  constructor(
    message: string,
    /** The file and, where known, the 1-based line. */
    readonly location?: { file: string; line?: number; column?: string },
  ) {
    super(location ? `${location.file}${location.line !== undefined ? `:${location.line}` : ''}: ${message}` : message);
    this.name = 'DatasetError';
  }
}
