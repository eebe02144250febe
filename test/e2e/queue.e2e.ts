// A sweep run from VS Code on BullMQ workers through Redis (issue 15): a real redis-server (with requirepass) and two
// real `dropout-lab worker` processes (dist/cli.js, one slot each, named), a workspace whose settings.json sets
// `dropoutLab.executor` to the Redis URL without its password, and the password given to "Dropout Lab: Set Redis
// Password" (SecretStorage). The panel shows live curves, the queue's depth while it runs and, in the trials table,
// the worker each trial ran on; the store records the URL without the password. Then, Redis stopped: Run says
// which Redis cannot be used and starts nothing.
//   node scripts/e2e/run.mjs queue        (prepares code-server first; after npm run build: the workers run dist/)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shownRedisUrl } from '../../src/core/redisUrl';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { checkPrerequisites, ensureVsix, type CodeServer } from '../../scripts/e2e/codeServer';
import { poll, pollWhileProgressing } from '../../scripts/e2e/wait';
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from '../../scripts/redisServer';
import { screenshot, screenshotOnFailure } from './browser';
import { abortUnlessRunningOrCompleted, experimentPanel, ownPoints, runFromPalette, SWEEP_MAX_MS, SWEEP_STALL_MS, type SeriesSummary } from './panel';
import { closeWorkbench, fillQuickInput, giveKeysToWorkbench, notifications, openFile, openWorkbench, runCommand, type FrameRef } from './workbench';

const experiment = 'queue-moons';
const specFile = `${experiment}.dropout.json`;
const password = 'e2e-queue-s3cret';
const workerNames = ['e2e-box-a', 'e2e-box-b'];
/** 6 trials of 60 epochs, about 5 s each on a worker's wasm trainer: long enough to watch live, short on 2 cores. */
const spec = {
  name: experiment,
  dataset: { type: 'moons', samples: 240, noise: 0.2, validationFraction: 0.5 },
  model: { hidden: [32, 32] },
  training: { epochs: 60, batchSize: 8, learningRate: 0.01, seed: 3 },
  sweep: { rates: [0, 0.2, 0.4, 0.6, 0.8, 0.9], repeats: 1 },
};

let workspace = '';
let server: CodeServer | undefined;
let page: Page;
let panel: FrameRef;
let redis: RedisServer | undefined;
const workers: WorkerProcess[] = [];
/** The setting's value: the Redis without its password. */
let executorUrl = '';

