/** Messages between the extension host and the side view (the activity bar's sweeps of the whole workspace). */
import { isObject } from './guards';
import { isLiveMessage, isShowMessage, isSweepDir, type LiveMessage, type ReadyMessage, type ShowMessage } from './webview';

/** Everything the side view shows: the running (or last) sweep and the workspace's recent sweeps. */
export type SideViewShowMessage = ShowMessage<'side'>;

export type ToSideViewMessage = SideViewShowMessage | LiveMessage;

export type FromSideViewMessage =
  | ReadyMessage
  /** Open the experiment panel on this sweep. */
  | { type: 'openSweep'; dir: string }
  /** Run the unfinished trials of an interrupted sweep (the host asks the user first). */
  | { type: 'resumeSweep'; dir: string };

/** The side view checks every message from the host with this. */
export function isToSideViewMessage(value: unknown): value is ToSideViewMessage {
  if (!isObject(value)) return false;
  return value.type === 'show' ? isShowMessage(value, 'side') : isLiveMessage(value);
}

/** The host checks every message from the side view with this before acting on it. */
export function isFromSideViewMessage(value: unknown): value is FromSideViewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'openSweep':
    case 'resumeSweep':
      return isSweepDir(value.dir);
    default:
      return false;
  }
}
