// The keras-style example (examples/keras-style: a builder module whose hp calls are the search space, issue 14) in
// real VS Code. Trusted: the CodeLens names the hyperparameters discovered from model.mjs, its Run opens the panel
// and the loss curves grow while the sweep runs, and the verdict names the best units and dropout, as the CLI's does.
// In Restricted Mode: the lens says that model.mjs is not run and why, and neither the lens nor Run starts a
// trainer or writes a run store.
//   node scripts/e2e/run.mjs module        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { cliPath } from '../support/specs';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll } from '../../scripts/e2e/wait';
import { chartSeries, experimentPanel, ownPoints, shownVerdict, untilSweepCompleted } from './panel';
import { clickCodeLens, closeWorkbench, codeLens, copyToTemp, notifications, openFile, openWorkbench } from './workbench';

const experiment = 'keras-style';
const specFile = 'keras-style.dropout.json';
const maxEpochs = 9;
/** The Run lens once model.mjs is discovered (src/extension/codeLensModel.ts: moduleRunTitle), its $(play) icon aside. */
const runLens = `Run Hyperband over 2 hyperparameters (units, dropout), max ${maxEpochs} epochs, factor 3`;
/** The lens in Restricted Mode (codeLensModel.ts), and its tooltip: what is not run, and why. */
const restrictedLens = 'Restricted Mode: model.mjs is not run until you trust this folder';
const restrictedTooltip = 'Dropout Lab runs no training and no builder module in Restricted Mode';

/**
 * A copy of examples/keras-style with the shipped spec on a third of its digits (600 training, 300 validation, 300
 * test): the sweep, model and lens are as shipped (Hyperband, max 9 epochs, factor 3: 17 trials), about 13 s of
 * training from the CLI here instead of about 50.
 */
function quickWorkspace(prefix: string): string {
  const workspace = copyToTemp(path.join(repoRoot, 'examples', 'keras-style'), { prefix });
  const file = path.join(workspace, specFile);
  const shipped = fs.readFileSync(file, 'utf8');
  const quick = shipped.replace('"trainSamples": 2000, "validationSamples": 1000, "testSamples": 1000',
    '"trainSamples": 600, "validationSamples": 300, "testSamples": 300');
  assert.notEqual(quick, shipped, `examples/keras-style/${specFile} no longer has the dataset this test reduces`);
  assert.match(quick, /"maxEpochs": 9, "factor": 3, "iterations": 1/, `examples/keras-style/${specFile} no longer runs the sweep this test names`);
  fs.writeFileSync(file, quick);
  return workspace;
}

/** The lens's text as shown (the codicon is an empty span), white space normalized. */
async function lensText(page: Page, text: string | RegExp): Promise<string> {
  return (await codeLens(page, text).first().innerText({ timeout: 10_000 })).replace(/\s+/g, ' ').trim();
}

/**
 * Every trainer process this code-server's copy of the extension starts (`node <extensions>/…/dist/trainer.js
 * <backend>`: module discovery and training alike), seen by sampling /proc every 100 ms: discovery alone keeps
 * one alive for seconds (it starts a backend and builds the model).
 */
class TrainerWatch {
  readonly seen = new Set<number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly server: CodeServer) {
    this.timer = setInterval(() => this.sample(), 100);
    this.sample();
  }

  private sample(): void {
    const trainer = path.join('dist', 'trainer.js');
    for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      let args: string[];
      try {
        args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue; // ended meanwhile
      }
      if (args.some((arg) => arg.startsWith(this.server.extensionsDir) && arg.endsWith(trainer))) this.seen.add(Number(pid));
    }
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.seen.size;
  }
}

/** What a describe block's workbench() opens before its tests, on a quick copy of the example. */
interface Opened {
  workspace: string;
  server?: CodeServer;
  page: Page;
  /** Watching from the moment the workbench is up. */
  trainers: TrainerWatch;
}

/** Opens a workbench before the tests of the describe block it is called in, and closes it after them. */
function workbench(name: string, options: { restrictedMode: boolean }): Opened {
  const opened = { workspace: '' } as Opened;
  before(async () => {
    checkPrerequisites();
    const vsix = await ensureVsix();
    opened.workspace = quickWorkspace(`dropout-e2e-${name}-`);
    ({ server: opened.server, page: opened.page } = await openWorkbench({ workspace: opened.workspace, vsixPath: vsix, name, ...options }));
    opened.trainers = new TrainerWatch(opened.server);
  }, { timeout: 300_000 });
  after(() => {
    opened.trainers?.stop(); // undefined when the workbench did not open
    return closeWorkbench({ server: opened.server, page: opened.page }, opened.workspace);
  }, { timeout: 60_000 });
  return opened;
}

