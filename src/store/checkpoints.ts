/**
 * A paused trial on disk (checkpoints/<trial id>.{json,bin}, see layout.ts), as the engine encodes it. The .bin is
 * written before the .json, each through a temporary file and a rename: a reader that finds the .json finds a
 * complete .bin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from './atomic';
import { checkpointPaths, modelsDir } from './layout';
import { errorMessage } from '../core/errors';

export interface CheckpointBytes {
  json: string;
  bin: Uint8Array;
}

export function writeCheckpointFiles(sweepDir: string, trialId: string, checkpoint: CheckpointBytes): void {
  const { json, bin } = checkpointPaths(sweepDir, trialId);
  fs.mkdirSync(path.dirname(json), { recursive: true });
  writeFileAtomically(bin, checkpoint.bin);
  writeFileAtomically(json, checkpoint.json);
}

/** The two files with their paths (for the decoder's messages); throws naming the trial when they cannot be read. */
export function readCheckpointFiles(sweepDir: string, trialId: string): CheckpointBytes & { names: { json: string; bin: string } } {
  const names = checkpointPaths(sweepDir, trialId);
  try {
    return { json: fs.readFileSync(names.json, 'utf8'), bin: fs.readFileSync(names.bin), names };
  } catch (error) {
    throw new Error(`cannot read the checkpoint of ${trialId}: ${errorMessage(error)}`);
  }
}

/** A stopped trial is never resumed: its checkpoint (weights and optimizer slots, megabytes for MNIST) goes. */
export function removeCheckpoint(sweepDir: string, trialId: string): void {
  const { json, bin } = checkpointPaths(sweepDir, trialId);
  fs.rmSync(json, { force: true });
  fs.rmSync(bin, { force: true });
}

/**
 * At the end of a sweep: checkpoints only serve promotions within it, and per-trial models only the choice of its
 * best model (best-model/ is what it keeps); the trials' JSONL curves stay.
 */
export function removeSweepScratch(sweepDir: string, what: 'checkpoints' | 'trialModels'): void {
  fs.rmSync(what === 'checkpoints' ? path.dirname(checkpointPaths(sweepDir, 'x').json) : modelsDir(sweepDir), { recursive: true, force: true });
}
