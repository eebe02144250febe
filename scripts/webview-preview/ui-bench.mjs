// The webview measurement of `npm run bench`: a synthetic stored sweep is replayed live into the panel over 20 s,
// each batch of events delivered as the host does (every 50 ms), and the page times each update: the message
// handler, then the frame that redraws the charts; then opening the sweep complete. Prints one line,
// `UI_BENCH {json}`, which scripts/bench.ts reads.

/** `profile`: also a CPU profile of the live replay, summarised by self time per function (build unminified to read it). */
export async function uiBench({ browser, base, trials, epochs, profile }) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  const profiler = profile ? await context.newCDPSession(tab) : undefined;
  if (profiler) await profiler.send('Profiler.enable');
  if (profiler) await profiler.send('Profiler.start');
  await tab.goto(`${base}/panel.html?theme=dark&mode=live&measure=1&duration=20000`);
  await tab.waitForFunction(() => window.__status === 'done', null, { timeout: 180_000 });
  if (profiler) printProfile((await profiler.send('Profiler.stop')).profile);
  const updates = await tab.evaluate(() => window.__updates);
  const redraws = await tab.evaluate(() => performance.getEntriesByName('dropout-lab:redraw').map((entry) => ({ at: entry.startTime, ms: entry.duration })));
  const points = await tab.$eval('[data-chart="loss"]', (element) => JSON.parse(element.dataset.series ?? '[]').reduce((sum, entry) => sum + entry.points, 0));
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
  const live = updates.filter((update) => update.type === 'sweepEvents');
  const open = updates.find((update) => update.type === 'show');
  const liveRedraws = redraws.filter((redraw) => redraw.at < open.at);
  const openRedraw = redraws.find((redraw) => redraw.at >= open.at);
  const liveSpan = open.at - live[0].at;
  const busy = live.reduce((sum, update) => sum + update.handlerMs, 0) + liveRedraws.reduce((sum, redraw) => sum + redraw.ms, 0);
  const result = {
    trials, epochs, curvePointsDrawn: points, replaySeconds: liveSpan / 1000,
    batches: live.length, eventsPerBatch: stats(live.map((update) => update.events)).median,
    handlerMs: stats(live.map((update) => update.handlerMs)),
    redraws: liveRedraws.length, redrawMs: stats(liveRedraws.map((redraw) => redraw.ms)),
    lastRedrawMs: liveRedraws.at(-1)?.ms,
    mainThreadBusy: busy / liveSpan,
    openCompleteMs: open.handlerMs + (openRedraw?.ms ?? NaN),
  };
  console.log(`UI_BENCH ${JSON.stringify(result)}`);
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

function printProfile(profile) {
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
