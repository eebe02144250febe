import assert from 'node:assert/strict';
import { DatasetError } from '../../src/engine/datasets/types';

/** The DatasetError `run` throws; fails the test when it throws something else or nothing. */
export function datasetErrorOf(run: () => unknown): DatasetError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DatasetError, `expected a DatasetError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a DatasetError');
}
