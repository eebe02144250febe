/** Messages between the runner and its trainer child processes (one JSON object per line over IPC). */
import type { BackendInfo } from '../core/backend';
import type { HpSpace } from '../core/hyperparameters';
import type { ExperimentSpec, LayerType } from '../core/spec';
import type { EpochMetrics, TrialPlan, TrialSummary } from '../core/trial';
import { hasBackend, isEpochCount, isFiniteNumber, isEpochPayload, isObject, isOptionalString, isTrialEndedPayload, isTrialPlan } from './guards';

/**
 * How long a builder module's build() may take. One that awaits forever is stopped by the trainer itself; one that
 * loops forever holds the trainer, which its parent kills (discovery's process, or the pool after `building`).
 */
export const moduleBuildTimeoutMs = 30_000;

/** Set by the runner for its trainers: the folder of a tfjs-node installed outside node_modules. */
export const tfjsNodePathEnv = 'DROPOUT_LAB_TFJS_NODE';

// ---------------------------------------------------------------- runner → trainer

/**
 * `run` trains a trial from scratch; `resume` continues a paused one from its checkpoint. With `untilEpoch` the
 * trial stops after that epoch (a Hyperband rung); with `checkpointDir` (the sweep's folder) a trial that completes
 * leaves a checkpoint there, so any trainer can resume it. With `modelDir` the trial's selected epoch is saved there as
 * a TF.js Layers model when it ends. With `dataCacheDir` (the runs folder's `.cache/datasets`) an image folder is read
 * from its decoded copy there, decoded and written once when there is none.
 */
export type TrainerCommand =
  | {
    type: 'run'; trial: TrialPlan; spec: ExperimentSpec; specDir: string; untilEpoch?: number; checkpointDir?: string; modelDir?: string;
    dataCacheDir?: string;
  }
  | {
    type: 'resume'; trial: TrialPlan; spec: ExperimentSpec; specDir: string; untilEpoch: number; checkpointDir: string; modelDir?: string;
    dataCacheDir?: string;
  }
  | { type: 'cancel' }
  /** Build the spec's `model.module` once with every default (keras-tuner's discovery) and report its space. */
  | { type: 'discover'; spec: ExperimentSpec; specDir: string; dataCacheDir?: string };

/** What discovery learns about a builder module before any trial starts. */
export interface ModuleDiscovery {
  /** Of the module file's bytes: a sweep records it, so a changed module is noticed on resume. */
  sha256: string;
  /** Every `hp` call, in call order, with keras-tuner's defaults filled in. */
  space: HpSpace;
  /** The layers of the model built with the defaults, as the engine trains them (its output layer last). */
  layers: LayerType[];
  /** Its dropout-kind layers: index in `layers`, the model's layer name, the rate the defaults gave. */
  dropoutLayers: { index: number; name: string; type: LayerType; rate: number }[];
  /** The floats whose default is a dropout layer's rate (the only such float), in layer order: the spec's model.dropoutHps. */
  dropoutHps: string[];
  /** E.g. a `compile` in the module (ignored), a name asked again with another definition. */
  warnings: string[];
}

/** Why a module could not be discovered or built: named, and positioned in the module when its code is at fault. */
export interface ModuleProblem {
  /** Complete: `model.mjs:4:9: build() threw: …`. */
  message: string;
  /** Without the module's name and position, for where those are shown apart (an editor's problem at the line). */
  detail?: string;
  /** The module's absolute path, with the 1-based line and column, when known. */
  file?: string;
  line?: number;
  column?: number;
}

// ---------------------------------------------------------------- trainer → runner

export type TrainerEvent =
  | { type: 'ready'; backend: BackendInfo }
  /** A trial's builder module is about to be built: the parent times the build from here (moduleBuildTimeoutMs). */
  | { type: 'building'; trialId: string }
  | { type: 'trialStarted'; trialId: string; parameterCount: number; trainSamples: number; validationSamples: number; testSamples?: number }
  /** `endedAt`: wall-clock time (ms since 1970, sub-millisecond) at which the trainer had the epoch's metrics. */
  | { type: 'epoch'; trialId: string; metrics: EpochMetrics; endedAt?: number }
  | { type: 'trialEnded'; trialId: string; summary: TrialSummary }
  | { type: 'fatal'; message: string }
  | { type: 'discovered'; discovery: ModuleDiscovery }
  | { type: 'discoveryFailed'; problem: ModuleProblem };

export function isTrainerCommand(value: unknown): value is TrainerCommand {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'run':
      return isTrialPlan(value.trial) && isObject(value.spec) && typeof value.specDir === 'string'
        && (value.untilEpoch === undefined || isEpochCount(value.untilEpoch))
        && (value.checkpointDir === undefined || typeof value.checkpointDir === 'string') && isOptionalString(value.modelDir)
        && isOptionalString(value.dataCacheDir);
    case 'resume':
      return isTrialPlan(value.trial) && isObject(value.spec) && typeof value.specDir === 'string'
        && isEpochCount(value.untilEpoch) && typeof value.checkpointDir === 'string' && isOptionalString(value.modelDir)
        && isOptionalString(value.dataCacheDir);
    case 'cancel':
      return true;
    case 'discover':
      return isObject(value.spec) && typeof value.specDir === 'string' && isOptionalString(value.dataCacheDir);
    default:
      return false;
  }
}

export function isTrainerEvent(value: unknown): value is TrainerEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return hasBackend(value);
    case 'building':
      return typeof value.trialId === 'string';
    case 'trialStarted':
      return typeof value.trialId === 'string' && isFiniteNumber(value.parameterCount);
    case 'epoch':
      return isEpochPayload(value);
    case 'trialEnded':
      return isTrialEndedPayload(value);
    case 'fatal':
      return typeof value.message === 'string';
    case 'discovered':
      return isObject(value.discovery) && typeof value.discovery.sha256 === 'string' && isObject(value.discovery.space)
        && Array.isArray(value.discovery.layers) && Array.isArray(value.discovery.dropoutLayers) && Array.isArray(value.discovery.dropoutHps)
        && Array.isArray(value.discovery.warnings);
    case 'discoveryFailed':
      return isObject(value.problem) && typeof value.problem.message === 'string';
    default:
      return false;
  }
}
