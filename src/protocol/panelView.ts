/** Messages between the extension host and an experiment panel (one panel per spec). */
import { isObject, isOptionalString, isString } from './guards';
import {
  isLiveMessage, isShowMessage, isSweepDir, isSweepSnapshot, type LiveMessage, type ReadyMessage, type ShowMessage, type SweepSnapshot,
} from './webview';

/** Everything the panel shows: the spec's experiment, its shown sweep, and its stored sweeps to overlay. */
export interface PanelShowMessage extends ShowMessage<'panel'> {
  /** The experiment's name and spec; the panel falls back to its primary sweep's. */
  experiment?: string;
  specPath?: string;
}

export type ToPanelMessage =
  | PanelShowMessage
  /** A stored sweep the panel asked for with `loadSweep`. */
  | { type: 'sweepLoaded'; sweep: SweepSnapshot }
  | LiveMessage;

export type FromPanelMessage =
  | ReadyMessage
  /** Run the panel's spec. */
  | { type: 'run' }
  | { type: 'stop'; dir: string }
  /** Add a stored sweep of this experiment to the charts (answered with `sweepLoaded`). */
  | { type: 'loadSweep'; dir: string }
  | { type: 'exportCsv'; dir: string }
  /** Export this sweep's best model (the host asks where). */
  | { type: 'exportModel'; dir: string }
  /** A chart as a PNG data URL (`data:image/png;base64,…`), to be saved where the user chooses. */
  | { type: 'savePng'; name: string; dataUrl: string };

/** The panel checks every message from the host with this. */
export function isToPanelMessage(value: unknown): value is ToPanelMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'show':
      return isShowMessage(value, 'panel') && isOptionalString(value.experiment) && isOptionalString(value.specPath);
    case 'sweepLoaded':
      return isSweepSnapshot(value.sweep);
    default:
      return isLiveMessage(value);
  }
}

/** The host checks every message from a panel with this before acting on it. */
export function isFromPanelMessage(value: unknown): value is FromPanelMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'run':
      return true;
    case 'stop':
    case 'loadSweep':
    case 'exportCsv':
    case 'exportModel':
      return isSweepDir(value.dir);
    case 'savePng':
      return isString(value.name) && isString(value.dataUrl) && value.dataUrl.startsWith('data:image/png;base64,');
    default:
      return false;
  }
}
