// The extension as a user meets it, in real VS Code (code-server + headless Chromium), installed from its .vsix,
// on a copy of examples/. Chart data is read from the webviews' data-series attributes, never from pixels.
//   node scripts/e2e/run.mjs extension        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll, pollWhileProgressing } from '../../scripts/e2e/wait';
import {
  abortUnlessRunningOrCompleted, chartSeries, experimentPanel, ownPoints, runFromPalette, sweepStatus, SWEEP_MAX_MS, SWEEP_STALL_MS, untilSweepCompleted,
} from './panel';
import {
  chooseFolderInDialog, clickCodeLens, closeWorkbench, copyToTemp, focusTextEditor, type FrameRef, notifications, openFile, openWorkbench, runCommand,
  switchTheme, waitForProblem, waitForWorkbench, webviewFrame,
} from './workbench';

const brokenSpec = '{\n  "name": "broken",\n  "dataset": { "type": "moon" },\n  "model": { "hidden": [] },\n  "sweep": { "rates": [0, 1.5] }\n}\n';

/** How VS Code's Problems panel writes where a problem starts: `[Ln 3, Col 24]` (1-based). */
function problemPosition(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `[Ln ${before.length}, Col ${before[before.length - 1].length + 1}]`;
}

const hostileName = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';

let workspace = '';
let server: CodeServer | undefined;
let page: Page;

const runsRoot = () => path.join(workspace, '.dropout', 'runs');
const panelFrame = (experiment: string): FrameRef => experimentPanel(page, experiment);

/** Waits until the panel shows its sweep with `status`. */
async function untilStatus(panel: FrameRef, status: string, what: string, timeoutMs: number, intervalMs?: number): Promise<void> {
  await poll(what, async () => ((await sweepStatus(panel)) === status ? true : undefined), timeoutMs, intervalMs);
}

/** Keyboard shortcuts typed while a webview has focus never reach the workbench: give it back first. */
const focusEditor = (): Promise<void> => focusTextEditor(page);

/** Best effort, after a failed test: stops the experiment's sweep if the store still says it runs. */
async function stopIfStillRunning(experiment: string): Promise<void> {
  if (!listSweeps(runsRoot()).some((s) => s.experiment === experiment && s.status === 'running')) return;
  await focusEditor().then(() => runCommand(page, 'Dropout Lab: Stop Experiment'))
    .catch((error: Error) => console.log(`could not stop ${experiment}: ${error.message}`));
}

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  workspace = copyToTemp(path.join(repoRoot, 'examples'));
  // The live-curves test runs the moons example with one seed for each of 9 rates (the shipped one runs 5 × 3).
  const moonsPath = path.join(workspace, 'moons.dropout.json');
  const shipped = fs.readFileSync(moonsPath, 'utf8');
  const moons = shipped.replace('{ "min": 0, "max": 0.8, "step": 0.2 }, "repeats": 3', '{ "min": 0, "max": 0.8, "step": 0.1 }, "repeats": 1');
  assert.notEqual(moons, shipped, 'examples/moons.dropout.json no longer has the sweep this test narrows');
  fs.writeFileSync(moonsPath, moons);
  // A slow spec to stop, and a broken one to refuse.
  fs.writeFileSync(path.join(workspace, 'slow.dropout.json'), moons.replace('"name": "moons"', '"name": "slow"').replace('"epochs": 150', '"epochs": 5000'));
  fs.writeFileSync(path.join(workspace, 'broken.dropout.json'), brokenSpec);
  // A quick sweep whose best model is exported.
  fs.writeFileSync(path.join(workspace, 'export.dropout.json'), JSON.stringify({
    name: 'export', dataset: { type: 'moons', samples: 60 }, model: { hidden: [8], dropoutStyle: 'standard' }, training: { epochs: 5 },
    sweep: { rates: [0, 0.5] },
  }));
  fs.writeFileSync(path.join(workspace, 'xss.dropout.json'), JSON.stringify({
    name: hostileName, dataset: { type: 'moons', samples: 60 }, model: { hidden: [8] }, training: { epochs: 3 }, sweep: { rates: [0, 0.5] },
  }));
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'extension' }));
}, { timeout: 300_000 });

