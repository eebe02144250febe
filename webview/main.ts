/**
 * The webviews' entry (dist/webview.js): the experiment panel (`<body data-view="panel">`) or the side view
 * (`data-view="side"`), each with its own messages. The host answers `ready` with `show`, then streams the running sweep.
 */
import { isToPanelMessage } from '../src/protocol/panelView';
import { isToSideViewMessage } from '../src/protocol/sideView';
import { restoreUiState } from './model/uiState';
import { vscodeApi } from './vscodeApi';
import { PanelView } from './views/panelView';
import { SideView } from './views/sideView';

const api = vscodeApi();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));

/** Applies the host's messages that pass the view's guard; others (malformed, or meant for the other view) are dropped. */
function listen<Message>(accepts: (value: unknown) => value is Message, receive: (message: Message) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!accepts(event.data)) return;
    try {
      receive(event.data);
    } catch (error) {
      // A malformed snapshot must not take the view down with it: report it and keep what is drawn.
      console.error('Dropout Lab: could not apply a message from the host', error);
    }
  });
}

if (document.body.dataset.view === 'side') {
  const view = new SideView(root, { post: (message) => api.postMessage(message) });
  listen(isToSideViewMessage, (message) => view.receive(message));
} else {
  const view = new PanelView(root, restoreUiState(api.getState()), {
    post: (message) => api.postMessage(message),
    save: (state) => api.setState(state),
  });
  listen(isToPanelMessage, (message) => view.receive(message));
}

api.postMessage({ type: 'ready' });
