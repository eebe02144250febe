/** Messages between the extension host and its webviews (the experiment panel and the side view). */
import type { DropoutStyle, SweepObjective, SweepStrategy } from '../core/spec';
import type { SweepListItem } from '../core/records';
import type { EpochMetrics, Rung, SweepStatus, TrialPlan, TrialState, TrialSummary } from '../core/trial';
import { isObject, isString } from './guards';
import type { SweepEvent } from './sweepEvents';

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
  /** model.dropoutStyle: which deterministic inference rule val_loss was scored with. */
  dropoutStyle: DropoutStyle;
  strategy: SweepStrategy;
  /** What "best" means: val_loss minimised or val_acc maximised. */
  objective: SweepObjective;
  /** Hyperband: the epochs of a full trial, the factor, and the rounds decided so far (kept current by `rung` events). */
  hyperband?: { maxEpochs: number; factor: number; rungs: Rung[] };
  trials: TrialSnapshot[];
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
  /** Side view: run the unfinished trials of an interrupted sweep (the host asks the user first). */
  | { type: 'resumeSweep'; dir: string }
  /** Panel: export this sweep's best model (the host asks where). */
  | { type: 'exportModel'; dir: string }
  /** A chart as a PNG data URL (`data:image/png;base64,…`), to be saved where the user chooses. */
  | { type: 'savePng'; name: string; dataUrl: string };

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
    case 'resumeSweep':
    case 'exportModel':
      return isString(value.dir) && value.dir.length > 0;
    case 'savePng':
      return isString(value.name) && isString(value.dataUrl) && value.dataUrl.startsWith('data:image/png;base64,');
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
