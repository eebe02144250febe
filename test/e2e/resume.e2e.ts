// A sweep whose runner was killed (the CLI, SIGKILL) is offered for resuming when VS Code starts on the folder:
// the side view flags it with a Resume button, a notification offers Resume, and resuming finishes it in place.
//   node scripts/e2e/run.mjs resume        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { killedMidSweep, trialLines } from '../support/interrupt';
import { tinySpec } from '../support/specs';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll, pollWhileProgressing } from '../../scripts/e2e/wait';
import { closeWorkbench, copyToTemp, notifications, openWorkbench, runCommand, webviewFrame } from './workbench';

let workspace = '';
let server: CodeServer | undefined;
let page: Page;
let sweepDir = '';
const runsRoot = () => path.join(workspace, '.dropout', 'runs');

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  workspace = copyToTemp(path.join(repoRoot, 'examples'), { prefix: 'dropout-e2e-resume-' });
  const spec = path.join(workspace, 'tiny.dropout.json');
  fs.writeFileSync(spec, JSON.stringify(tinySpec({ training: { epochs: 30, batchSize: 8, seed: 3 }, sweep: { rates: [0, 0.3, 0.6] } }), null, 2));
  sweepDir = await killedMidSweep(spec, runsRoot(), ['--backend', 'wasm', '--workers', '1'],
    (at) => trialLines(at, 'rate-0_seed-3') === 32 && trialLines(at, 'rate-0.3_seed-3') >= 4);
  assert.equal(listSweeps(runsRoot())[0]?.status, 'interrupted');
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'resume', settings: { 'dropoutLab.backend': 'wasm' } }));
}, { timeout: 300_000 });

after(() => closeWorkbench({ server, page }, workspace), { timeout: 60_000 });

describe('resuming an interrupted sweep in VS Code', () => {
  test('at startup a notification offers Resume; the side view shows a Resume button on the interrupted sweep', async () => {
    await screenshotOnFailure(page, 'resume-offer', async () => {
      const offer = await poll('the offer to resume', async () => (await notifications(page)).find((m) => /a sweep was interrupted \(tiny\)/.test(m)), 60_000);
      assert.match(offer, /Resume runs the trials that did not finish; finished epochs are kept/);
      await runCommand(page, 'Dropout Lab: Focus on Sweeps View');
      const side = await webviewFrame(page, 'Dropout Lab sweeps', 60_000);
      const entry = side.locator('.history-entry', { hasText: 'tiny' }).first();
      await entry.waitFor({ timeout: 30_000 });
      assert.match(await entry.innerText(), /interrupted/i);
      assert.equal(await entry.locator('.history-resume').count(), 1);
      await screenshot(page, 'resume-offer');
    });
  });

  test('Resume finishes the sweep in its folder: every trial completed, the completed one untouched', async () => {
    await screenshotOnFailure(page, 'resume-run', async () => {
      const completedBefore = fs.readFileSync(path.join(sweepDir, 'trials', 'rate-0_seed-3.jsonl'));
      const side = await webviewFrame(page, 'Dropout Lab sweeps', 30_000);
      await side.locator('.history-entry', { hasText: 'tiny' }).first().locator('.history-resume').click();
      await webviewFrame(page, 'Dropout Lab: tiny', 60_000);
      // As long as it trains (the machine's speed varies): fails when no epoch is stored for 90 s.
      const record = await pollWhileProgressing('the resumed sweep to complete', async () => {
        const loaded = loadSweep(sweepDir);
        return loaded.status === 'completed' ? loaded : undefined;
      }, async () => loadSweep(sweepDir).trials.reduce((sum, trial) => sum + trial.epochs.length, 0), { stallMs: 90_000, maxMs: 10 * 60_000 });
      assert.equal(listSweeps(runsRoot()).length, 1, 'resumed in place, no new sweep');
      assert.equal(record.manifest.resumedAt?.length, 1);
      for (const trial of record.trials) {
        assert.equal(trial.status, 'completed', trial.plan.id);
        assert.deepEqual(trial.epochs.map((e) => e.epoch), Array.from({ length: 30 }, (_, i) => i + 1), trial.plan.id);
      }
      assert.ok(fs.readFileSync(path.join(sweepDir, 'trials', 'rate-0_seed-3.jsonl')).equals(completedBefore));
      await screenshot(page, 'resume-done');
    });
  });
});
