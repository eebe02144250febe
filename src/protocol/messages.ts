/**
 * Every message that crosses a process or webview boundary: runner → trainer commands, trainer → runner events,
 * and the sweep events the runner gives its listeners (CLI, extension, later the webviews).
 * Receivers validate with the guards below before trusting a message.
 *
 * Metric names follow Keras (`loss`, `val_loss`, …). Rates are DROP probabilities; keep = 1 − rate.
 */
import type { ExperimentSpec } from '../engine/spec/types';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendChoice, 'auto'>;
export const backendChoices: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
/** Set by the runner for its trainers: the folder of a tfjs-node installed outside node_modules. */
export const tfjsNodePathEnv = 'DROPOUT_LAB_TFJS_NODE';

/** One model to train: one rate × one seed. */
export interface TrialPlan {
  /** Stable within a sweep and usable as a file name, e.g. `rate-0.30_seed-2`. */
  id: string;
  /** Drop probability of the hidden-layer dropout. */
  rate: number;
  seed: number;
  /** 0-based repeat index of this rate (seed = training.seed + repeat). */
  repeat: number;
  /** Hyperband: the iteration and bracket (keras-tuner bracket_num) the trial belongs to. */
  hyperband?: { iteration: number; bracket: number };
}

/** Metrics at the end of one epoch. Every loss is a mean over samples. */
export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  /** Mean training-batch loss with dropout active, as Keras reports `loss`. */
  loss: number;
  /** Training-batch accuracy with dropout active (classification only). */
  acc?: number;
  /** Whole training set under the deterministic inference rule; the overfitting gap is val_loss − train_loss. */
  train_loss: number;
  train_acc?: number;
  /** Validation set under the deterministic inference rule (inverted: identity; standard: W_test = p·W). */
  val_loss: number;
  val_acc?: number;
  /** Validation set scored by Monte-Carlo dropout: the mean prediction of T stochastic passes. */
  mc_val_loss?: number;
  mc_val_acc?: number;
  durationMs: number;
}

export type TrialStatus = 'completed' | 'cancelled' | 'failed' | 'interrupted';

export interface BestEpoch {
  epoch: number;
  val_loss: number;
  val_acc?: number;
}

export interface TrialSummary {
  status: TrialStatus;
  epochs: number;
  stoppedEarly: boolean;
  durationMs: number;
  final?: EpochMetrics;
  best?: BestEpoch;
  error?: string;
  /** Hyperband: not promoted at the end of a round, so stopped after `epochs` (the file's last summary says so). */
  stoppedByStrategy?: boolean;
}

/** Hyperband: one round of one bracket as decided (who was promoted, who was stopped). */
export interface Rung {
  iteration: number;
  /** keras-tuner's bracket_num. */
  bracket: number;
  round: number;
  /** Cumulative epochs each trial of the round trained to. */
  epochs: number;
  trials: string[];
  /** Continue to the next round, resumed from their checkpoint. */
  promoted: string[];
  /** Ran to `epochs` and were not promoted. In a bracket's last round nobody is stopped: those trials completed. */
  stopped: string[];
  /** Failed, cancelled or never run (budget): not ranked. */
  unranked: string[];
}

export interface BackendInfo {
  name: BackendName;
  /** Version of @tensorflow/tfjs-core and of the backend package. */
  versions: Record<string, string>;
  /** Why preferred backends were passed over, e.g. "tensorflow: Cannot find module '@tensorflow/tfjs-node'". */
  fallbacks: string[];
}

// ---------------------------------------------------------------- runner → trainer

/**
 * `run` trains a trial from scratch; `resume` continues a paused one from its checkpoint. With `untilEpoch` the
 * trial stops after that epoch (a Hyperband rung); with `checkpointDir` (the sweep's folder) a trial that completes
 * leaves a checkpoint there, so any trainer can resume it.
 */
