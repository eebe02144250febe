/**
 * A paused trial as two byte strings, so that a promoted Hyperband trial resumes on whichever trainer process picks
 * it up (the store writes them as checkpoints/<trial id>.{json,bin}):
 *   json  everything but the tensor values, and where each tensor's values are
 *   bin   the values, 4 bytes each (float32 or int32), little-endian, back to back
 */
import { isRngState, type RngState } from '../random';
import type { PausedTrial, SavedTensor } from './loop';

const checkpointFormat = 1;

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: SavedTensor['dtype'];
  /** Index of the first value in the .bin, in 4-byte values. */
  offset: number;
}

interface CheckpointJson extends Omit<PausedTrial, 'variables' | 'optimizer' | 'bestModel'> {
  format: typeof checkpointFormat;
  variables: TensorEntry[];
  optimizer: TensorEntry[];
  /** The selected epoch's weights (what the trial exports: sweep.select by the objective), after the optimizer's in the .bin. */
  bestModel?: Omit<NonNullable<PausedTrial['bestModel']>, 'variables'> & { variables: TensorEntry[] };
}

/** A checkpoint's two parts; `names` says where they came from in error messages. */
export interface CheckpointFiles {
  json: string;
  bin: Uint8Array;
  names?: { json: string; bin: string };
}

export function encodeCheckpoint(paused: PausedTrial): CheckpointFiles {
  const tensors = [...paused.variables, ...paused.optimizer, ...(paused.bestModel?.variables ?? [])];
  const total = tensors.reduce((sum, tensor) => sum + tensor.values.length, 0);
  const buffer = Buffer.alloc(total * 4);
  let offset = 0;
  const entry = (tensor: SavedTensor): TensorEntry => {
    const at = offset;
    tensor.values.forEach((value, i) => {
      if (tensor.dtype === 'int32') buffer.writeInt32LE(value, (at + i) * 4);
      else buffer.writeFloatLE(value, (at + i) * 4);
    });
    offset += tensor.values.length;
    return { name: tensor.name, shape: tensor.shape, dtype: tensor.dtype, offset: at };
  };
  const { variables, optimizer, bestModel, ...rest } = paused;
  const document: CheckpointJson = {
    format: checkpointFormat, ...rest, variables: variables.map(entry), optimizer: optimizer.map(entry),
    ...(bestModel ? { bestModel: { ...bestModel, variables: bestModel.variables.map(entry) } } : {}),
  };
  return { json: JSON.stringify(document), bin: buffer };
}

function isTensorEntry(value: unknown): value is TensorEntry {
  const v = value as TensorEntry;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && Array.isArray(v.shape)
    && v.shape.every((n) => Number.isInteger(n) && n >= 0) && (v.dtype === 'float32' || v.dtype === 'int32')
    && Number.isInteger(v.offset) && v.offset >= 0;
}

function isStreams(value: unknown): value is Record<number, RngState> {
  return typeof value === 'object' && value !== null && Object.values(value).every(isRngState);
}

/** Checks and decodes a checkpoint; throws naming the damaged part. */
export function decodeCheckpoint(files: CheckpointFiles): PausedTrial {
  const { json, bin } = files.names ?? { json: 'the checkpoint\'s JSON', bin: 'the checkpoint\'s tensor data' };
  let document: CheckpointJson;
  try {
    document = JSON.parse(files.json) as CheckpointJson;
  } catch {
    throw new Error(`${json} is not a valid checkpoint`);
  }
  const buffer = Buffer.from(files.bin.buffer, files.bin.byteOffset, files.bin.byteLength);
  const valid = document.format === checkpointFormat && Number.isInteger(document.epoch) && document.epoch >= 1
    && Array.isArray(document.variables) && document.variables.every(isTensorEntry)
    && Array.isArray(document.optimizer) && document.optimizer.every(isTensorEntry)
    && typeof document.rng === 'object' && document.rng !== null && isRngState(document.rng.batches)
    && isStreams(document.rng.trainingMasks) && isStreams(document.rng.evaluationMasks)
    && (document.rng.augment === undefined || isRngState(document.rng.augment))
    && Number.isInteger(document.epochsSinceBest) && typeof document.durationMs === 'number'
    && (document.bestModel === undefined || (Number.isInteger(document.bestModel.epoch) && typeof document.bestModel.metrics === 'object'
      && Array.isArray(document.bestModel.variables) && document.bestModel.variables.every(isTensorEntry)));
  if (!valid) throw new Error(`${json} is not a valid checkpoint`);
  const tensor = (entry: TensorEntry): SavedTensor => {
    const length = entry.shape.reduce((product, n) => product * n, 1);
    if ((entry.offset + length) * 4 > buffer.length) throw new Error(`${bin} is shorter than ${json} says`);
    const values = entry.dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
    for (let i = 0; i < length; i++) {
      values[i] = entry.dtype === 'int32' ? buffer.readInt32LE((entry.offset + i) * 4) : buffer.readFloatLE((entry.offset + i) * 4);
    }
    return { name: entry.name, shape: entry.shape, dtype: entry.dtype, values };
  };
  const { format: _format, variables, optimizer, bestModel, ...rest } = document;
  return {
    ...rest, variables: variables.map(tensor), optimizer: optimizer.map(tensor),
    ...(bestModel ? { bestModel: { ...bestModel, variables: bestModel.variables.map(tensor) } } : {}),
  };
}
