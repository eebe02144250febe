// The CNN example (examples/mnist-cnn.dropout.json: conv_rate, dense_rate and lr searched by Hyperband) run from
// VS Code's command palette on reduced data and epochs (issue 13). When it completes, the panel's per-hyperparameter
// charts, parallel-coordinates view and verdict are read from their data attributes, never from pixels, and checked
// against the store the extension wrote and the CLI's `show --json` of it; then the panel is shot in both themes.
//   node scripts/e2e/run.mjs cnn        (prepares code-server first; after npm run build)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import type { Page } from 'playwright-core';
import type { TrialRecord } from '../../src/core/records';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { screenshot, screenshotOnFailure } from './browser';
import { checkPrerequisites, ensureVsix, repoRoot, type CodeServer } from '../../scripts/e2e/codeServer';
import { experimentPanel, runFromPalette, shownVerdict, untilSweepCompleted } from './panel';
import { closeWorkbench, copyToTemp, type FrameRef, giveKeysToWorkbench, openWorkbench, runCommand, switchTheme } from './workbench';

/** A `[data-chart="hyperparameter"]` card's `data-values` (webview/charts/hyperparameterCharts.ts). */
interface HyperparameterValues {
  name: string;
  axis: 'linear' | 'log' | 'categorical';
  objective: string;
  select: string;
  trials: number;
  points: { value: number | string | boolean; mean: number | null; low?: number; high?: number; n: number; configs: number; best: boolean }[];
}

/** The `[data-chart="parallel"]` card's `data-series` (webview/views/parallelCoordinatesCard.ts). */
interface ParallelSeries {
  objective: string;
  axes: { name: string; kind: string; min?: number; max?: number; categories?: string[] }[];
  lines: { trialId: string; values: (number | string | boolean)[]; objective: number; best: boolean }[];
}

/** What of `dropout-lab show --json` this test compares with. */
interface CliSummary {
  verdict: { text: string; distinguishable: boolean };
  best?: { hp: Record<string, number> };
}

const experiment = 'mnist-cnn-quick';
const hyperparameters = ['conv_rate', 'dense_rate', 'lr'];
const maxEpochs = 3;
const iterations = 3;

let workspace = '';
let server: CodeServer | undefined;
let page: Page;
let panel: FrameRef;

/**
 * The shipped example with its layers and search space as they are, on 300 training digits and 3 epochs at most:
 * Hyperband with factor 3 then runs a 1-then-3-epoch bracket and a 3-epoch one, 5 trials an iteration; 3 iterations
 * give 9 trials trained to maxEpochs (the ones that vote), so some values are shared and their means are over
 * several trials. About 15 s of training from the CLI here, 20-30 s from VS Code's palette on 2 busy cores.
 */
function quickSpec(shippedText: string): Record<string, unknown> {
  const shipped = parseJsonc(shippedText) as {
    dataset: Record<string, unknown>; model: { layers: { type: string }[] }; sweep: { strategy: string; space: Record<string, unknown> };
  };
  assert.deepEqual(Object.keys(shipped.sweep.space).sort(), hyperparameters, 'examples/mnist-cnn.dropout.json no longer searches what this test reads');
  assert.equal(shipped.sweep.strategy, 'hyperband');
  const kinds = new Set(shipped.model.layers.map((layer) => layer.type));
  for (const kind of ['conv2d', 'spatialDropout2d', 'dropout']) assert.ok(kinds.has(kind), `the example has no ${kind} layer`);
  return {
    ...shipped, name: experiment,
    dataset: { ...shipped.dataset, trainSamples: 300, validationSamples: 150, testSamples: 150 },
    sweep: { ...shipped.sweep, maxEpochs, factor: 3, iterations },
  };
}

/** The trials that vote (completed, trained to maxEpochs, with a selected epoch), and their selected objective values. */
function votingTrials(trials: TrialRecord[]): { trial: TrialRecord; value: number }[] {
  return trials.flatMap((trial) => {
    const value = trial.summary?.selected?.value;
    const trainedTo = trial.epochs[trial.epochs.length - 1]?.epoch ?? 0;
    return trial.status === 'completed' && trainedTo >= maxEpochs && Number.isFinite(value) ? [{ trial, value: value! }] : [];
  });
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Equal but for the rounding of a sum taken in another order. */
function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);
}

async function dataAttribute<T>(selector: string, attribute: string): Promise<T> {
  const raw = await (await panel()).locator(selector).first().getAttribute(attribute, { timeout: 10_000 });
  assert.ok(raw, `${selector} has no ${attribute}`);
  return JSON.parse(raw) as T;
}

before(async () => {
  checkPrerequisites();
  const vsix = await ensureVsix();
  workspace = copyToTemp(path.join(repoRoot, 'examples'), { prefix: 'dropout-e2e-cnn-' });
  const spec = quickSpec(fs.readFileSync(path.join(workspace, 'mnist-cnn.dropout.json'), 'utf8'));
  fs.writeFileSync(path.join(workspace, `${experiment}.dropout.json`), `${JSON.stringify(spec, null, 2)}\n`);
  ({ server, page } = await openWorkbench({ workspace, vsixPath: vsix, name: 'cnn' }));
  panel = experimentPanel(page, experiment);
}, { timeout: 300_000 });

after(() => closeWorkbench({ server, page }, workspace), { timeout: 60_000 });

