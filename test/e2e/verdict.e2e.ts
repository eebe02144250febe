// One verdict everywhere (issue 12): a sweep run by the CLI, then opened in real VS Code (code-server + headless
// Chromium, the extension installed from its .vsix). The CodeLens, the panel's header and the side view show what
// the CLI's --json says of the same stored sweep: `verdict.lens` and `verdict.text`.
//   node scripts/e2e/run.mjs verdict        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, type CodeServer } from '../../scripts/e2e/codeServer';
import { shownVerdict } from './panel';
import { clickCodeLens, closeWorkbench, codeLens, copyToTemp, openFile, openWorkbench, webviewFrame } from './workbench';

/** Small and quick (2 rates × 3 paired seeds × 8 epochs), so the verdict has paired comparisons to report. */
const spec = {
  name: 'verdict',
  dataset: { type: 'moons', samples: 120, noise: 0.2 },
  model: { hidden: [16] },
  training: { epochs: 8, batchSize: 16, learningRate: 0.01, seed: 1 },
  sweep: { rates: [0, 0.5], repeats: 3 },
  evaluation: { mcSamples: 0 },
};

interface CliVerdict {
  text: string;
  lens: string;
  distinguishable: boolean;
}

let workspace = '';
let server: CodeServer | undefined;
let page: Page;
let verdict: CliVerdict;

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  workspace = copyToTemp(path.join(repoRoot, 'examples'), { prefix: 'dropout-e2e-verdict-' });
  fs.writeFileSync(path.join(workspace, 'verdict.dropout.json'), `${JSON.stringify(spec, null, 2)}\n`);
  // The CLI's own default runs folder: .dropout/runs beside the spec, where the extension looks too.
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'run', 'verdict.dropout.json', '--json', '--backend', 'wasm'], {
    cwd: workspace, encoding: 'utf8', timeout: 240_000,
  });
  assert.equal(run.status, 0, `dropout-lab run failed: ${run.stderr}`);
  verdict = (JSON.parse(run.stdout) as { verdict: CliVerdict }).verdict;
  assert.ok(verdict.text && verdict.lens, `the CLI's verdict: ${JSON.stringify(verdict)}`);
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'verdict' }));
}, { timeout: 420_000 });

after(() => closeWorkbench({ server, page }, workspace), { timeout: 60_000 });

describe('one verdict: CLI, CodeLens, panel, side view', () => {
  test('the CodeLens shows the CLI\'s lens; the panel\'s #verdict reads the CLI\'s text', async () => {
    await screenshotOnFailure(page, 'verdict-panel', async () => {
      await openFile(page, 'verdict.dropout.json');
      const title = `Show results: ${verdict.lens} (`;
      await codeLens(page, title).first().waitFor({ state: 'visible', timeout: 60_000 });
      await clickCodeLens(page, title);
      const panel = await webviewFrame(page, 'Dropout Lab: verdict', 60_000);
      const shown = await shownVerdict(panel);
      assert.equal(shown.text, verdict.text);
      assert.equal(shown.className, verdict.distinguishable ? 'verdict distinguishable' : 'verdict no-clear-winner');
      // Both curves on the rate chart: the objective at the selected epoch and at the final epoch.
      const series = JSON.parse((await panel.locator('[data-chart="rates"]').first().getAttribute('data-series')) ?? '[]') as { label: string }[];
      const labels = series.map((entry) => entry.label);
      assert.ok(labels.includes('val_loss at selected epoch (best-epoch)') && labels.includes('val_loss at final epoch'), JSON.stringify(labels));
      await screenshot(page, 'verdict-panel');
    });
  });

  test('the side view shows the lens, with the verdict\'s text as its tooltip', async () => {
    await screenshotOnFailure(page, 'verdict-side', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="Dropout Lab"]').click();
      const side = await webviewFrame(page, 'Dropout Lab sweeps', 60_000);
      const shown = await shownVerdict(side);
      assert.deepEqual({ text: shown.text, title: shown.title }, { text: verdict.lens, title: verdict.text });
      await screenshot(page, 'verdict-side');
    });
  });
});
