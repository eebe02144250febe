import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a spec's runs go unless told otherwise: next to the spec, in `.dropout/runs`. */
export function defaultRunsRoot(specPath: string): string {
  return path.join(path.dirname(path.resolve(specPath)), '.dropout', 'runs');
}

/** A folder name for an experiment: lower case letters, digits, dots, dashes. */
export function experimentSlug(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return slug || 'experiment';
}

/** Sortable by start time; a random suffix keeps two sweeps started in the same millisecond apart. */
export function newSweepId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(3).toString('hex')}`;
}

export function sweepDir(runsRoot: string, experiment: string, sweepId: string): string {
  return path.join(runsRoot, experimentSlug(experiment), sweepId);
}

/** The runs folder a sweep folder of `sweepDir(runsRoot, …)` lies in. */
export const runsRootOfSweep = (dir: string): string => path.dirname(path.dirname(dir));

/** Decoded image folders shared by the sweeps of a runs folder (store/datasetCache.ts); not a sweep, so not listed. */
export const datasetCacheDir = (runsRoot: string): string => path.join(runsRoot, '.cache', 'datasets');

export function trialFile(dir: string, trialId: string): string {
  return path.join(dir, 'trials', `${trialId}.jsonl`);
}

export const manifestFile = (dir: string): string => path.join(dir, 'sweep.json');

export function specHash(text: string | Buffer): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** The sha256 of a file's bytes (a builder module's, recorded in the manifest). */
export function fileHash(file: string): string {
  return specHash(fs.readFileSync(file));
}

/** A paused Hyperband trial: `.json` (epoch, RNG states, tensor layout) and `.bin` (the tensor values). */
export function checkpointPaths(dir: string, trialId: string): { json: string; bin: string } {
  const base = path.join(dir, 'checkpoints', trialId);
  return { json: `${base}.json`, bin: `${base}.bin` };
}

/** A trial's model at its selected epoch, written by its trainer: `models/<trial id>/` (kept until the sweep ends). */
export function trialModelDir(dir: string, trialId: string): string {
  return path.join(modelsDir(dir), trialId);
}

export const modelsDir = (dir: string): string => path.join(dir, 'models');

/** The sweep's best model, published by the runner when the sweep ends. */
export const bestModelDir = (dir: string): string => path.join(dir, 'best-model');

/** The files of a TF.js Layers model folder. */
export function modelFiles(modelDir: string): { json: string; weights: string } {
  return { json: path.join(modelDir, 'model.json'), weights: path.join(modelDir, 'weights.bin') };
}
