/**
 * The webviews' entry (dist/webview.js): the experiment panel (`<body data-view="panel">`) or the side view
 * (`data-view="side"`). The host answers `ready` with `show`, then streams the running sweep.
 */
import { isHostMessage } from '../src/protocol/webview';
import { restoreUiState } from './model/uiState';
import { vscodeApi } from './vscodeApi';
import { Dashboard } from './views/dashboard';

const api = vscodeApi();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const kind = document.body.dataset.view === 'side' ? 'side' : 'panel';
const dashboard = new Dashboard(root, kind, restoreUiState(api.getState()), {
  post: (message) => api.postMessage(message),
  save: (state) => api.setState(state),
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostMessage(event.data)) return;
  try {
    dashboard.receive(event.data);
  } catch (error) {
    // A malformed snapshot must not take the view down with it: report it and keep what is drawn.
    console.error('Dropout Lab: could not apply a message from the host', error);
  }
});

api.postMessage({ type: 'ready' });