const runsRoot = () => path.join(workspace, '.dropout', 'runs');

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  redis = await startRedis({ password });
  executorUrl = `redis://127.0.0.1:${redis.port}`;
  for (const name of workerNames) workers.push(await startWorker(redis.url, name, 1));
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-e2e-queue-'));
  fs.writeFileSync(path.join(workspace, specFile), `${JSON.stringify(spec, null, 2)}\n`);
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'dropoutLab.executor': executorUrl }, null, 2)}\n`);
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'queue' }));
  panel = experimentPanel(page, experiment);
}, { timeout: 300_000 });

after(async () => {
  await closeWorkbench({ server, page }, workspace);
  for (const worker of workers) await worker.stop();
  await redis?.stop();
}, { timeout: 60_000 });

/** What a poll reads of the panel, in one look at its frame: status, the loss chart's own points, queue line, worker cells. */
interface PanelReading { status: string; points: number; depth: string; workerCells: string[] }

async function readPanel(): Promise<PanelReading> {
  const raw = await (await panel()).evaluate(`JSON.stringify((() => {
    const depth = document.querySelector('.queue-depth');
    return {
      status: document.querySelector('.status-badge')?.dataset.status ?? '',
      series: document.querySelector('[data-chart="loss"]')?.getAttribute('data-series') ?? '[]',
      depth: depth && !depth.hidden ? depth.textContent.trim() : '',
      workerCells: [...document.querySelectorAll('.trials-table td .worker')].map((cell) => cell.textContent),
    };
  })())`) as string;
  const { status, series, depth, workerCells } = JSON.parse(raw) as { status: string; series: string; depth: string; workerCells: string[] };
  return { status, points: ownPoints(JSON.parse(series) as SeriesSummary[]), depth, workerCells };
}

describe('a sweep on BullMQ workers, from VS Code', () => {
  test('dropoutLab.executor set, the password in SecretStorage: live curves, the queue depth, each trial\'s worker', async () => {
    await screenshotOnFailure(page, 'queue-run', async () => {
      await giveKeysToWorkbench(page);
      await openFile(page, specFile); // the spec opened: the extension is up and its commands in the palette
      await runCommand(page, 'Dropout Lab: Set Redis Password');
      await fillQuickInput(page, password);
      await page.keyboard.press('Enter');
      await poll('the password stored', async () => (await notifications(page)).some((text) => /Redis password is stored/.test(text)), 15_000);

      const started = Date.now();
      await runFromPalette(page, specFile, experiment);
      // Live: at each poll that finds the sweep running, the loss chart's own points, the queue line, the worker cells.
      const live: number[] = [];
      const depths = new Set<string>();
      const liveWorkers = new Set<string>();
      let points = 0;
      await pollWhileProgressing('the sweep to complete', async () => {
        const reading = await readPanel();
        abortUnlessRunningOrCompleted(reading.status);
        points = reading.points;
        if (reading.status === 'running') {
          live.push(reading.points);
          if (reading.depth) depths.add(reading.depth);
          for (const cell of reading.workerCells) if (cell !== '–') liveWorkers.add(cell);
        }
        return reading.status === 'completed';
      }, async () => points, { stallMs: SWEEP_STALL_MS, maxMs: SWEEP_MAX_MS, intervalMs: 250 });
      const took = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`queue: the sweep took ${took} s from the palette to 'completed' in the panel; loss points seen while running: ${live.join(' ')}; `
        + `queue lines seen: ${[...depths].join(' | ')}; workers seen live: ${[...liveWorkers].join(', ')}`);
      assert.ok(new Set(live.filter((points) => points > 0)).size >= 2, `the loss curves were seen growing while the sweep ran: ${JSON.stringify(live)}`);
      assert.ok(depths.size >= 1, 'the queue depth was shown while the sweep ran');
      // Both worker processes are up the whole sweep: the line counts them (not their slots).
      for (const depth of depths) assert.match(depth, /^2 workers, \d+ queued, \d+ running$/);
      assert.ok([...liveWorkers].some((cell) => workerNames.some((name) => cell.startsWith(`${name}/`))), 'worker cells were shown while it ran');

      // The store the extension wrote: every trial ran on one of the two workers; the Redis recorded without password.
      const [listing] = listSweeps(runsRoot()).filter((sweep) => sweep.experiment === experiment);
      assert.equal(listing?.status, 'completed');
      const record = loadSweep(listing.dir);
      assert.equal(record.manifest.executor, shownRedisUrl(redis!.url));
      assert.equal(record.manifest.executor, `redis://:***@127.0.0.1:${redis!.port}`);
      const stored = fs.readdirSync(listing.dir, { recursive: true, encoding: 'utf8' })
        .filter((file) => fs.statSync(path.join(listing.dir, file)).isFile() && !file.endsWith('.bin'));
      for (const file of stored) assert.ok(!fs.readFileSync(path.join(listing.dir, file), 'utf8').includes(password), `${file} holds no password`);
      assert.equal(record.trials.length, spec.sweep.rates.length);
      for (const trial of record.trials) {
        assert.equal(trial.status, 'completed', trial.plan.id);
        assert.equal(trial.epochs.length, spec.training.epochs, trial.plan.id);
        assert.ok(trial.where && workerNames.includes(trial.where.host), `${trial.plan.id} ran on ${JSON.stringify(trial.where)}`);
      }
      assert.deepEqual(new Set(record.trials.map((trial) => trial.where!.host)), new Set(workerNames), 'both workers took trials');

      // The trials table, once completed: each row's worker as stored (`host/slot`).
      const { depth, workerCells } = await readPanel();
      assert.equal(depth, '', 'no queue line once the sweep has ended');
      assert.deepEqual(workerCells.sort(), record.trials.map((trial) => `${trial.where!.host}/${trial.where!.slot}`).sort());
      for (const cell of workerCells) assert.match(cell, /^e2e-box-[ab]\/1$/, 'one slot each: slot 1');
      await (await panel()).evaluate('document.querySelector(".trials").scrollIntoView({ block: "start" })');
      await screenshot(page, 'queue-run');
    });
  });

  test('Redis gone: Run names the Redis that cannot be used (never its password) and starts nothing', async () => {
    await screenshotOnFailure(page, 'queue-redis-down', async () => {
      for (const worker of workers) await worker.stop();
      await redis!.stop();
      const before = listSweeps(runsRoot()).length;
      await giveKeysToWorkbench(page);
      await openFile(page, specFile);
      await runCommand(page, 'Dropout Lab: Run Dropout Experiment');
      const message = await poll('the error naming the Redis', async () =>
        (await notifications(page)).find((text) => text.includes('cannot use Redis at')), 30_000);
      assert.match(message, new RegExp(`cannot start the sweep: cannot use Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis!.port}: `));
      assert.ok(!message.includes(password), message);
      assert.equal(listSweeps(runsRoot()).length, before, 'no sweep was created');
      await screenshot(page, 'queue-redis-down');
    });
  });
});
