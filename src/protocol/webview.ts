/**
 * What the extension host and its two webviews share: the sweeps as the views draw them, and the messages both
 * views exchange with the host. Each view's own message unions and their guards are in `panelView.ts` (the
 * experiment panel) and `sideView.ts` (the activity bar view).
 */
import type { DatasetType, DropoutStyle, LayerSpec, SweepObjective, SweepSelect, SweepStrategy } from '../core/spec';
import type { HpSpace } from '../core/hyperparameters';
import type { SweepIdentity, SweepListItem } from '../core/records';
import type { QueueDepth } from '../core/progress';
import type { EpochMetrics, Rung, TrialPlacement, TrialPlan, TrialState, TrialSummary } from '../core/trial';
import { isObject, isString, type Json } from './guards';
import type { SweepEvent } from './sweepEvents';

/** A trial as the webviews draw it. */
export interface TrialSnapshot {
  plan: TrialPlan;
  state: TrialState;
  epochs: EpochMetrics[];
  summary?: TrialSummary;
  /** Queue executor: the worker running (or that ran) it, from the store's header or the latest trialStarted event. */
  where?: TrialPlacement;
}

/** A sweep as the webviews draw it: the run store's record, kept current by SweepEvents while it runs. */
export interface SweepSnapshot extends SweepIdentity {
  backend?: string;
  /** The Redis its trials go through (no password), when it runs on `dropout-lab worker` processes. */
  executor?: string;
  /** Queue executor: the latest `queue` event (workers alive, jobs waiting and running), once one came. */
  queue?: QueueDepth;
  /** training.epochs: the most epochs any trial runs. */
  epochs: number;
  task: 'classification' | 'regression';
  mcSamples: number;
  /** model.dropoutStyle: which deterministic inference rule val_loss was scored with. */
  dropoutStyle: DropoutStyle;
  strategy: SweepStrategy;
  /** What "best" means: val_loss minimised or val_acc maximised. */
  objective: SweepObjective;
  /** sweep.select: which epoch of a trial counts (its best by the objective, or its last). */
  select: SweepSelect;
  /** What the verdict reads of the dataset: its type and the test split it held out (as resolved, when stored). */
  dataset: { type: DatasetType; testFraction?: number; testSamples?: number };
  /** Hyperband: the epochs of a full trial, the factor, and the rounds decided so far (kept current by `rung` events). */
  hyperband?: { maxEpochs: number; factor: number; rungs: Rung[] };
  /** model.layers, when the spec lists layers: which named hyperparameters are drop rates (the verdict's baseline). */
  layers?: LayerSpec[];
  /** sweep.space, when the spec names one: how each hyperparameter was sampled (a log range is drawn on a log axis). */
  space?: HpSpace;
  trials: TrialSnapshot[];
}

/** Which webview a page is (`<body data-view="…">`): the experiment panel or the side view. */
export type ViewKind = 'panel' | 'side';

// ---------------------------------------------------------------- host → every view

/** Everything a view shows, sent after its `ready`; replaces what it had. */
export interface ShowMessage<View extends ViewKind> {
  type: 'show';
  /** The view it is meant for: a view drops a `show` of the other kind. */
  view: View;
  sweeps: SweepSnapshot[];
  history: SweepListItem[];
}

/** A sweep began (live); views add it and select it. */
export interface SweepStartedMessage {
  type: 'sweepStarted';
  sweep: SweepSnapshot;
}

/** Live progress of a running sweep, batched (at most ~20 messages a second per view). */
export interface SweepEventsMessage {
  type: 'sweepEvents';
  dir: string;
  events: SweepEvent[];
}

/** The sweeps stored so far changed (the panel: its experiment's; the side view: the workspace's recent ones). */
export interface HistoryMessage {
  type: 'history';
  history: SweepListItem[];
}

/** What every view receives while it lives, after its `show`. */
export type LiveMessage = SweepStartedMessage | SweepEventsMessage | HistoryMessage;

// ---------------------------------------------------------------- every view → host

/** The view has loaded (or reloaded): the host answers with `show`. */
export interface ReadyMessage {
  type: 'ready';
}

// ---------------------------------------------------------------- guards shared by the views' guards

/** A sweep folder named by a webview: a non-empty string (the host then checks it is a sweep it knows). */
export const isSweepDir = (value: unknown): value is string => isString(value) && value.length > 0;

/** The envelope of a snapshot; its trials and events are checked where they are applied. */
export const isSweepSnapshot = (value: unknown): value is SweepSnapshot => isObject(value) && isString(value.dir) && Array.isArray(value.trials);

export function isShowMessage<View extends ViewKind>(value: Json, view: View): value is Json & ShowMessage<View> {
  return value.type === 'show' && value.view === view && Array.isArray(value.sweeps) && Array.isArray(value.history);
}

export function isLiveMessage(value: Json): value is Json & LiveMessage {
  switch (value.type) {
    case 'sweepStarted':
      return isSweepSnapshot(value.sweep);
    case 'sweepEvents':
      return isString(value.dir) && Array.isArray(value.events);
    case 'history':
      return Array.isArray(value.history);
    default:
      return false;
  }
}
