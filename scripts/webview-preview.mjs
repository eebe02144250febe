// A preview of the webviews for eyes (and a smoke test): replays a real sweep into the experiment panel and the
// side view in Chromium, under the CSP the extension serves, and screenshots them in light and dark themes.
//
//   node scripts/webview-preview.mjs [SWEEP_DIR] [--fresh] [--no-screenshots]
//   node scripts/webview-preview.mjs --ui-bench [TRIALSxEPOCHS] [--json]
//
// Without SWEEP_DIR it runs examples/moons.dropout.json with the CLI (about 40 s), after a shorter earlier sweep of
// the same experiment (3 rates × 3 seeds) so that there is one to overlay; the runs are kept in
// test-results/webview-preview/runs and reused until --fresh. With SWEEP_DIR it reads that sweep, and every sweep
// of the same experiment beside it becomes history.
//
// --ui-bench (used by `npm run bench`) measures instead: a synthetic stored sweep (default 50 trials × 500 epochs) is
// replayed live into the panel over 20 s, each batch of events delivered as the host does (every 50 ms), and the
// page times each update: the message handler, then the frame that redraws the charts; then opening it complete.
//
// Writes test-results/webview-preview/{panel,side}.html (open them from a server rooted at the repository, or let
// this script serve them) and *.png screenshots. Exits non-zero when a page logs an error or a check fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test-results', 'webview-preview');
const args = process.argv.slice(2);
const fresh = args.includes('--fresh');
const screenshots = !args.includes('--no-screenshots');
const uiBenchIndex = args.indexOf('--ui-bench');
const uiBench = uiBenchIndex >= 0 ? (/^(\d+)x(\d+)$/.exec(args[uiBenchIndex + 1] ?? '') ?? [null, '50', '500']).slice(1).map(Number) : undefined;
const sweepArg = uiBench ? undefined : args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--ui-bench');

// ---------------------------------------------------------------- build if needed

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const bundle = join(root, 'dist', 'webview.js');
const sources = ['webview', 'src/protocol', 'src/store'].map((path) => join(root, path));
if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(...sources.map(newestMtime))) {
  console.log('building dist/ …');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}

// ---------------------------------------------------------------- the sweeps to replay

// The store's own reader and snapshot code, through tsx, so the preview sees exactly what the host would send.
const { tsImport } = await import('tsx/esm/api');
const reader = await tsImport(join(root, 'src/store/reader.ts'), import.meta.url);
const { toSnapshot } = await tsImport(join(root, 'src/store/snapshot.ts'), import.meta.url);
const { bestRate, summarizeByRate } = await tsImport(join(root, 'src/core/summary.ts'), import.meta.url);