export type TrainerCommand =
  | { type: 'run'; trial: TrialPlan; spec: ExperimentSpec; specDir: string; untilEpoch?: number; checkpointDir?: string }
  | { type: 'resume'; trial: TrialPlan; spec: ExperimentSpec; specDir: string; untilEpoch: number; checkpointDir: string }
  | { type: 'cancel' };

// ---------------------------------------------------------------- trainer → runner

export type TrainerEvent =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'trialStarted'; trialId: string; parameterCount: number; trainSamples: number; validationSamples: number }
  /** `endedAt`: wall-clock time (ms since 1970, sub-millisecond) at which the trainer had the epoch's metrics. */
  | { type: 'epoch'; trialId: string; metrics: EpochMetrics; endedAt?: number }
  | { type: 'trialEnded'; trialId: string; summary: TrialSummary }
  | { type: 'fatal'; message: string };

// ---------------------------------------------------------------- runner → listeners

export type SweepStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

export type SweepEvent =
  | { type: 'sweepStarted'; sweepId: string; dir: string; experiment: string; trials: TrialPlan[]; epochs: number; workers: number }
  | { type: 'backendReady'; worker: number; pid: number; backend: BackendInfo }
  | { type: 'trialStarted'; trialId: string; worker: number; pid: number; parameterCount: number }
  /** `endedAt` as the trainer stamped it: the bench measures the delay from an epoch's end to a listener. */
  | { type: 'epoch'; trialId: string; metrics: EpochMetrics; endedAt?: number }
  | { type: 'trialEnded'; trialId: string; summary: TrialSummary }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'sweepEnded'; status: SweepStatus };

// ---------------------------------------------------------------- guards

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** Losses may legitimately be NaN or Infinity when training diverges; JSON carries those as null. */
const isMetric = (value: unknown): boolean => typeof value === 'number' || value === null;

const isEpochCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;

export function isTrialPlan(value: unknown): value is TrialPlan {
  return isObject(value) && typeof value.id === 'string' && isFiniteNumber(value.rate) && isFiniteNumber(value.seed)
    && isFiniteNumber(value.repeat);
}

export function isEpochMetrics(value: unknown): value is EpochMetrics {
  return isObject(value) && isFiniteNumber(value.epoch) && isMetric(value.loss) && isMetric(value.val_loss)
    && isMetric(value.train_loss) && isFiniteNumber(value.durationMs);
}

export function isTrialSummary(value: unknown): value is TrialSummary {
  return isObject(value) && typeof value.status === 'string'
    && ['completed', 'cancelled', 'failed', 'interrupted'].includes(value.status)
    && isFiniteNumber(value.epochs) && typeof value.stoppedEarly === 'boolean' && isFiniteNumber(value.durationMs);
}

export function isTrainerCommand(value: unknown): value is TrainerCommand {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'run':
      return isTrialPlan(value.trial) && isObject(value.spec) && typeof value.specDir === 'string'
        && (value.untilEpoch === undefined || isEpochCount(value.untilEpoch))
        && (value.checkpointDir === undefined || typeof value.checkpointDir === 'string');
    case 'resume':
      return isTrialPlan(value.trial) && isObject(value.spec) && typeof value.specDir === 'string'
        && isEpochCount(value.untilEpoch) && typeof value.checkpointDir === 'string';
    case 'cancel':
      return true;
    default:
      return false;
  }
}

// Payloads that trainer events and sweep events share.
const hasBackend = (value: Json): boolean => isObject(value.backend) && typeof value.backend.name === 'string';
const isEpochPayload = (value: Json): boolean => typeof value.trialId === 'string' && isEpochMetrics(value.metrics);
const isTrialEndedPayload = (value: Json): boolean => typeof value.trialId === 'string' && isTrialSummary(value.summary);

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

// ---------------------------------------------------------------- host ↔ webviews (experiment panel, side view)

/** A trial's state as stored or as known live: `pending` never started, `running` is being trained now. */
export type TrialState = TrialStatus | 'running' | 'pending';

/** A trial as the webviews draw it. */
export interface TrialSnapshot {
  plan: TrialPlan;
  state: TrialState;
  epochs: EpochMetrics[];
  summary?: TrialSummary;
}