describe('the CNN example in VS Code: charts of a named search space', () => {
  test('run from the palette; the per-hyperparameter charts, parallel coordinates and verdict match the store and the CLI', async () => {
    await screenshotOnFailure(page, 'cnn-panel', async () => {
      const started = Date.now();
      await runFromPalette(page, `${experiment}.dropout.json`, experiment);
      await untilSweepCompleted(panel);
      console.log(`cnn: the sweep took ${((Date.now() - started) / 1000).toFixed(1)} s from the palette to 'completed' in the panel`);

      // The extension's store, read as the CLI reads it.
      const [listing] = listSweeps(path.join(workspace, '.dropout', 'runs')).filter((sweep) => sweep.experiment === experiment);
      assert.equal(listing?.status, 'completed');
      const record = loadSweep(listing.dir);
      const voting = votingTrials(record.trials);
      // Per iteration, the one trial promoted to 3 epochs in the first bracket and the two of the second.
      assert.equal(voting.length, 3 * iterations, `voting trials of ${record.trials.length}`);
      const selectedOf = new Map(voting.map(({ trial, value }) => [trial.plan.id, value]));

      // One chart per hyperparameter; every value any trial was planned with is a point, and the means are the
      // store's: over the voting trials with that value, whatever the other two hyperparameters.
      const cards = await (await panel()).locator('[data-chart="hyperparameter"]').all();
      const charts = await Promise.all(cards.map((card) => card.getAttribute('data-hp')));
      assert.deepEqual(charts.sort(), hyperparameters);
      for (const name of hyperparameters) {
        const chart = await dataAttribute<HyperparameterValues>(`[data-chart="hyperparameter"][data-hp="${name}"]`, 'data-values');
        assert.equal(chart.name, name);
        // lr is sampled on a log scale; the rates are numbers that start at 0.
        assert.equal(chart.axis, name === 'lr' ? 'log' : 'linear', `${name}'s axis`);
        assert.equal(chart.objective, 'val_loss');
        assert.equal(chart.trials, voting.length, `${name}: trials`);
        assert.equal(chart.points.reduce((sum, point) => sum + point.n, 0), voting.length, `${name}: the points' n`);
        const planned = new Set(record.trials.map((trial) => trial.plan.hp?.[name]));
        assert.deepEqual(new Set(chart.points.map((point) => point.value)), planned, `${name}: one point per planned value`);
        for (const point of chart.points) {
          const values = voting.filter(({ trial }) => trial.plan.hp?.[name] === point.value).map(({ value }) => value);
          assert.equal(point.n, values.length, `${name} ${point.value}: n`);
          if (values.length === 0) {
            assert.equal(point.mean, null, `${name} ${point.value}: no trial voted, no mean`);
            continue;
          }
          assert.ok(Number.isFinite(point.mean), `${name} ${point.value}: mean ${point.mean}`);
          assertClose(point.mean!, mean(values), `${name} ${point.value}: mean`);
          if (values.length >= 2) assert.ok(point.low! <= point.mean! && point.mean! <= point.high!, `${name} ${point.value}: interval`);
        }
      }

      // Parallel coordinates: the three hyperparameters then the objective; a line per voting trial, at its values.
      const parallel = await dataAttribute<ParallelSeries>('[data-chart="parallel"]', 'data-series');
      assert.deepEqual(parallel.axes.slice(0, -1).map((axis) => axis.name).sort(), hyperparameters);
      assert.equal(parallel.axes.at(-1)?.name, 'val_loss');
      assert.equal(parallel.axes.find((axis) => axis.name === 'lr')?.kind, 'log');
      assert.deepEqual(parallel.lines.map((line) => line.trialId).sort(), [...selectedOf.keys()].sort());
      for (const line of parallel.lines) {
        const trial = record.trials.find((candidate) => candidate.plan.id === line.trialId)!;
        const expected = [...parallel.axes.slice(0, -1).map((axis) => trial.plan.hp?.[axis.name]), selectedOf.get(line.trialId)];
        assert.deepEqual(line.values, expected, line.trialId);
        assert.equal(line.objective, selectedOf.get(line.trialId), line.trialId);
      }

      // The verdict: the CLI's, on this sweep folder; it names the best configuration by all three hyperparameters.
      const show = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'show', listing.dir, '--json'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(show.status, 0, `dropout-lab show failed: ${show.stderr}`);
      const cli = JSON.parse(show.stdout) as CliSummary;
      const verdict = await shownVerdict(await panel());
      assert.equal(verdict.text, cli.verdict.text);
      assert.equal(verdict.className, cli.verdict.distinguishable ? 'verdict distinguishable' : 'verdict no-clear-winner');
      assert.match(verdict.text ?? '', /conv_rate .*dense_rate .*lr |no clear winner/);
      // The best configuration's lines are the ones outlined in the parallel view.
      const best = cli.best?.hp;
      assert.ok(best, 'the CLI names a best configuration');
      const bestLines = parallel.lines.filter((line) => line.best).map((line) => line.trialId);
      const bestTrials = voting.filter(({ trial }) => hyperparameters.every((name) => trial.plan.hp?.[name] === best[name])).map(({ trial }) => trial.plan.id);
      assert.deepEqual(bestLines.sort(), bestTrials.sort());
    });
  });

  test('screenshots of the panel in the dark and the light theme', async () => {
    await screenshotOnFailure(page, 'cnn-panel-theme', async () => {
      // The panel alone in the window (the spec's editor closed, and its group with it; no side bar), scrolled to the
      // charts of the space: wide enough for the three per-hyperparameter charts in a row, the parallel view below.
      await giveKeysToWorkbench(page);
      await runCommand(page, 'View: Close Editor');
      await runCommand(page, 'View: Close Primary Side Bar');
      // Page code as a string: this project's Node typings have no DOM.
      await (await panel()).evaluate('document.querySelector(".hp-section").scrollIntoView({ block: "start" })');
      await switchTheme(page, 'dark', panel);
      await screenshot(page, 'cnn-panel-dark');
      await switchTheme(page, 'light', panel);
      await screenshot(page, 'cnn-panel-light');
    });
  });
});