after(() => closeWorkbench({ server, page }, workspace), { timeout: 60_000 });

describe('Dropout Lab in VS Code', () => {
  test('CodeLens Run opens the panel; loss curves grow for every rate while it runs; the rate chart completes', async () => {
    await screenshotOnFailure(page, 'codelens-run', async () => {
      await openFile(page, 'moons.dropout.json');
      await clickCodeLens(page, 'Run experiment (9 rates × 1 seed)', 60_000);
      await webviewFrame(page, 'Dropout Lab: moons', 60_000);
      const panel = panelFrame('moons');

      // Live: while the sweep runs, the loss chart gains points, for more and more rates.
      // Per rate, the point counts seen while the sweep was running.
      const seen = new Map<number, Set<number>>();
      let liveSamples = 0;
      let points = 0;
      await pollWhileProgressing('the sweep to complete', async () => {
        const status = await sweepStatus(panel);
        abortUnlessRunningOrCompleted(status);
        const loss = await chartSeries(panel, 'loss');
        points = ownPoints(loss);
        if (status === 'running') {
          liveSamples++;
          for (const s of loss) if (s.rate !== null && s.points > 0) seen.set(s.rate, (seen.get(s.rate) ?? new Set()).add(s.points));
        }
        return status === 'completed';
      }, async () => points, { stallMs: SWEEP_STALL_MS, maxMs: SWEEP_MAX_MS });
      assert.ok(liveSamples >= 3, `the panel was seen running ${liveSamples} times`);
      const grew = [...seen].filter(([, counts]) => [...counts].some((n) => n > 0 && n < 150) && counts.size >= 2).map(([rate]) => rate);
      assert.ok(seen.size >= 4, `rates seen live: ${[...seen.keys()]}`);
      assert.ok(grew.length >= 2, `rates whose curve was seen growing: ${grew}; ${JSON.stringify([...seen].map(([r, c]) => [r, [...c]]))}`);

      // Complete: 9 rates × (train + val) curves of 150 epochs; the rate chart has every rate.
      const loss = (await chartSeries(panel, 'loss')).filter((s) => !s.overlay);
      assert.equal(loss.length, 18, JSON.stringify(loss.map((s) => s.label)));
      assert.ok(loss.every((s) => s.points === 150), JSON.stringify(loss.map((s) => s.points)));
      const rates = (await chartSeries(panel, 'rates')).filter((s) => !s.overlay && s.x);
      assert.ok(rates.length >= 1);
      for (const s of rates) assert.deepEqual(s.x, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], s.label);
      assert.ok((await chartSeries(panel, 'mc')).some((s) => s.x?.length === 9), 'deterministic vs MC per rate');

      // The extension wrote the same store the CLI reads.
      const [stored] = listSweeps(runsRoot()).filter((s) => s.experiment === 'moons');
      assert.equal(stored.status, 'completed');
      assert.equal(loadSweep(stored.dir).trials.filter((t) => t.epochs.length === 150).length, 9);

      // code-server starts in the light theme here (Chromium's colour scheme): dark first, then back to light.
      await switchTheme(page, 'dark', panel);
      await screenshot(page, 'panel-dark');
      await switchTheme(page, 'light', panel);
      await screenshot(page, 'panel-light');
    });
  });

  test('after a window reload the panel is restored with the same data', async () => {
    await screenshotOnFailure(page, 'reload', async () => {
      const before = await chartSeries(panelFrame('moons'), 'rates');
      await page.reload();
      await waitForWorkbench(page);
      await webviewFrame(page, 'Dropout Lab: moons', 60_000);
      const panel = panelFrame('moons');
      const after = await poll('restored chart data', async () => {
        const data = await chartSeries(panel, 'rates');
        return data.length > 0 ? data : undefined;
      }, 60_000);
      assert.deepEqual(after, before);
    });
  });

  test('the side view lists the sweep and opens its panel', async () => {
    await screenshotOnFailure(page, 'side-view', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="Dropout Lab"]').click();
      const side = await webviewFrame(page, 'Dropout Lab sweeps', 60_000);
      assert.ok(await page.locator('.sidebar .title-label', { hasText: /Dropout Lab/i }).isVisible(), 'the activity bar container opened');
      const item = side.locator('.history-item', { hasText: 'moons' }).first();
      await item.waitFor({ timeout: 30_000 });
      assert.match(await item.innerText(), /best rate/);
      await screenshot(page, 'side-view');
      await item.focus();
      await item.press('Enter');
      await webviewFrame(page, 'Dropout Lab: moons', 30_000);
    });
  });

  test('Run from the command palette, then Stop: trainers end within 2 s and the history keeps the sweep', async () => {
    try {
      await screenshotOnFailure(page, 'palette-stop', async () => {
        const panel = await runFromPalette(page, 'slow.dropout.json', 'slow');
        await poll('epochs on the loss chart', async () => ((await chartSeries(panel, 'loss')).some((s) => s.points >= 3) ? true : undefined), 90_000);
        assert.equal(await sweepStatus(panel), 'running');
        await focusEditor();
        await openFile(page, 'slow.dropout.json');
        await runCommand(page, 'Dropout Lab: Stop Experiment');
        const stopRequested = Date.now(); // Enter on the command: from here on it is the extension's time
        const sweep = await poll('the stored sweep to end', () => {
          const [listing] = listSweeps(runsRoot()).filter((s) => s.experiment === 'slow');
          return listing && listing.status !== 'running' ? listing : undefined;
        }, 30_000, 100);
        const stopMs = Date.now() - stopRequested;
        assert.equal(sweep.status, 'cancelled');
        // The runner records when Stop reached it and when the last trainer was gone.
        const manifest = loadSweep(sweep.dir).manifest;
        const trainersMs = Date.parse(manifest.endedAt!) - Date.parse(manifest.cancelRequestedAt!);
        assert.ok(trainersMs < 2000, `trainers took ${trainersMs} ms to stop`);
        // The panel's status arrives through the workbench, whose renderer shares the 2 cores with the 2 trainers that
        // ran at full speed until Stop: on 2026-12-02 it was still catching up 10 s after the store said 'cancelled'
        // (twice in a row, on a calm machine). What must be prompt is the runner (trainersMs above); the panel
        // must get there, and the time it took is logged.
        const panelWaitStarted = Date.now();
        await untilStatus(panel, 'cancelled', 'the panel to show it stopped', 60_000);
        const panelMs = Date.now() - panelWaitStarted;
        const record = loadSweep(sweep.dir);
        assert.ok(record.trials.some((t) => t.epochs.length >= 3), 'the trained epochs are kept');
        // The history (side view) lists the stopped sweep.
        await focusEditor();
        await runCommand(page, 'Dropout Lab: Focus on Sweeps View');
        const side = await webviewFrame(page, 'Dropout Lab sweeps', 30_000);
        await side.locator('.history-item', { hasText: 'slow' }).first().waitFor({ timeout: 30_000 });
        console.log(`stop: ${trainersMs} ms from the runner's cancel to the last trainer gone; `
          + `${stopMs} ms from the command's Enter to the stored 'cancelled'; the panel showed it ${panelMs} ms after that`);
      });
    } finally {
      await stopIfStillRunning('slow'); // a failure above must not leave 9 trainers loading the machine for the next tests
    }
  });

  test('an invalid spec shows its problems in the Problems panel, and Run refuses it', async () => {
    await screenshotOnFailure(page, 'invalid-spec', async () => {
      await focusEditor();
      await openFile(page, 'broken.dropout.json');
      const rows = await waitForProblem(page, /did you mean "moons"/);
      // Each problem at the exact place of the offending value.
      const row = (pattern: RegExp) => rows.find((r) => pattern.test(r)) ?? '';
      assert.ok(row(/did you mean "moons"/).includes(problemPosition(brokenSpec, '"moon"')), JSON.stringify(rows));
      assert.ok(row(/at least one layer/).includes(problemPosition(brokenSpec, '[]')), JSON.stringify(rows));
      assert.ok(row(/1\.5/).includes(problemPosition(brokenSpec, '1.5')), JSON.stringify(rows));
      await openFile(page, 'broken.dropout.json');
      await runCommand(page, 'Dropout Lab: Run Dropout Experiment');
      const messages = await poll('the refusal', async () => {
        const shown = await notifications(page);
        return shown.some((m) => /Cannot run broken\.dropout\.json: \d+ problems/.test(m)) ? shown : undefined;
      }, 20_000);
      assert.ok(messages.length > 0);
      assert.equal(listSweeps(runsRoot()).some((s) => s.experiment === 'broken'), false, 'no sweep was started');
      await screenshot(page, 'invalid-spec');
    });
  });

  test('names from a spec are shown as text, never inserted as HTML', async () => {
    await screenshotOnFailure(page, 'hostile-name', async () => {
      const panel = await runFromPalette(page, 'xss.dropout.json', 'xss');
      await untilSweepCompleted(panel);
      const frame = await panel();
      assert.equal(await frame.locator('.experiment-name').first().textContent(), hostileName);
      assert.equal(await frame.locator('img, b').count(), 0, 'no element was created from the name');
      assert.notEqual(await frame.title(), 'pwned');
    });
  });

  test('Install Native TensorFlow Backend, offline: a clear error, and sweeps keep training on wasm', async () => {
    await screenshotOnFailure(page, 'native-backend-offline', async () => {
      await focusEditor();
      await runCommand(page, 'Dropout Lab: Install Native TensorFlow Backend');
      // codeServer.ts points npm at a dead registry.
      const messages = await poll('the install error', async () => {
        const shown = await notifications(page);
        return shown.find((m) => /could not install the native TensorFlow backend/.test(m));
      }, 60_000);
      assert.match(messages, /could not reach 127\.0\.0\.1:9 \(ECONNREFUSED\): this machine seems to be offline/);
      assert.match(messages, /keeps using the wasm backend/);
    });
  });

  test('Export Best Model (the panel button) copies the best trial\'s TF.js model into a folder the user picks', async () => {
    await screenshotOnFailure(page, 'export-model', async () => {
      await focusEditor();
      await openFile(page, 'export.dropout.json');
      await clickCodeLens(page, 'Run experiment (2 rates × 1 seed)', 60_000);
      await webviewFrame(page, 'Dropout Lab: export', 60_000);
      const panel = panelFrame('export');
      await untilSweepCompleted(panel);
      const target = path.join(workspace, 'exported-model');
      fs.mkdirSync(target, { recursive: true });
      await (await panel()).locator('vscode-button', { hasText: 'Export Best Model' }).click();
      // The dialog starts in the spec's folder (src/extension/modelExport.ts: defaultUri), the workspace here.
      await chooseFolderInDialog(page, target, { defaultFolder: workspace, okLabel: 'Export Here' });
      const files = ['model.json', 'weights.bin'];
      await poll('the exported model', () => files.every((file) => fs.existsSync(path.join(target, file))), 30_000);
      const [stored] = listSweeps(runsRoot()).filter((s) => s.experiment === 'export');
      for (const file of files) assert.deepEqual(fs.readFileSync(path.join(target, file)), fs.readFileSync(path.join(stored.dir, 'best-model', file)), file);
      const metadata = JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8')).userDefinedMetadata.dropoutLab;
      assert.equal(metadata.trialId, loadSweep(stored.dir).manifest.bestModel?.trialId);
      await poll('the confirmation', async () => (await notifications(page)).find((m) => /Exported the best model/.test(m)), 20_000);
    });
  });
});
