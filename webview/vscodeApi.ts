/** The webview's side of the channel to the extension host. */
import type { FromPanelMessage } from '../src/protocol/panelView';
import type { FromSideViewMessage } from '../src/protocol/sideView';
import type { UiState } from './model/uiState';

export interface VsCodeApi {
  /** The page's view says which of these it sends (views/panelView.ts, views/sideView.ts). */
  postMessage(message: FromPanelMessage | FromSideViewMessage): void;
  getState(): unknown;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** VS Code allows one acquireVsCodeApi() call per page: everything shares this one. */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}