function runCli(spec, out, extra = []) {
  console.log(`running ${relative(root, spec)} ${extra.join(' ')} (this takes a while) …`);
  const result = spawnSync(process.execPath, ['dist/cli.js', 'run', spec, '--json', '--out', out, ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`dropout-lab run failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout).dir;
}

function generateSweeps() {
  const runs = join(outDir, 'runs');
  const marker = join(runs, 'latest.json');
  if (!fresh && existsSync(marker)) {
    const dir = JSON.parse(readFileSync(marker, 'utf8')).dir;
    if (existsSync(join(dir, 'sweep.json'))) return dir;
  }
  rmSync(runs, { recursive: true, force: true });
  mkdirSync(runs, { recursive: true });
  // An earlier, smaller sweep of the same experiment with several seeds: something to overlay, with a std band.
  const moons = join(root, 'examples', 'moons.dropout.json');
  const earlierSpec = join(runs, 'moons-seeds.dropout.json');
  const specText = readFileSync(moons, 'utf8').replace(/"\$schema":[^\n]*\n/, '').replace('"repeats": 1', '"repeats": 3');
  writeFileSync(earlierSpec, specText);
  runCli(earlierSpec, runs, ['--rates', '0,0.4,0.8']);
  const dir = runCli(moons, runs);
  writeFileSync(marker, JSON.stringify({ dir }));
  return dir;
}

function syntheticSweep([trials, epochs]) {
  const { writeSyntheticSweep } = syntheticModule;
  const runs = join(outDir, 'synthetic');
  rmSync(runs, { recursive: true, force: true });
  const rateCount = Math.min(10, trials);
  const rates = Array.from({ length: rateCount }, (_, i) => Math.round((0.9 * i) / Math.max(1, rateCount - 1) * 100) / 100);
  return writeSyntheticSweep({ runsRoot: runs, rates, repeats: Math.ceil(trials / rateCount), epochs });
}
const syntheticModule = uiBench ? await tsImport(join(root, 'scripts/synthetic-sweep.ts'), import.meta.url) : undefined;
const sweepDir = resolve(uiBench ? syntheticSweep(uiBench) : sweepArg ?? generateSweeps());
const finalSweep = toSnapshot(reader.loadSweep(sweepDir));
const runsRoot = dirname(dirname(sweepDir));
const history = reader.listSweeps(runsRoot)
  .filter((item) => item.experiment === finalSweep.experiment)
  .map((item) => {
    if (item.best) return item;
    // Older manifests carry no best rate: work it out as the host does.
    const best = bestRate(summarizeByRate(reader.loadSweep(item.dir).trials));
    return best ? { ...item, best: { rate: best.rate, val_loss: best.bestValLoss.mean } } : item;
  });
const stored = Object.fromEntries(history.map((item) => [item.dir, item.dir === sweepDir ? finalSweep : toSnapshot(reader.loadSweep(item.dir))]));
console.log(`replaying ${relative(root, sweepDir) || sweepDir}: ${finalSweep.trials.length} trials, ${history.length} sweep(s) in history`);

/**
 * The live event stream the runner would have produced: trials scheduled on the sweep's workers in plan order, each
 * epoch ending after its recorded duration. Times are in simulated milliseconds from the start.
 */
function simulateEvents(sweep, workers) {
  const events = [];
  const free = Array.from({ length: Math.max(1, workers) }, (_, worker) => ({ worker, at: 0 }));
  for (const worker of free) {
    events.push({ at: 0, event: { type: 'backendReady', worker: worker.worker, pid: 1000 + worker.worker, backend: { name: sweep.backend ?? 'wasm', versions: {}, fallbacks: [] } } });
  }
  for (const trial of sweep.trials) {
    if (trial.state === 'pending') continue;
    const worker = free.sort((a, b) => a.at - b.at)[0];
    let at = worker.at + 300;
    events.push({ at, event: { type: 'trialStarted', trialId: trial.plan.id, worker: worker.worker, pid: 1000 + worker.worker, parameterCount: 0 } });
    for (const metrics of trial.epochs) {
      at += Math.max(1, metrics.durationMs);
      events.push({ at, event: { type: 'epoch', trialId: trial.plan.id, metrics } });
    }
    if (trial.summary) events.push({ at, event: { type: 'trialEnded', trialId: trial.plan.id, summary: trial.summary } });
    worker.at = at;
  }
  const end = Math.max(...free.map((worker) => worker.at));
  events.push({ at: end, event: { type: 'sweepEnded', status: sweep.status === 'running' ? 'interrupted' : sweep.status } });
  return events.sort((a, b) => a.at - b.at);
}

const manifest = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8'));
const started = {
  ...finalSweep, status: 'running', backend: undefined, endedAt: undefined,
  trials: finalSweep.trials.map((trial) => ({ plan: trial.plan, state: 'pending', epochs: [] })),
};
const replay = {
  started,
  final: finalSweep,
  events: simulateEvents(finalSweep, manifest.workers ?? 1),
  historyBefore: history.filter((item) => item.dir !== sweepDir),
  historyAfter: history,
  stored,
};

// ---------------------------------------------------------------- the pages

const themes = {
  dark: {
    '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px', '--vscode-font-weight': 'normal',
    '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-errorForeground': '#f85149',
    '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc', '--vscode-sideBar-background': '#181818',
    '--vscode-sideBarSectionHeader-foreground': '#cccccc',
    '--vscode-panel-border': '#2b2b2b', '--vscode-widget-border': '#313131', '--vscode-editorWidget-border': '#454545',
    '--vscode-editorWidget-background': '#202020', '--vscode-focusBorder': '#0078d4',
    '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-button-secondaryHoverBackground': '#3c3c3c', '--vscode-button-border': '#ffffff12',
    '--vscode-checkbox-background': '#313131', '--vscode-checkbox-border': '#3c3c3c', '--vscode-checkbox-foreground': '#cccccc',
    '--vscode-settings-checkboxBackground': '#313131', '--vscode-settings-checkboxBorder': '#3c3c3c', '--vscode-settings-checkboxForeground': '#cccccc',
    '--vscode-progressBar-background': '#0078d4', '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-list-inactiveSelectionBackground': '#37373d',
    '--vscode-keybindingTable-headerBackground': '#cccccc0a',
    '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': '#cccccc80', '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#cca700', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7',
    '--vscode-editorWarning-foreground': '#cca700', '--vscode-testing-iconPassed': '#73c991',
    '--vscode-editorHoverWidget-background': '#202020', '--vscode-editorHoverWidget-foreground': '#cccccc', '--vscode-editorHoverWidget-border': '#454545',
  },
  light: {
    '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px', '--vscode-font-weight': 'normal',
    '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171', '--vscode-errorForeground': '#f85149',
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b', '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-sideBarSectionHeader-foreground': '#3b3b3b',
    '--vscode-panel-border': '#e5e5e5', '--vscode-widget-border': '#e5e5e5', '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-editorWidget-background': '#f8f8f8', '--vscode-focusBorder': '#005fb8',
    '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-button-secondaryHoverBackground': '#cccccc', '--vscode-button-border': '#0000001a',
    '--vscode-checkbox-background': '#f8f8f8', '--vscode-checkbox-border': '#cecece', '--vscode-checkbox-foreground': '#3b3b3b',
    '--vscode-settings-checkboxBackground': '#f8f8f8', '--vscode-settings-checkboxBorder': '#cecece', '--vscode-settings-checkboxForeground': '#3b3b3b',
    '--vscode-progressBar-background': '#005fb8', '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
    '--vscode-keybindingTable-headerBackground': '#3b3b3b0a',
    '--vscode-charts-foreground': '#616161', '--vscode-charts-lines': '#61616180', '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-yellow': '#bf8803', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90',
    '--vscode-editorWarning-foreground': '#bf8803', '--vscode-testing-iconPassed': '#388a34',
    '--vscode-editorHoverWidget-background': '#f8f8f8', '--vscode-editorHoverWidget-foreground': '#3b3b3b', '--vscode-editorHoverWidget-border': '#c8c8c8',
  },
  'high-contrast': {
    '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px', '--vscode-font-weight': 'normal',
    '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffffb3', '--vscode-errorForeground': '#f48771',
    '--vscode-editor-background': '#000000', '--vscode-sideBar-background': '#000000', '--vscode-sideBarSectionHeader-foreground': '#ffffff',
    '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518', '--vscode-focusBorder': '#f38518',
    '--vscode-panel-border': '#6fc3df', '--vscode-editorWidget-border': '#6fc3df', '--vscode-editorWidget-background': '#0c141f',
    '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df',
    '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-settings-checkboxBackground': '#000000', '--vscode-settings-checkboxBorder': '#6fc3df', '--vscode-settings-checkboxForeground': '#ffffff',
    '--vscode-progressBar-background': '#6fc3df', '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
    '--vscode-list-hoverBackground': '#000000', '--vscode-charts-foreground': '#ffffff', '--vscode-charts-red': '#f48771',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#ffd700', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7',
    '--vscode-editorWarning-foreground': '#ffd700', '--vscode-testing-iconPassed': '#89d185',
    '--vscode-editorHoverWidget-background': '#0c141f', '--vscode-editorHoverWidget-foreground': '#ffffff', '--vscode-editorHoverWidget-border': '#6fc3df',
  },
};

// VS Code puts the theme's variables on <html>; the preview does it with a stylesheet (the CSP forbids inline styles).
const themeCss = Object.entries(themes)
  .map(([name, vars]) => `html[data-theme='${name}'] {\n${Object.entries(vars).map(([key, value]) => `  ${key}: ${value};`).join('\n')}\n}`)
  .join('\n\n');

// The stand-in for VS Code: acquireVsCodeApi, state kept in sessionStorage (so a reload restores it), and the host's
// side of the protocol driven by the replay. Query: ?theme=dark|light|high-contrast&mode=live|final&pauseAt=0…1&duration=ms
const hostJs = String.raw`(() => {
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
          deliver({ type: 'show', view, experiment: replay.final.experiment, specPath: replay.final.specPath, sweeps: [replay.final], history: replay.historyAfter });
          // Let the measured frame land before saying done.
          setTimeout(() => (window.__status = 'done'), 300);
        }, 200);
      }
    }, 50);
  }
})();
`;

function page(view, nonce) {
  // Paths relative to this folder, so the page also works from any static server rooted at the repository.
  const up = relative(outDir, root).split(sep).join('/');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Dropout Lab · ${view} preview</title>
<link rel="stylesheet" href="preview-theme.css">
<link rel="stylesheet" href="${up}/media/webview.css">
</head>
<body data-view="${view}">
<div id="app"></div>
<script nonce="${nonce}" src="replay-data.js"></script>
<script nonce="${nonce}" src="preview-host.js"></script>
<script nonce="${nonce}" src="${up}/dist/webview.js"></script>
</body>
</html>
`;
}

