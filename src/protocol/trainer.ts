/** Messages between the runner and its trainer child processes (one JSON object per line over IPC). */
import type { BackendInfo } from '../core/backend';
import type { ExperimentSpec } from '../core/spec';
import type { EpochMetrics, TrialPlan, TrialSummary } from '../core/trial';
import { hasBackend, isEpochCount, isFiniteNumber, isEpochPayload, isObject, isOptionalString, isTrialEndedPayload, isTrialPlan } from './guards';

/** Set by the runner for its trainers: the folder of a tfjs-node installed outside node_modules. */
export const tfjsNodePathEnv = 'DROPOUT_LAB_TFJS_NODE';

// ---------------------------------------------------------------- runner → trainer

/**
 * `run` trains a trial from scratch; `resume` continues a paused one from its checkpoint. With `untilEpoch` the
 * trial stops after that epoch (a Hyperband rung); with `checkpointDir` (the sweep's folder) a trial that completes
 * leaves a checkpoint there, so any trainer can resume it. With `modelDir` the trial's selected epoch is saved there as
 * a TF.js Layers model when it ends.
 */
export type TrainerCommand =
  | { type: 'run'; trial: TrialPlan; spec: ExperimentSpec; specDir: string; untilEpoch?: number; checkpointDir?: string; modelDir?: string }
  | { type: 'resume'; trial: TrialPlan; spec: ExperimentSpec; specDir: string; untilEpoch: number; checkpointDir: string; modelDir?: string }
  | { type: 'cancel' };

// ---------------------------------------------------------------- trainer → runner

export type TrainerEvent =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'trialStarted'; trialId: string; parameterCount: number; trainSamples: number; validationSamples: number; testSamples?: number }
  /** `endedAt`: wall-clock time (ms since 1970, sub-millisecond) at which the trainer had the epoch's metrics. */
  | { type: 'epoch'; trialId: string; metrics: EpochMetrics; endedAt?: number }
  | { type: 'trialEnded'; trialId: string; summary: TrialSummary }
  | { type: 'fatal'; message: string };

export function isTrainerCommand(value: unknown): value is TrainerCommand {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'run':
      return isTrialPlan(value.trial) && isObject(value.spec) && typeof value.specDir === 'string'
        && (value.untilEpoch === undefined || isEpochCount(value.untilEpoch))
        && (value.checkpointDir === undefined || typeof value.checkpointDir === 'string') && isOptionalString(value.modelDir);
    case 'resume':
      return isTrialPlan(value.trial) && isObject(value.spec) && typeof value.specDir === 'string'
        && isEpochCount(value.untilEpoch) && typeof value.checkpointDir === 'string' && isOptionalString(value.modelDir);
    case 'cancel':
      return true;
    default:
      return false;
  }
}

export function isTrainerEvent(value: unknown): value is TrainerEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return hasBackend(value);
    case 'trialStarted':
      return typeof value.trialId === 'string' && isFiniteNumber(value.parameterCount);
    case 'epoch':
      return isEpochPayload(value);
    case 'trialEnded':
      return isTrialEndedPayload(value);
    case 'fatal':
      return typeof value.message === 'string';
    default:
      return false;
  }
}
