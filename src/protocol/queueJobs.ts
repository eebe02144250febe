/**
 * What crosses Redis between a runner and `dropout-lab worker` processes (BullMQ jobs). Everything here is JSON
 * that another machine wrote: receivers check it with these guards before trusting it.
 */
import type { BackendInfo } from '../core/backend';
import type { ExperimentSpec } from '../core/spec';
import type { EpochMetrics, TrialPlacement, TrialPlan, TrialSummary } from '../core/trial';
import { hasBackend, isEpochCount, isEpochMetrics, isFiniteNumber, isObject, isString, isTrialPlan, isTrialSummary } from './guards';

/** The BullMQ queue every runner and worker of one Redis database share. */
export const trialQueueName = 'dropout-lab-trials';

/**
 * One trial job: the trial, how far to train it, and the spec it belongs to. Built-in datasets travel as their
 * seed (a worker regenerates them); the spec's own files (a CSV, an image folder, a builder module, a model.json)
 * are read from `specDir`, the spec's folder as the runner sees it, which a worker must see at the same path.
 */
export interface TrialJobData {
  sweepId: string;
  trial: TrialPlan;
  spec: ExperimentSpec;
  specDir: string;
  untilEpoch?: number;
  /** Continue from the trial's checkpoint (a Hyperband promotion), which the worker reads from Redis. */
  resume: boolean;
  /** Leave a checkpoint (into Redis) when the job completes: the trial may be promoted. */
  checkpoint: boolean;
}

/** Progress a worker reports while a job runs (BullMQ progress events, in order, through a Redis stream). */
export type TrialJobProgress =
  | { type: 'trialStarted'; parameterCount: number; where: TrialPlacement; backend: BackendInfo; pid: number }
  | { type: 'epoch'; metrics: EpochMetrics; endedAt?: number };

/**
 * What a finished job returns. The epochs repeat what progress reported, so a runner that missed some (it was
 * restarted, its connection dropped) still stores every one.
 */
export interface TrialJobResult {
  summary: TrialSummary;
  epochs: EpochMetrics[];
  parameterCount?: number;
  where?: TrialPlacement;
}

/**
 * `sweepId/trialId/epochs` (the issue's `sweepId:trialId:rung`; BullMQ refuses ':' in an id): the same job added
 * twice, by a runner that resumes, is one job.
 */
export function trialJobId(sweepId: string, trialId: string, untilEpoch: number | undefined): string {
  return `${sweepId}/${trialId}/${untilEpoch ?? 'all'}`;
}

/** Set by a runner that stops its sweep: workers cancel the sweep's running jobs at their next batch and skip its others. */
export const cancelKey = (sweepId: string): string => `dropout-lab:cancel:${sweepId}`;

/** A hash of a trial's artifacts (checkpoint, model; see store/trialArtifacts.ts) on their way to the runner or the next worker. */
export const artifactsKey = (sweepId: string, trialId: string): string => `dropout-lab:artifacts:${sweepId}:${trialId}`;

/** How long those keys outlive a sweep that never cleans up (its runner was killed and never resumed). */
export const queueKeyTtlSeconds = 7 * 24 * 3600;

function isPlacement(value: unknown): value is TrialPlacement {
  return isObject(value) && isString(value.host) && isFiniteNumber(value.slot) && isEpochCount(value.attempt);
}

export function isTrialJobData(value: unknown): value is TrialJobData {
  return isObject(value) && isString(value.sweepId) && isTrialPlan(value.trial) && isObject(value.spec)
    && (value.untilEpoch === undefined || isEpochCount(value.untilEpoch))
    && isString(value.specDir) && typeof value.resume === 'boolean' && typeof value.checkpoint === 'boolean';
}

export function isTrialJobProgress(value: unknown): value is TrialJobProgress {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'trialStarted':
      return isFiniteNumber(value.parameterCount) && isPlacement(value.where) && hasBackend(value) && isFiniteNumber(value.pid);
    case 'epoch':
      return isEpochMetrics(value.metrics) && (value.endedAt === undefined || isFiniteNumber(value.endedAt));
    default:
      return false;
  }
}

export function isTrialJobResult(value: unknown): value is TrialJobResult {
  return isObject(value) && isTrialSummary(value.summary) && Array.isArray(value.epochs) && value.epochs.every(isEpochMetrics)
    && (value.parameterCount === undefined || isFiniteNumber(value.parameterCount)) && (value.where === undefined || isPlacement(value.where));
}