mkdirSync(outDir, { recursive: true });
const nonce = randomBytes(16).toString('base64');
writeFileSync(join(outDir, 'preview-theme.css'), themeCss);
writeFileSync(join(outDir, 'preview-host.js'), hostJs);
writeFileSync(join(outDir, 'replay-data.js'), `window.__replay = ${JSON.stringify(replay)};\n`);
for (const view of ['panel', 'side']) writeFileSync(join(outDir, `${view}.html`), page(view, nonce));
console.log(`pages: ${relative(root, join(outDir, 'panel.html'))}, ${relative(root, join(outDir, 'side.html'))}`);
if (!screenshots) process.exit(0);

// ---------------------------------------------------------------- serve with the extension's CSP, screenshot, check

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.png': 'image/png' };
const server = createServer((request, response) => {
  if (request.url === '/favicon.ico') {
    response.writeHead(204).end();
    return;
  }
  const path = resolve(root, `.${decodeURIComponent(new URL(request.url, 'http://x').pathname)}`);
  if (!path.startsWith(root + sep) || !existsSync(path) || statSync(path).isDirectory()) {
    response.writeHead(404).end();
    return;
  }
  const headers = { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
  if (extname(path) === '.html') {
    const source = `http://${request.headers.host}`;
    headers['content-security-policy'] = `default-src 'none'; img-src ${source} data:; style-src ${source}; font-src ${source}; script-src 'nonce-${nonce}'`;
  }
  response.writeHead(200, headers).end(readFileSync(path));
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${server.address().port}/${relative(root, outDir).split(sep).join('/')}`;

const chromium = '/usr/bin/chromium';
for (let waited = 0; !existsSync(chromium); waited += 5) {
  if (waited % 60 === 0) console.log(`waiting for ${chromium} …`);
  if (waited > 1800) throw new Error(`${chromium} did not appear`);
  await new Promise((done) => setTimeout(done, 5000));
}
const { chromium: playwright } = await import('playwright-core');
const browser = await playwright.launch({
  executablePath: chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});

if (uiBench) {
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    // --profile: a CPU profile of the live replay, summarised by self time per function (build unminified to read it).
    const profiler = args.includes('--profile') ? await context.newCDPSession(tab) : undefined;
    if (profiler) await profiler.send('Profiler.enable');
    if (profiler) await profiler.send('Profiler.start');
    await tab.goto(`${base}/panel.html?theme=dark&mode=live&measure=1&duration=20000`);
    await tab.waitForFunction(() => window.__status === 'done', null, { timeout: 180_000 });
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      const selfMs = new Map();
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      profile.samples.forEach((id, index) => {
        const node = byId.get(id);
        const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
        selfMs.set(name, (selfMs.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
      });
      const top = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 25);
      for (const [name, ms] of top) console.log(`${ms.toFixed(0).padStart(7)} ms  ${name}`);
    }
    const updates = await tab.evaluate(() => window.__updates);
    const redraws = await tab.evaluate(() => performance.getEntriesByName('dropout-lab:redraw').map((entry) => ({ at: entry.startTime, ms: entry.duration })));
    const points = await tab.$eval('[data-chart="loss"]', (element) => JSON.parse(element.dataset.series ?? '[]').reduce((sum, entry) => sum + entry.points, 0));
    await context.close();
    if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
    const live = updates.filter((update) => update.type === 'sweepEvents');
    const open = updates.find((update) => update.type === 'show');
    const liveRedraws = redraws.filter((redraw) => redraw.at < open.at);
    const openRedraw = redraws.find((redraw) => redraw.at >= open.at);
    const stats = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
    };
    const liveSpan = open.at - live[0].at;
    const busy = live.reduce((sum, update) => sum + update.handlerMs, 0) + liveRedraws.reduce((sum, redraw) => sum + redraw.ms, 0);
    const result = {
      trials: uiBench[0], epochs: uiBench[1], curvePointsDrawn: points, replaySeconds: liveSpan / 1000,
      batches: live.length, eventsPerBatch: stats(live.map((update) => update.events)).median,
      handlerMs: stats(live.map((update) => update.handlerMs)),
      redraws: liveRedraws.length, redrawMs: stats(liveRedraws.map((redraw) => redraw.ms)),
      lastRedrawMs: liveRedraws.at(-1)?.ms,
      mainThreadBusy: busy / liveSpan,
      openCompleteMs: open.handlerMs + (openRedraw?.ms ?? NaN),
    };
    console.log(`UI_BENCH ${JSON.stringify(result)}`);
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(0);
}

const failures = [];
const check = (condition, message) => {
  if (!condition) failures.push(message);
  console.log(`${condition ? '  ok  ' : '  FAIL'} ${message}`);
};

async function open(view, theme, query, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const tab = await context.newPage();
  const problems = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await tab.goto(`${base}/${view}.html?theme=${theme}&${query}`);
  return { tab, context, problems };
}

const until = (tab, status) => tab.waitForFunction((wanted) => window.__status === wanted, status, { timeout: 60_000 });
const series = (tab, chart) => tab.$eval(`[data-chart="${chart}"]`, (element) => JSON.parse(element.dataset.series ?? '[]'));
const shot = async (tab, name) => {
  await tab.waitForTimeout(150);
  await tab.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  console.log(`screenshot ${relative(root, join(outDir, `${name}.png`))}`);
};

const trials = finalSweep.trials.length;
const epochsDone = finalSweep.trials.reduce((sum, trial) => sum + trial.epochs.length, 0);
const panelSize = { width: 1440, height: 1000 };
const sideSize = { width: 380, height: 1000 };

try {
  // Live, half-way: the curves grow, the table and progress follow.
  {
    const { tab, context, problems } = await open('panel', 'dark', 'mode=live&pauseAt=0.5&duration=5000', panelSize);
    await until(tab, 'paused');
    await tab.waitForTimeout(200);
    const loss = await series(tab, 'loss');
    const drawnPoints = loss.filter((entry) => entry.kind === 'val_loss').reduce((sum, entry) => sum + entry.points, 0);
    check(loss.length === 2 * trials, `live: the loss chart has a val_loss and a train_loss curve per trial (${loss.length})`);
    check(drawnPoints > 0 && drawnPoints < epochsDone, `live: part of the epochs are drawn (${drawnPoints} of ${epochsDone})`);
    const progress = await tab.textContent('.progress-text');
    check(/^epoch \d+\/\d+ · trial \d+\/\d+ · ETA/.test(progress ?? ''), `live: progress reads "${progress}"`);
    check((await tab.textContent('.run-stop'))?.trim() === 'Stop', 'live: the Stop button shows while running');
    await shot(tab, 'panel-dark-live');
    check(problems.length === 0, `live: no console errors or warnings${problems.length ? `: ${problems.join(' | ')}` : ''}`);
    await context.close();
  }
  // Live to the end, then final: every epoch drawn, interaction from the keyboard, overlays, state across reloads.
  {
    const { tab, context, problems } = await open('panel', 'dark', 'mode=live&duration=4000', panelSize);
    await until(tab, 'done');
    await tab.waitForTimeout(200);
    const loss = await series(tab, 'loss');
    const drawnPoints = loss.filter((entry) => entry.kind === 'val_loss').reduce((sum, entry) => sum + entry.points, 0);
    check(drawnPoints === epochsDone, `final: every epoch drawn (${drawnPoints} of ${epochsDone})`);
    const rates = await series(tab, 'rates');
    const best = rates.find((entry) => entry.kind === 'best_val_loss' && !entry.overlay);
    // Hyperband compares rates over the trials trained to maxEpochs only.
    const compared = finalSweep.trials.filter((trial) => !finalSweep.hyperband || trial.epochs.at(-1)?.epoch >= finalSweep.hyperband.maxEpochs);
    check(best && best.x.length === new Set(compared.map((trial) => trial.plan.rate)).size, `final: the rates chart has a point per compared rate (${best?.x.join(', ')})`);
    if (finalSweep.hyperband) {
      const rounds = JSON.parse(await tab.getAttribute('section.rungs', 'data-rungs')).flatMap((bracket) => bracket.rounds);
      check(rounds.length === finalSweep.hyperband.rungs.length, `final: the Hyperband table lists every round (${rounds.length})`);
    }
    check((await tab.textContent('.run-stop'))?.trim() === 'Run', 'final: the Run button shows once the sweep ended');
    check(await tab.$$eval('tr.is-best', (rows) => rows.length) === 1, 'final: one trial is marked best');

    // Sort by best val_loss from the keyboard.
    await tab.focus('button[data-sort="bestValLoss"]');
    await tab.keyboard.press('Enter');
    await tab.waitForTimeout(100);
    check(await tab.getAttribute('th:has(button[data-sort="bestValLoss"])', 'aria-sort') === 'ascending', 'keyboard: Enter on a header sorts ascending');
    check(await tab.$eval('.trials-table tbody tr', (row) => row.classList.contains('is-best')), 'keyboard: sorted by best val_loss, the best trial comes first');
    await tab.keyboard.press(' ');
    await tab.waitForTimeout(100);
    check(await tab.getAttribute('th:has(button[data-sort="bestValLoss"])', 'aria-sort') === 'descending', 'keyboard: Space flips the sort');

    // Overlay another sweep, if there is one.
    const overlay = await tab.$('.overlay-list vscode-checkbox');
    if (overlay) {
      await overlay.focus();
      await tab.keyboard.press(' ');
      await tab.waitForFunction(() => JSON.parse(document.querySelector('[data-chart="loss"]').dataset.series).some((entry) => entry.overlay), null, { timeout: 5000 });
      const overlaid = (await series(tab, 'loss')).filter((entry) => entry.overlay);
      check(overlaid.length > 0 && overlaid.every((entry) => entry.points > 0), `overlay: ${overlaid.length} curves of an earlier sweep drawn`);
      check(await tab.evaluate(() => window.__sent.some((message) => message.type === 'loadSweep')), 'overlay: the view asked for the sweep with loadSweep');
    }
    // Smoothing and log scale, then a reload: the view comes back the same.
    await tab.$eval('#smoothing', (input) => {
      input.value = '0.9';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await tab.click('vscode-checkbox[label^="Log scale"]');
    await tab.waitForTimeout(100);
    await shot(tab, 'panel-dark-overlay-log');
    await tab.goto(tab.url().replace('mode=live&duration=4000', 'mode=final'));
    await until(tab, 'done');
    await tab.waitForTimeout(300);
    check(await tab.$eval('#smoothing', (input) => input.value) === '0.9', 'reload: smoothing restored');
    check(await tab.$eval('vscode-checkbox[label^="Log scale"]', (box) => box.checked), 'reload: log scale restored');
    check(await tab.getAttribute('th:has(button[data-sort="bestValLoss"])', 'aria-sort') === 'descending', 'reload: sort restored');
    if (overlay) check((await series(tab, 'loss')).some((entry) => entry.overlay), 'reload: the overlay is drawn again');

    // Save PNG and Export CSV post their messages.
    await tab.click('[data-chart="rates"] vscode-button');
    await tab.click('vscode-button:text("Export CSV")');
    const sent = await tab.evaluate(() => window.__sent.map((message) => ({ ...message, dataUrl: message.dataUrl?.slice(0, 22) })));
    check(sent.some((message) => message.type === 'savePng' && message.dataUrl === 'data:image/png;base64,' && message.name.endsWith('-rates.png')), 'Save PNG posts savePng with a PNG data URL');
    check(sent.some((message) => message.type === 'exportCsv' && message.dir === finalSweep.dir), 'Export CSV posts exportCsv for the sweep');
    check(sent.filter((message) => message.type === 'ready').length === 1, 'one ready per page load');

    // Two rates searched: the heatmap has a cell per (input rate, rate), one best cell, and a keyboard grid.
    const inputRates = new Set(finalSweep.trials.flatMap((trial) => (trial.plan.inputRate === undefined ? [] : [trial.plan.inputRate])));
    const heatmapHidden = await tab.$eval('[data-chart="heatmap"]', (card) => card.hidden);
    if (inputRates.size === 0) {
      check(heatmapHidden, 'heatmap: hidden for a sweep of one rate');
    } else {
      const hiddenRates = new Set(finalSweep.trials.map((trial) => trial.plan.rate));
      const cells = await tab.$$eval('.heatmap td[role="gridcell"]', (tds) => tds.map((td) => ({ label: td.getAttribute('aria-label'), tabindex: td.tabIndex, best: td.classList.contains('is-best') })));
      check(!heatmapHidden && cells.length === inputRates.size * hiddenRates.size, `heatmap: ${cells.length} cells for ${inputRates.size} input × ${hiddenRates.size} hidden rates`);
      check(cells.filter((cell) => cell.best).length === 1 && cells.every((cell) => /^input rate .*, rate .*: /.test(cell.label ?? '')), 'heatmap: one best cell; every cell has an accessible label');
      check(cells.filter((cell) => cell.tabindex === 0).length === 1, 'heatmap: one tab stop for the grid');
      await tab.focus('.heatmap td[tabindex="0"]');
      await tab.keyboard.press('ArrowRight');
      await tab.keyboard.press('ArrowDown');
      const focused = await tab.evaluate(() => [document.activeElement?.dataset.row, document.activeElement?.dataset.column]);
      check(focused.join() === '1,1', `heatmap: the arrow keys move the focus between cells (${focused.join()})`);
    }

    // Theme switch: VS Code changes the body class and the variables.
    const before = await tab.$eval('[data-chart="loss"] canvas', (canvas) => canvas.toDataURL());
    await tab.evaluate(() => {
      document.documentElement.dataset.theme = 'light';
      document.body.classList.replace('vscode-dark', 'vscode-light');
    });
    await tab.waitForTimeout(300);
    check(before !== await tab.$eval('[data-chart="loss"] canvas', (canvas) => canvas.toDataURL()), 'theme: charts redraw when the theme class changes');
    check(problems.length === 0, `final: no console errors or warnings${problems.length ? `: ${problems.join(' | ')}` : ''}`);
    await context.close();
  }
  for (const theme of ['dark', 'light']) {
    const panel = await open('panel', theme, 'mode=final', panelSize);
    await until(panel.tab, 'done');
    await shot(panel.tab, `panel-${theme}`);
    check(panel.problems.length === 0, `panel ${theme}: no console errors${panel.problems.length ? `: ${panel.problems.join(' | ')}` : ''}`);
    await panel.context.close();

    const side = await open('side', theme, `mode=${theme === 'dark' ? 'live&pauseAt=0.6&duration=4000' : 'final'}`, sideSize);
    await until(side.tab, theme === 'dark' ? 'paused' : 'done');
    const sideLoss = await series(side.tab, 'loss');
    check(sideLoss.length === trials && sideLoss.every((entry) => entry.kind === 'val_loss'), `side ${theme}: validation-loss curves only (${sideLoss.length})`);
    check(await side.tab.$$eval('.history-item', (items) => items.length) >= (theme === 'dark' ? 0 : 1), `side ${theme}: recent sweeps listed`);
    await shot(side.tab, `side-${theme}${theme === 'dark' ? '-live' : ''}`);
    const item = await side.tab.$('.history-item');
    if (item) {
      await item.focus();
      await side.tab.keyboard.press('Enter');
      check(await side.tab.evaluate(() => window.__sent.some((message) => message.type === 'openSweep')), `side ${theme}: Enter on a recent sweep posts openSweep`);
    }
    check(side.problems.length === 0, `side ${theme}: no console errors${side.problems.length ? `: ${side.problems.join(' | ')}` : ''}`);
    await side.context.close();
  }
  {
    const panel = await open('panel', 'high-contrast', 'mode=final', panelSize);
    await until(panel.tab, 'done');
    await shot(panel.tab, 'panel-high-contrast');
    check(panel.problems.length === 0, `panel high contrast: no console errors${panel.problems.length ? `: ${panel.problems.join(' | ')}` : ''}`);
    await panel.context.close();
  }
} finally {
  await browser.close();
  server.close();
}

if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all preview checks passed');
