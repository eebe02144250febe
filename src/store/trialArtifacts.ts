/**
 * A trial's files besides its curve: its checkpoint (a paused Hyperband trial) and its selected epoch's model. A
 * queue worker trains in a scratch sweep folder of its own; these files travel from there through Redis into the
 * runner's sweep folder (and a checkpoint on to the worker that resumes the trial), by these names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCheckpointFiles } from './checkpoints';
import { checkpointPaths, modelFiles, trialModelDir } from './layout';
import { writeModelFiles } from './modelFiles';

/** The names a trial's artifacts travel under. */
const artifactNames = { checkpointJson: 'checkpoint.json', checkpointBin: 'checkpoint.bin', modelJson: 'model.json', weights: 'weights.bin' } as const;

export type TrialArtifacts = Partial<Record<(typeof artifactNames)[keyof typeof artifactNames], Buffer>>;

function readIfThere(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What `trialId` left in `sweepDir`: its checkpoint and its model, each when there. */
export function readTrialArtifacts(sweepDir: string, trialId: string): TrialArtifacts {
  const checkpoint = checkpointPaths(sweepDir, trialId);
  const model = modelFiles(trialModelDir(sweepDir, trialId));
  const found: TrialArtifacts = {
    [artifactNames.checkpointJson]: readIfThere(checkpoint.json), [artifactNames.checkpointBin]: readIfThere(checkpoint.bin),
    [artifactNames.modelJson]: readIfThere(model.json), [artifactNames.weights]: readIfThere(model.weights),
  };
  return Object.fromEntries(Object.entries(found).filter(([, bytes]) => bytes !== undefined));
}

/**
 * Writes what came from elsewhere into `sweepDir`, each pair complete or not at all (the checkpoint's .bin before its
 * .json, the weights before model.json, as the local writers do). Names other than the four above are ignored.
 */
export function writeTrialArtifacts(sweepDir: string, trialId: string, artifacts: Record<string, Buffer>): void {
  const json = artifacts[artifactNames.checkpointJson];
  const bin = artifacts[artifactNames.checkpointBin];
  if (json && bin) writeCheckpointFiles(sweepDir, trialId, { json: json.toString('utf8'), bin });
  const modelJson = artifacts[artifactNames.modelJson];
  const weights = artifacts[artifactNames.weights];
  if (modelJson && weights) writeModelFiles(trialModelDir(sweepDir, trialId), { modelJson: modelJson.toString('utf8'), weights });
}

/** A worker's scratch sweep folder, gone once the worker has handed its files on. */
export function removeScratch(dir: string): void {
  fs.rmSync(path.resolve(dir), { recursive: true, force: true });
}
