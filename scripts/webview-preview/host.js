// The stand-in for VS Code inside a preview page (served as /preview/host.js and run before the page's own script,
// as VS Code's prelude is): acquireVsCodeApi, state kept in sessionStorage (so a reload restores it), the theme, and
// the host's side of the protocol driven by the replay that /preview/replay-data.js put in window.__replay.
// A classic script, not an ES module: modules are deferred, and dist/webview.js calls acquireVsCodeApi as it loads.
//
// Query: ?theme=dark|light|high-contrast&mode=live|final&pauseAt=0…1&duration=ms&measure=1
// It reports through window.__status (waiting, paused, done), window.__sent (messages the view posted) and, with
// measure=1, window.__updates (each delivered message timed).
(() => {
  const params = new URLSearchParams(location.search);
  const theme = ['light', 'high-contrast'].includes(params.get('theme')) ? params.get('theme') : 'dark';
  document.documentElement.dataset.theme = theme;
  document.body.classList.add(theme === 'light' ? 'vscode-light' : theme === 'high-contrast' ? 'vscode-high-contrast' : 'vscode-dark');
  const view = document.body.dataset.view;
  const replay = window.__replay;
  const sent = (window.__sent = []);
  window.__status = 'waiting';
  const post = (message) => window.postMessage(JSON.parse(JSON.stringify(message)), '*');
  // measure=1: deliver synchronously and time the handler; the view times its own redraws (User Timing).
  const measure = params.get('measure') === '1';
  const updates = (window.__updates = []);
  const deliver = (message) => {
    if (!measure) return post(message);
    const data = JSON.parse(JSON.stringify(message));
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data }));
    updates.push({ type: message.type, events: message.events?.length ?? 0, at: t0, handlerMs: performance.now() - t0 });
  };
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      getState: () => JSON.parse(sessionStorage.getItem('state:' + view) ?? 'null'),
      setState: (state) => sessionStorage.setItem('state:' + view, JSON.stringify(state)),
      postMessage: (message) => {
        sent.push(message);
        if (message.type === 'ready') start();
        if (message.type === 'loadSweep' && replay.stored[message.dir]) setTimeout(() => post({ type: 'sweepLoaded', sweep: replay.stored[message.dir] }), 30);
      },
    };
  };

  function start() {
    if (params.get('mode') === 'final') {
      post({ type: 'show', view, experiment: replay.final.experiment, specPath: replay.final.specPath, sweeps: [replay.final], history: replay.historyAfter });
      window.__status = 'done';
      return;
    }
    post({ type: 'show', view, experiment: replay.final.experiment, specPath: replay.final.specPath, sweeps: [], history: replay.historyBefore });
    const duration = Number(params.get('duration') ?? 6000);
    const pauseAt = Number(params.get('pauseAt') ?? 2);
    const total = replay.events[replay.events.length - 1].at || 1;
    const scale = duration / total;
    // Pretend the sweep started when the replay did, at the replay's speed, so the ETA reads sensibly.
    const startedAt = Date.now();
    post({ type: 'sweepStarted', sweep: { ...replay.started, startedAt: new Date(startedAt - 300 * scale).toISOString() } });
    let next = 0;
    // Like the host: batches at most every 50 ms.
    const timer = setInterval(() => {
      const now = (Date.now() - startedAt) / scale;
      const batch = [];
      while (next < replay.events.length && replay.events[next].at <= Math.min(now, pauseAt * total)) batch.push(replay.events[next++].event);
      if (batch.length) deliver({ type: 'sweepEvents', dir: replay.started.dir, events: batch });
      if (now >= pauseAt * total) {
        clearInterval(timer);
        window.__status = 'paused';
      } else if (next >= replay.events.length) {
        clearInterval(timer);
        post({ type: 'history', history: replay.historyAfter });
        // Then what a reopened view gets: the stored sweep, complete.
        setTimeout(() => {
          deliver({
            type: 'show', view, experiment: replay.final.experiment, specPath: replay.final.specPath, sweeps: [replay.final], history: replay.historyAfter,
          });
          // Let the measured frame land before saying done.
          setTimeout(() => (window.__status = 'done'), 300);
        }, 200);
      }
    }, 50);
  }
})();
