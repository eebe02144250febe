// The README's picture: the experiment panel on a finished sweep in the dark theme, 1280 CSS pixels wide, from the
// header down to the end of the second row of charts (loss and accuracy per epoch; the rates and inference charts).
import { statSync } from 'node:fs';
import { join, relative as relativePath } from 'node:path';
import { openView, until } from './checks.mjs';
import { outDir, root } from './paths.mjs';

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
  console.log(`screenshot ${relativePath(root, path)} (${Math.round(statSync(path).size / 1024)} KB)`);
}

/**
 * A fixture's panel (whole page) and side view in light and dark: test-results/webview-preview/NAME-{panel,side}-THEME.png;
 * and the panel's views of a space, from the objective by hyperparameter down to the heatmap, as media/screenshot-NAME-THEME.png.
 */
export async function fixtureScreenshots({ browser, base, name }) {
  for (const theme of ['light', 'dark']) {
    for (const [view, viewport] of [['panel', { width: 1280, height: 1000 }], ['side', { width: 380, height: 900 }]]) {
      const { tab, context, problems } = await openView(browser, base, view, theme, 'mode=final', viewport);
      await until(tab, 'done');
      await tab.waitForTimeout(500);
      const path = join(outDir, `${name}-${view}-${theme}.png`);
      await tab.screenshot({ path, fullPage: true });
      if (view === 'panel') {
        const clip = await tab.evaluate(() => {
          const boxes = ['.hp-section', '[data-chart="parallel"]', '[data-chart="heatmap"]']
            .map((selector) => document.querySelector(selector)?.getBoundingClientRect()).filter((box) => box && box.height > 0);
          const top = Math.min(...boxes.map((box) => box.top)) + window.scrollY - 12;
          return { x: 0, y: top, width: document.documentElement.clientWidth, height: Math.max(...boxes.map((box) => box.bottom)) + window.scrollY + 12 - top };
        });
        const media = join(root, 'media', `screenshot-${name}-${theme}.png`);
        await tab.screenshot({ path: media, clip, fullPage: true });
        console.log(`screenshot ${relativePath(root, media)} (${Math.round(statSync(media).size / 1024)} KB)`);
      }
      await context.close();
      if (problems.length) throw new Error(`the ${view} logged: ${problems.join(' | ')}`);
      console.log(`screenshot ${relativePath(root, path)} (${Math.round(statSync(path).size / 1024)} KB)`);
    }
  }
}