/** A sweep as the webviews draw it: the run store's record, kept current by SweepEvents while it runs. */
export interface SweepSnapshot {
  /** The sweep's folder: its identity across host, store and webviews. */
  dir: string;
  id: string;
  experiment: string;
  specPath: string;
  status: SweepStatus;
  startedAt: string;
  endedAt?: string;
  backend?: string;
  /** training.epochs: the most epochs any trial runs. */
  epochs: number;
  task: 'classification' | 'regression';
  mcSamples: number;
  trials: TrialSnapshot[];
}

/** One line of a sweep history. */
export interface SweepListItem {
  dir: string;
  id: string;
  experiment: string;
  specPath: string;
  status: SweepStatus;
  startedAt: string;
  endedAt?: string;
  trialCount: number;
  /** Lowest mean best val_loss over the sweep's rates, when any trial has epochs. */
  best?: { rate: number; val_loss: number };
}

export type ViewKind = 'panel' | 'side';

export type HostMessage =
  /** Everything a view shows, sent after its `ready`; replaces what it had. */
  | { type: 'show'; view: ViewKind; experiment?: string; specPath?: string; sweeps: SweepSnapshot[]; history: SweepListItem[] }
  /** A sweep began (live); views add it and select it. */
  | { type: 'sweepStarted'; sweep: SweepSnapshot }
  /** Live progress of a running sweep, batched (at most ~20 messages a second per view). */
  | { type: 'sweepEvents'; dir: string; events: SweepEvent[] }
  /** A stored sweep the view asked for with `loadSweep`. */
  | { type: 'sweepLoaded'; sweep: SweepSnapshot }
  | { type: 'history'; history: SweepListItem[] };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'run' }
  | { type: 'stop'; dir: string }
  /** Side view: open the experiment panel on this sweep. */
  | { type: 'openSweep'; dir: string }
  /** Panel: add a stored sweep of this experiment to the charts. */
  | { type: 'loadSweep'; dir: string }
  | { type: 'exportCsv'; dir: string }
  /** A chart as a PNG data URL (`data:image/png;base64,…`), to be saved where the user chooses. */
  | { type: 'savePng'; name: string; dataUrl: string };

const isString = (value: unknown): value is string => typeof value === 'string';

/** The host checks every message from a webview with this before acting on it. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'run':
      return true;
    case 'stop':
    case 'openSweep':
    case 'loadSweep':
    case 'exportCsv':
      return isString(value.dir) && value.dir.length > 0;
    case 'savePng':
      return isString(value.name) && isString(value.dataUrl) && value.dataUrl.startsWith('data:image/png;base64,');
    default:
      return false;
  }
}

const sweepStatuses: readonly unknown[] = ['running', 'completed', 'cancelled', 'failed', 'interrupted'];

/**
 * `isHostMessage` checks a `sweepEvents` batch's envelope; the webviews check each event in it with this before it
 * touches their state. Event types a view does not know (a newer host) are not SweepEvents there and are skipped.
 */
export function isSweepEvent(value: unknown): value is SweepEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'sweepStarted':
    case 'log':
      return true;
    case 'backendReady':
      return hasBackend(value);
    case 'trialStarted':
      return typeof value.trialId === 'string';
    case 'epoch':
      return isEpochPayload(value);
    case 'trialEnded':
      return isTrialEndedPayload(value);
    case 'sweepEnded':
      return sweepStatuses.includes(value.status);
    default:
      return false;
  }
}

/** The webviews check every message from the host with this. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'show':
      return (value.view === 'panel' || value.view === 'side') && Array.isArray(value.sweeps) && Array.isArray(value.history);
    case 'sweepStarted':
    case 'sweepLoaded':
      return isObject(value.sweep) && isString(value.sweep.dir) && Array.isArray(value.sweep.trials);
    case 'sweepEvents':
      return isString(value.dir) && Array.isArray(value.events);
    case 'history':
      return Array.isArray(value.history);
    default:
      return false;
  }
}
