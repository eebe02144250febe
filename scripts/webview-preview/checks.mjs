// The preview's checks, in Chromium on the served pages: the panel live half-way and to the end, keyboard sorting,
// overlays, smoothing and log scale surviving a reload, Save PNG and Export CSV, the heatmap (or its absence), a
// theme switch, then the panel and the side view in each theme. Screenshots go to test-results/webview-preview/.
// Returns the failed checks' messages; a console error or warning on a page is a failure.
import { join, relative } from 'node:path';
import { outDir, root } from './paths.mjs';

/** A page of the preview: `view` panel or side, `query` for host.js (mode, pauseAt, duration). */
export async function openView(browser, base, view, theme, query, viewport) {
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

/** Waits for host.js to report `status` (waiting, paused, done). */
export const until = (tab, status) => tab.waitForFunction((wanted) => window.__status === wanted, status, { timeout: 60_000 });

export async function runChecks({ browser, base, replay }) {
  const finalSweep = replay.final;
  const open = (...rest) => openView(browser, base, ...rest);
  const failures = [];
  const check = (condition, message) => {
    if (!condition) failures.push(message);
    console.log(`${condition ? '  ok  ' : '  FAIL'} ${message}`);
  };
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
    const best = rates.find((entry) => entry.kind === 'selected' && !entry.overlay);
    // Hyperband compares rates over the trials trained to maxEpochs only.
    const compared = finalSweep.trials.filter((trial) => !finalSweep.hyperband || trial.epochs.at(-1)?.epoch >= finalSweep.hyperband.maxEpochs);
    check(best && best.x.length === new Set(compared.map((trial) => trial.plan.rate)).size,
      `final: the rates chart has a point per compared rate (${best?.x.join(', ')})`);
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
    check(await tab.$eval('.trials-table tbody tr', (row) => row.classList.contains('is-best')),
      'keyboard: sorted by best val_loss, the best trial comes first');
    await tab.keyboard.press(' ');
    await tab.waitForTimeout(100);
    check(await tab.getAttribute('th:has(button[data-sort="bestValLoss"])', 'aria-sort') === 'descending', 'keyboard: Space flips the sort');

    // Overlay another sweep, if there is one.
    const overlay = await tab.$('.overlay-list vscode-checkbox');
    if (overlay) {
      await overlay.focus();
      await tab.keyboard.press(' ');
      await tab.waitForFunction(() => JSON.parse(document.querySelector('[data-chart="loss"]').dataset.series).some((entry) => entry.overlay),
        null, { timeout: 5000 });
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
    check(sent.some((message) => message.type === 'savePng' && message.dataUrl === 'data:image/png;base64,' && message.name.endsWith('-rates.png')),
      'Save PNG posts savePng with a PNG data URL');
    check(sent.some((message) => message.type === 'exportCsv' && message.dir === finalSweep.dir), 'Export CSV posts exportCsv for the sweep');
    check(sent.filter((message) => message.type === 'ready').length === 1, 'one ready per page load');

    // Two rates searched: the heatmap has a cell per (input rate, rate), one best cell, and a keyboard grid.
    const inputRates = new Set(finalSweep.trials.flatMap((trial) => (trial.plan.inputRate === undefined ? [] : [trial.plan.inputRate])));
    const heatmapHidden = await tab.$eval('[data-chart="heatmap"]', (card) => card.hidden);
    if (inputRates.size === 0) {
      check(heatmapHidden, 'heatmap: hidden for a sweep of one rate');
    } else {
      const hiddenRates = new Set(finalSweep.trials.map((trial) => trial.plan.rate));
      const cells = await tab.$$eval('.heatmap td[role="gridcell"]',
        (tds) => tds.map((td) => ({ label: td.getAttribute('aria-label'), tabindex: td.tabIndex, best: td.classList.contains('is-best') })));
      check(!heatmapHidden && cells.length === inputRates.size * hiddenRates.size,
        `heatmap: ${cells.length} cells for ${inputRates.size} input × ${hiddenRates.size} hidden rates`);
      check(cells.filter((cell) => cell.best).length === 1 && cells.every((cell) => /^input rate .*, rate .*: /.test(cell.label ?? '')),
        'heatmap: one best cell; every cell has an accessible label');
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
    check(sideLoss.length === trials && sideLoss.every((entry) => entry.kind === 'val_loss'),
      `side ${theme}: validation-loss curves only (${sideLoss.length})`);
    check(await side.tab.$$eval('.history-item', (items) => items.length) >= (theme === 'dark' ? 0 : 1), `side ${theme}: recent sweeps listed`);
    await shot(side.tab, `side-${theme}${theme === 'dark' ? '-live' : ''}`);
    const item = await side.tab.$('.history-item');
    if (item) {
      await item.focus();
      await side.tab.keyboard.press('Enter');
      check(await side.tab.evaluate(() => window.__sent.some((message) => message.type === 'openSweep')),
        `side ${theme}: Enter on a recent sweep posts openSweep`);
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
  return failures;
}