describe('the keras-style builder module in a trusted folder', () => {
  const opened = workbench('module', { restrictedMode: false });

  test('the CodeLens names the hyperparameters discovered from model.mjs', async () => {
    const { page, trainers } = opened;
    await screenshotOnFailure(page, 'module-codelens', async () => {
      await openFile(page, specFile);
      // Discovery runs model.mjs's build() once in a trainer process; until it answers the lens says "Discovering…".
      await codeLens(page, runLens).first().waitFor({ state: 'visible', timeout: 120_000 });
      assert.equal(await lensText(page, runLens), runLens);
      assert.equal(await codeLens(page, runLens).first().getAttribute('title'), 'model.mjs asks for units, dropout');
      assert.equal(await codeLens(page, /Discovering|Restricted Mode/).count(), 0);
      assert.ok(trainers.seen.size > 0, 'discovery ran in a trainer process (and TrainerWatch sees those)');
      await screenshot(page, 'module-codelens');
    });
  });

  test('Run shows live curves of units × dropout trials; the verdict names the best dropout, as the CLI does', async () => {
    const { page, workspace } = opened;
    await screenshotOnFailure(page, 'module-run', async () => {
      const started = Date.now();
      await clickCodeLens(page, runLens, 30_000);
      const panel = experimentPanel(page, experiment);
      // Live: the loss chart's own points, at each poll that finds the sweep running.
      const live: number[] = [];
      const liveLabels = new Set<string>();
      await untilSweepCompleted(panel, (loss) => {
        live.push(ownPoints(loss));
        for (const series of loss) if (!series.overlay && series.points > 0) liveLabels.add(series.label);
      });
      const took = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`module: the sweep took ${took} s from the lens to 'completed' in the panel; loss points seen while running: ${live.join(' ')}`);
      const grew = new Set(live.filter((points) => points > 0));
      assert.ok(grew.size >= 2, `the loss curves were seen growing while the sweep ran: point counts ${JSON.stringify(live)}`);
      assert.ok(liveLabels.size >= 1 && [...liveLabels].every((label) => /^units \d+ · dropout [\d.]+ · seed \d+/.test(label)),
        `live curves are per units × dropout trial: ${JSON.stringify([...liveLabels])}`);

      // The store the extension wrote: every trial a point of the discovered space; some trained to maxEpochs.
      const [listing] = listSweeps(path.join(workspace, '.dropout', 'runs')).filter((sweep) => sweep.experiment === experiment);
      assert.equal(listing?.status, 'completed');
      const { trials } = loadSweep(listing.dir);
      for (const trial of trials) assert.deepEqual(Object.keys(trial.plan.hp ?? {}).sort(), ['dropout', 'units'], trial.plan.id);
      assert.ok(trials.some((trial) => trial.epochs.length === maxEpochs), `a trial trained to ${maxEpochs} epochs`);
      const loss = (await chartSeries(panel, 'loss')).filter((series) => !series.overlay);
      assert.equal(Math.max(...loss.map((series) => series.points)), maxEpochs);

      // The verdict: the CLI's on this sweep folder, naming the best configuration by units and dropout.
      const show = spawnSync(process.execPath, [cliPath, 'show', listing.dir, '--json'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(show.status, 0, `dropout-lab show failed: ${show.stderr}`);
      const cli = JSON.parse(show.stdout) as { verdict: { text: string } };
      const verdict = await shownVerdict(await panel());
      assert.equal(verdict.text, cli.verdict.text);
      assert.match(verdict.text ?? '', /^units \d+, dropout [\d.]+ /);
      await screenshot(page, 'module-run');
    });
  });
});

describe('the keras-style builder module in Restricted Mode', () => {
  const opened = workbench('module-restricted', { restrictedMode: true });

  test('the lens says model.mjs is not run and why; its Run is refused; no trainer starts, no run store is written', async () => {
    const { page, trainers, workspace } = opened;
    await screenshotOnFailure(page, 'module-restricted', async () => {
      await openFile(page, specFile);
      await codeLens(page, restrictedLens).first().waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal(await lensText(page, restrictedLens), restrictedLens);
      assert.equal(await codeLens(page, restrictedLens).first().getAttribute('title'), restrictedTooltip);
      assert.equal(await codeLens(page, /Run Hyperband|Discovering/).count(), 0, 'no discovery, no Run lens');
      await screenshot(page, 'module-restricted-codelens');

      // The lens's command is Run: refused, with the message saying why.
      await clickCodeLens(page, restrictedLens);
      const shown = await poll('the Restricted Mode message', async () => {
        const messages = await notifications(page);
        return messages.find((message) => /runs no training in Restricted Mode, and no builder module \(model\.module\)/.test(message));
      }, 30_000);
      assert.match(shown, /trust this folder to run experiments/);
      await page.waitForTimeout(3000); // had a discovery or a sweep started, its trainer would be up by now
      assert.equal(trainers.stop(), 0, 'no trainer process was started');
      assert.ok(!fs.existsSync(path.join(workspace, '.dropout')), 'no run store (nor dataset cache) was written');
      await screenshot(page, 'module-restricted-run-refused');
    });
  });
});
