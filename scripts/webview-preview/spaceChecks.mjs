// The preview's checks of a space sweep (`--fixture space`), in Chromium on the served panel: the objective by each
// hyperparameter and the parallel coordinates expose their data, the heatmap's pickers work from the keyboard, the
// trials table sorts by a hyperparameter and filters, and the pick, the sort and the filter survive a reload.
// Returns the failed checks' messages; a console error or warning on a page is a failure.
import { join, relative } from 'node:path';
import { openView, until } from './checks.mjs';
import { outDir, root } from './paths.mjs';

export async function runSpaceChecks({ browser, base, replay }) {
  const trials = replay.final.trials;
  const failures = [];
  const check = (condition, message) => {
    if (!condition) failures.push(message);
    console.log(`${condition ? '  ok  ' : '  FAIL'} ${message}`);
  };
  // Live, from no epoch to half-way: the views fill in as trials finish, without an error on the way.
  {
    const { tab, context, problems } = await openView(browser, base, 'panel', 'light', 'mode=live&pauseAt=0.5&duration=4000', { width: 1440, height: 1000 });
    await tab.waitForFunction(() => window.__status === 'paused', null, { timeout: 60_000 });
    await tab.waitForTimeout(300);
    const lines = await tab.$eval('[data-chart="parallel"]', (card) => JSON.parse(card.dataset.series).lines.length);
    check(lines > 0 && lines < trials.length, `live: the parallel coordinates have the finished trials' lines (${lines} of ${trials.length})`);
    check(problems.length === 0, `live: no console errors or warnings${problems.length ? `: ${problems.join(' | ')}` : ''}`);
    await context.close();
  }
  const { tab, context, problems } = await openView(browser, base, 'panel', 'dark', 'mode=final', { width: 1440, height: 1000 });
  await until(tab, 'done');
  await tab.waitForTimeout(300);

  const values = await tab.$$eval('[data-chart="hyperparameter"]', (cards) => cards.map((card) => JSON.parse(card.dataset.values)));
  check(values.map((entry) => `${entry.name}:${entry.axis}`).join() === 'conv_rate:linear,dense_rate:linear,lr:log',
    `hyperparameters: a chart per dimension with its axis (${values.map((entry) => `${entry.name}:${entry.axis}`).join(', ')})`);
  const lr = values.find((entry) => entry.name === 'lr');
  check(lr?.points.every((point) => point.mean !== null && (point.n < 2 || point.low < point.mean && point.mean < point.high)),
    'hyperparameters: every learning rate has a mean inside its interval');
  check(values.every((entry) => entry.trials === trials.length), 'hyperparameters: every trial is a dot on each chart');
  check(await tab.$eval('[data-chart="rates"]', (card) => card.hidden), 'the per-rate chart is hidden for a space sweep');

  const parallel = await tab.$eval('[data-chart="parallel"]', (card) => JSON.parse(card.dataset.series));
  const axes = parallel.axes.map((axis) => axis.name).join(', ');
  check(axes === 'conv_rate, dense_rate, lr, val_loss', `parallel: axes ${axes}`);
  check(parallel.lines.length === trials.length && await tab.$$eval('.pc-line', (lines) => lines.length) === trials.length,
    `parallel: one line per trial, drawn (${parallel.lines.length})`);
  check(parallel.lines.filter((line) => line.best).length === 2, 'parallel: the best configuration\'s two seeds are marked');

  // The heatmap's rows from the keyboard: focus the picker, arrow to another dimension.
  const heatmap = () => tab.$eval('[data-chart="heatmap"]', (card) => [card.dataset.rows, card.dataset.columns]);
  check((await heatmap()).join() === 'conv_rate,dense_rate', `heatmap: conv_rate × dense_rate by default (${await heatmap()})`);
  await tab.focus('#heatmap-rows');
  await tab.selectOption('#heatmap-rows', 'lr');
  await tab.waitForTimeout(150);
  check((await heatmap()).join() === 'lr,dense_rate', `heatmap: rows picked (${await heatmap()})`);
  await tab.selectOption('#heatmap-columns', 'lr');
  await tab.waitForTimeout(150);
  check((await heatmap()).join() === 'dense_rate,lr', `heatmap: picking the other side's dimension swaps them (${await heatmap()})`);
  check(await tab.$$eval('.heatmap td[tabindex="0"]', (cells) => cells.length) === 1, 'heatmap: one tab stop for the grid');

  // Sort by the learning rate from the keyboard, then filter.
  await tab.focus('button[data-sort="hp:lr"]');
  await tab.keyboard.press('Enter');
  await tab.waitForTimeout(100);
  const lrColumn = await tab.$$eval('section.trials thead th', (cells) => cells.findIndex((cell) => cell.querySelector('[data-sort="hp:lr"]')));
  const lrCells = () => tab.$$eval('section.trials tbody tr', (rows, index) => rows.map((row) => Number(row.children[index].textContent)), lrColumn);
  const sorted = await lrCells();
  check(sorted.every((value, index) => index === 0 || sorted[index - 1] <= value), 'table: Enter on the lr header sorts by lr ascending');
  await tab.fill('#trials-filter', 'lr<0.001 dense_rate=0.25');
  await tab.waitForTimeout(150);
  const expected = trials.filter((trial) => trial.plan.hp.lr < 0.001 && trial.plan.hp.dense_rate === 0.25).length;
  check((await lrCells()).length === expected, `table: the filter keeps the ${expected} trials it names`);
  check(/^\d+ of \d+ trials$/.test((await tab.textContent('.table-filter-status')) ?? ''), 'table: the filter says how many trials it shows');
  await tab.fill('#trials-filter', 'lr<0.001 momentum=0.9');
  await tab.waitForTimeout(150);
  check(/not a column: momentum=0\.9/.test((await tab.textContent('.table-filter-status')) ?? ''), 'table: an unknown column is reported');
  await tab.fill('#trials-filter', 'lr<0.001 dense_rate=0.25');
  await tab.waitForTimeout(150);

  await tab.reload();
  await until(tab, 'done');
  await tab.waitForTimeout(300);
  check((await heatmap()).join() === 'dense_rate,lr', 'reload: the heatmap pick is restored');
  check(await tab.getAttribute('th:has(button[data-sort="hp:lr"])', 'aria-sort') === 'ascending', 'reload: the sort by lr is restored');
  check(await tab.inputValue('#trials-filter') === 'lr<0.001 dense_rate=0.25' && (await lrCells()).length === expected, 'reload: the filter is restored');
  const path = join(outDir, 'space-panel-dark-checked.png');
  await tab.screenshot({ path, fullPage: true });
  console.log(`screenshot ${relative(root, path)}`);
  check(problems.length === 0, `no console errors or warnings${problems.length ? `: ${problems.join(' | ')}` : ''}`);
  await context.close();
  return failures;
}
