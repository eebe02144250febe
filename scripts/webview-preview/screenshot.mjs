// The README's picture: the experiment panel on a finished sweep in the dark theme, 1280 CSS pixels wide, from the
// header down to the end of the second row of charts (loss and accuracy per epoch; the rates and inference charts).
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { openView, until } from './checks.mjs';
import { root } from './paths.mjs';

export async function panelScreenshot({ browser, base, path }) {
  const { tab, context, problems } = await openView(browser, base, 'panel', 'dark', 'mode=final', { width: 1280, height: 1200 });
  await until(tab, 'done');
  await tab.waitForTimeout(500);
  const height = await tab.evaluate(() => {
    const tops = [...document.querySelectorAll('.chart-card:not([hidden])')].map((card) => card.getBoundingClientRect());
    const rows = [...new Set(tops.map((box) => Math.round(box.top)))].sort((a, b) => a - b).slice(0, 2);
    return Math.max(...tops.filter((box) => rows.includes(Math.round(box.top))).map((box) => box.bottom)) + 12;
  });
  await tab.screenshot({ path, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(height) } });
  await context.close();
  if (problems.length) throw new Error(`the panel logged: ${problems.join(' | ')}`);
  console.log(`screenshot ${relative(root, path)} (${Math.round(statSync(path).size / 1024)} KB)`);
}
