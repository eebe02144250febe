/** The webview's side of the channel to the extension host. */
import type { WebviewMessage } from '../src/protocol/webview';
import type { UiState } from './model/uiState';

export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
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
