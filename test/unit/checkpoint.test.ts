import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/engine/train/checkpoint';
import { readCheckpointFiles, writeCheckpointFiles } from '../../src/store/checkpoints';
import { checkpointPaths } from '../../src/store/layout';
import type { PausedTrial } from '../../src/engine/train/loop';
import { createRng } from '../../src/engine/random';
import { tempDir } from '../support/specs';

function paused(): PausedTrial {
  const rng = createRng(3);
  rng.normal(); // leaves a Box–Muller spare in the state
  return {
    epoch: 3,
    variables: [
      { name: 'weight/0', shape: [2, 3], dtype: 'float32', values: Float32Array.from([0.5, -1.25, 3e-8, 7, -0, 1e30]) },
      { name: 'weight/1', shape: [3], dtype: 'float32', values: Float32Array.from([0, 1, 2]) },
    ],
    optimizer: [
      { name: 'iter', shape: [], dtype: 'int32', values: Int32Array.from([42]) },
      { name: '1/m', shape: [2, 3], dtype: 'float32', values: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    ],
    rng: { batches: rng.state(), trainingMasks: { 1: createRng(4).state() }, evaluationMasks: {} },
    best: { epoch: 2, val_loss: 0.25, val_acc: 0.9 },
    epochsSinceBest: 1,
    durationMs: 1234,
  };
}

describe('checkpoints', () => {
  test('a paused trial round-trips through checkpoints/<trial>.json + .bin exactly', () => {
    const dir = tempDir();
    const original = paused();
    writeCheckpointFiles(dir, 'i0-b1-000_rate-0.5_seed-3', encodeCheckpoint(original));
    const { json, bin } = checkpointPaths(dir, 'i0-b1-000_rate-0.5_seed-3');
    assert.equal(path.dirname(json), path.join(dir, 'checkpoints'));
    assert.equal(fs.statSync(bin).size, (6 + 3 + 1 + 6) * 4);
    assert.deepEqual(decodeCheckpoint(readCheckpointFiles(dir, 'i0-b1-000_rate-0.5_seed-3')), original);
    // The restored generator continues the same sequence.
    const [a, b] = [createRng(0, original.rng.batches), createRng(0, decodeCheckpoint(readCheckpointFiles(dir, 'i0-b1-000_rate-0.5_seed-3')).rng.batches)];
    assert.deepEqual([a.normal(), a.next(), a.next()], [b.normal(), b.next(), b.next()]);
  });

  test('a missing, damaged or short checkpoint is an error naming the file', () => {
    const dir = tempDir();
    assert.throws(() => decodeCheckpoint(readCheckpointFiles(dir, 'nope')), /cannot read the checkpoint of nope/);
    writeCheckpointFiles(dir, 't', encodeCheckpoint(paused()));
    const { json, bin } = checkpointPaths(dir, 't');
    fs.writeFileSync(bin, Buffer.alloc(8));
    assert.throws(() => decodeCheckpoint(readCheckpointFiles(dir, 't')), /is shorter than/);
    fs.writeFileSync(json, JSON.stringify({ format: 1, epoch: 0 }));
    assert.throws(() => decodeCheckpoint(readCheckpointFiles(dir, 't')), /is not a valid checkpoint/);
  });
});
