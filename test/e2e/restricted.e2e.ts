// Restricted Mode in real VS Code (code-server with Workspace Trust on, the folder untrusted): stored results are
// shown, training is refused with a message saying why, and the CodeLens says so instead of offering Run.
//   node scripts/e2e/run.mjs restricted        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { listSweeps } from '../../src/store/reader';
import { cliPath, tinySpec } from '../support/specs';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll } from '../../scripts/e2e/wait';
import { closeWorkbench, codeLens, copyToTemp, notifications, openFile, openWorkbench, runCommand, webviewFrame } from './workbench';

let workspace = '';
let server: CodeServer | undefined;
let page: Page;
const runsRoot = () => path.join(workspace, '.dropout', 'runs');

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  workspace = copyToTemp(path.join(repoRoot, 'examples'), { prefix: 'dropout-e2e-restricted-' });
  // A sweep stored before the folder is opened (by the CLI, which knows nothing of trust): the results to show.
  const spec = path.join(workspace, 'tiny.dropout.json');
  fs.writeFileSync(spec, JSON.stringify(tinySpec(), null, 2));
  const stored = spawnSync(process.execPath, [cliPath, 'run', spec, '--backend', 'wasm'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(stored.status, 0, stored.stderr);
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'restricted', restrictedMode: true }));
}, { timeout: 300_000 });

after(() => closeWorkbench({ server, page }, workspace), { timeout: 60_000 });

describe('Dropout Lab in Restricted Mode', () => {
  test('the CodeLens points to workspace trust instead of Run; no per-rate lens', async () => {
    await screenshotOnFailure(page, 'restricted-codelens', async () => {
      await openFile(page, 'tiny.dropout.json');
      await codeLens(page, 'Restricted Mode: trust this folder to run').first().waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal(await codeLens(page, /Run experiment/).count(), 0);
      assert.equal(await codeLens(page, /Run only this rate/).count(), 0);
      await screenshot(page, 'restricted-codelens');
    });
  });

  test('Run is refused with a message saying why; no sweep starts', async () => {
    await screenshotOnFailure(page, 'restricted-run', async () => {
      const before = listSweeps(runsRoot()).length;
      await openFile(page, 'tiny.dropout.json');
      await runCommand(page, 'Dropout Lab: Run Dropout Experiment');
      const shown = await poll('the Restricted Mode message', async () => {
        const messages = await notifications(page);
        return messages.find((message) => /runs no training in Restricted Mode/.test(message));
      }, 30_000);
      assert.match(shown, /Stored results stay viewable; trust this folder to run experiments/);
      await screenshot(page, 'restricted-run-refused');
      await page.waitForTimeout(2000); // had a sweep started, its folder would exist by now
      assert.equal(listSweeps(runsRoot()).length, before, 'no sweep was started');
      assert.equal(before, 1);
    });
  });

  test('stored results stay viewable: Show Results opens the panel with the stored curves', async () => {
    await screenshotOnFailure(page, 'restricted-results', async () => {
      await openFile(page, 'tiny.dropout.json');
      await runCommand(page, 'Dropout Lab: Show Results');
      const panel = await webviewFrame(page, 'Dropout Lab: tiny', 60_000);
      const loss = await poll('the stored loss curves', async () => {
        const raw = await panel.locator('[data-chart="loss"]').first().getAttribute('data-series', { timeout: 10_000 });
        const data = JSON.parse(raw ?? '[]') as { rate: number | null; points: number; overlay?: boolean }[];
        return data.filter((s) => !s.overlay && s.points > 0).length > 0 ? data : undefined;
      }, 60_000);
      // tinySpec: rates 0 and 0.5, 4 epochs each, a train and a validation curve per rate.
      assert.deepEqual(loss.filter((s) => !s.overlay).map((s) => [s.rate, s.points]).sort(), [[0, 4], [0, 4], [0.5, 4], [0.5, 4]]);
      await screenshot(page, 'restricted-results');
    });
  });
});
