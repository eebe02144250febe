/**
 * The trainer process: forked by the runner, it owns TF.js. It initialises the backend named in argv once,
 * then trains the trials it is sent one at a time, reporting every step as a TrainerEvent over IPC.
 */
import * as path from 'node:path';
import { initBackend } from '../engine/backend';
import { workspaceFiles } from '../workspace/dataFiles';
import { loadDataset } from '../engine/datasets';
import type { Dataset } from '../engine/datasets/types';
import type { ExperimentSpec } from '../core/spec';
import { decodeCheckpoint, encodeCheckpoint } from '../engine/train/checkpoint';
import { trainTrial, type PausedTrial, type TrainedModel } from '../engine/train/loop';
import { trialModelArtifacts } from '../engine/model/export';
import { ownModelOf } from '../engine/model/modelFile';
import { readCheckpointFiles, writeCheckpointFiles } from '../store/checkpoints';
import { imageCache } from '../store/datasetCache';
import { writeModelFiles } from '../store/modelFiles';
import { assertNever } from '../core/assertNever';
import { backendChoices, type BackendChoice } from '../core/backend';
import { isTrainerCommand, type TrainerCommand, type TrainerEvent } from '../protocol/trainer';
import { errorMessage } from '../core/errors';
import { discoverModule, moduleProblemOf, moduleTrialModel } from './moduleBuild';

/** Resolves once the event is handed to the IPC channel, so exiting right after it does not lose it. */
function send(event: TrainerEvent): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(event, () => resolve()) : resolve()));
}

/** A trainer may run several trials of one sweep; trials with the same seed share their data split. */
const datasetCache = new Map<string, Dataset>();

/** An image folder is read from the runs folder's decoded copy (`dataCacheDir`), so no trial decodes it again. */
function datasetFor(spec: ExperimentSpec, specDir: string, seed: number, dataCacheDir: string | undefined): Dataset {
  const key = JSON.stringify([spec.dataset, specDir, seed]);
  let dataset = datasetCache.get(key);
  if (!dataset) {
    dataset = loadDataset(spec.dataset, { seed, files: workspaceFiles(specDir, dataCacheDir ? imageCache(dataCacheDir) : undefined) });
    datasetCache.clear(); // keep one: a sweep's next trial usually needs a different seed's split
    datasetCache.set(key, dataset);
  }
  return dataset;
}

/** The model a model.from spec trains, read once per process (every trial of a sweep trains the same file). */
const ownModelCache = new Map<string, ReturnType<typeof ownModelOf>>();

function ownModelFor(spec: ExperimentSpec, specDir: string): ReturnType<typeof ownModelOf> {
  const key = JSON.stringify([spec.model, specDir]);
  if (!ownModelCache.has(key)) ownModelCache.set(key, ownModelOf(spec, workspaceFiles(specDir)));
  return ownModelCache.get(key);
}

let cancelled = false;
let queue: Promise<void> = Promise.resolve();

type TrainCommand = Extract<TrainerCommand, { type: 'run' | 'resume' }>;

async function runTrial(command: TrainCommand): Promise<void> {
  const { trial, spec, specDir, untilEpoch, checkpointDir, modelDir, dataCacheDir } = command;
  cancelled = false;
  const started = Date.now();
  try {
    const dataset = datasetFor(spec, path.resolve(specDir), trial.seed, dataCacheDir);
    // A checkpoint is read from disk even when this process wrote it: one path, whichever trainer resumes.
    const resumeFrom = command.type === 'resume' ? decodeCheckpoint(readCheckpointFiles(command.checkpointDir, trial.id)) : undefined;
    // A builder module is built again for every trial (and every resumed rung): its values shape the model. A
    // model.from file is read once per process.
    if (spec.model.module) await send({ type: 'building', trialId: trial.id });
    const own = spec.model.module
      ? { ownModel: await moduleTrialModel(spec, specDir, trial.hp ?? {}, () => dataset) }
      : ownModelFor(spec, path.resolve(specDir));
    const input = { spec, dataset, rate: trial.rate, inputRate: trial.inputRate, hp: trial.hp, seed: trial.seed, untilEpoch, resumeFrom, ...own };
    const summary = await trainTrial(input, {
      ...(checkpointDir ? { onPause: (state: PausedTrial) => writeCheckpointFiles(checkpointDir, trial.id, encodeCheckpoint(state)) } : {}),
      ...(modelDir ? { onModel: async (model: TrainedModel) => writeModelFiles(modelDir, await trialModelArtifacts(model, { spec, dataset, trial })) } : {}),
      onStart: ({ parameterCount }) => void send({
        type: 'trialStarted', trialId: trial.id, parameterCount,
        trainSamples: dataset.train.count, validationSamples: dataset.validation.count, testSamples: dataset.test.count,
      }),
      onEpoch: (metrics) => void send({ type: 'epoch', trialId: trial.id, metrics, endedAt: performance.timeOrigin + performance.now() }),
      isCancelled: () => cancelled,
    });
    await send({ type: 'trialEnded', trialId: trial.id, summary });
  } catch (error) {
    await send({
      type: 'trialEnded', trialId: trial.id,
      summary: { status: 'failed', epochs: 0, stoppedEarly: false, durationMs: Date.now() - started, error: errorMessage(error) },
    });
  }
}

async function discover(command: Extract<TrainerCommand, { type: 'discover' }>): Promise<void> {
  const { spec, specDir, dataCacheDir } = command;
  try {
    const discovery = await discoverModule(spec, specDir, () => datasetFor(spec, path.resolve(specDir), spec.training.seed, dataCacheDir));
    await send({ type: 'discovered', discovery });
  } catch (error) {
    await send({ type: 'discoveryFailed', problem: moduleProblemOf(error) });
  }
}

function handle(command: TrainerCommand): void {
  switch (command.type) {
    case 'run':
    case 'resume':
      queue = queue.then(() => runTrial(command));
      return;
    case 'cancel':
      cancelled = true;
      return;
    case 'discover':
      queue = queue.then(() => discover(command));
      return;
    default:
      assertNever(command, 'trainer command');
  }
}

async function main(): Promise<void> {
  const requested = process.argv[2] ?? 'auto';
  if (!backendChoices.includes(requested as BackendChoice)) {
    await send({ type: 'fatal', message: `unknown backend "${requested}" (expected ${backendChoices.join(', ')})` });
    process.exit(2);
  }
  try {
    await send({ type: 'ready', backend: await initBackend(requested as BackendChoice) });
  } catch (error) {
    await send({ type: 'fatal', message: errorMessage(error) });
    process.exit(1);
  }
  process.on('message', (message: unknown) => {
    if (isTrainerCommand(message)) handle(message);
    else process.stderr.write(`trainer: dropped a malformed command: ${JSON.stringify(message)?.slice(0, 200)}\n`);
  });
  // The runner owns our lifetime: when it goes away, so do we.
  process.on('disconnect', () => process.exit(0));
}

void main();
