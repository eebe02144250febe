import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { killedMidSweep, trialLines } from '../support/interrupt';
import { cliPath, tempDir, tinySpec, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';

/** 1-based `line:column` of the first occurrence of `needle`. */
function lineColumn(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

function cli(args: string[], cwd?: string) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', cwd });
}

describe('dropout-lab CLI', () => {
  test('run --json prints one JSON summary on stdout and nothing else', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec({ sweep: { rates: [0, 0.5], repeats: 2 } }));
    const result = cli(['run', spec, '--json', '--backend', testBackend, '--out', path.join(dir, 'out')]);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.experiment, 'tiny');
    assert.equal(summary.backend, testBackend);
    assert.equal(summary.rateConvention, 'drop');
    assert.ok(summary.dir.startsWith(path.join(dir, 'out', 'tiny')));
    assert.equal(summary.trials.length, 4);
    for (const trial of summary.trials) {
      assert.equal(trial.status, 'completed');
      assert.equal(trial.epochs, 4);
      assert.ok(trial.durationMs > 0);
      for (const key of ['loss', 'train_loss', 'val_loss', 'gap', 'acc', 'val_acc', 'mc_val_loss', 'mc_entropy']) {
        assert.equal(typeof trial.final[key], 'number', key);
      }
      assert.ok(Math.abs(trial.final.gap - (trial.final.val_loss - trial.final.train_loss)) < 1e-12);
      assert.ok(trial.best.epoch >= 1 && trial.best.epoch <= 4);
    }
    // The best rate is the one whose mean best val_loss over seeds is lowest.
    const meanBest = (rate: number) => {
      const trials = summary.trials.filter((t: { rate: number }) => t.rate === rate);
      return trials.reduce((sum: number, t: { best: { val_loss: number } }) => sum + t.best.val_loss, 0) / trials.length;
    };
    const expectedBest = meanBest(0) <= meanBest(0.5) ? 0 : 0.5;
    assert.equal(summary.best.rate, expectedBest);
    assert.ok(Math.abs(summary.best.val_loss - meanBest(expectedBest)) < 1e-12);
    assert.equal(summary.best.seeds, 2);
    // Strategy, cost and the uncertainty over the 2 seeds.
    assert.equal(summary.strategy, 'grid');
    assert.equal(summary.objective, 'val_loss');
    assert.equal(summary.epochsUsed, 4 * 4);
    assert.equal(summary.rungs, undefined);
    assert.equal(summary.best.objective.n, 2);
    assert.ok(summary.best.objective.ci95.low <= summary.best.val_loss && summary.best.val_loss <= summary.best.objective.ci95.high);
    // The verdict: the same best, paired over the 2 seeds the rates share, said to be thin evidence.
    assert.equal(summary.verdict.best, `rate-${expectedBest}`);
    assert.equal(summary.verdict.seeds, 2);
    assert.equal(summary.verdict.evidence, 'thin');
    assert.equal(typeof summary.verdict.distinguishable, 'boolean');
    assert.deepEqual(summary.verdict.comparisons.map((c: { test: { kind: string; n: number } }) => [c.test.kind, c.test.n]), [['paired', 2]]);
    assert.match(summary.verdict.text,
      new RegExp(`^rate ${expectedBest} (is best|had the lowest val_loss): test loss \\d\\.\\d{3} ± \\d\\.\\d{3} over 2 seeds;`));
    assert.match(summary.verdict.text, /2 seeds: thin evidence/);
    assert.equal(summary.best.explanation, summary.verdict.text);
    // `show` reads the stored sweep back: by folder the same JSON, by spec its latest sweep; the table ends with the verdict.
    assert.deepEqual(JSON.parse(cli(['show', summary.dir, '--json']).stdout), summary);
    assert.equal(JSON.parse(cli(['show', spec, '--json', '--runs', path.join(dir, 'out')]).stdout).dir, summary.dir);
    assert.ok(cli(['show', summary.dir]).stdout.includes(`verdict: ${summary.verdict.text}`));
    assert.equal(cli(['show', path.join(dir, 'out')]).status, 2, 'a folder that is not a sweep is a usage error');
    // sweep.json (what the history lists) records the best rate with the objective it was chosen by.
    const manifest = JSON.parse(fs.readFileSync(path.join(summary.dir, 'sweep.json'), 'utf8'));
    assert.deepEqual(manifest.best, {
      rate: expectedBest, val_loss: summary.best.val_loss, objective: { name: 'val_loss', value: summary.best.objective.mean },
    });
    // Every epoch line carries the MC predictive entropy (2 classes: within (0, log 2] nats).
    for (const trial of summary.trials) {
      assert.ok(trial.final.mc_entropy > 0 && trial.final.mc_entropy <= Math.log(2) + 1e-6, `mc_entropy ${trial.final.mc_entropy}`);
    }

    // Validation chooses, the test split reports: 80 samples, 40 validation, testFraction 0.2 (default) → 16 test.
    assert.equal(summary.select, 'best-epoch');
    assert.deepEqual(summary.testSplit, { heldOut: true, testFraction: 0.2 });
    assert.deepEqual(summary.excluded, []);
    for (const trial of summary.trials) {
      const { selected } = trial;
      // val_loss at its best epoch: the same epoch and value as the trial's lowest-val_loss `best`.
      assert.deepEqual([selected.objective, selected.rule, selected.epoch, selected.value], ['val_loss', 'best-epoch', trial.best.epoch, trial.best.val_loss]);
      assert.equal(selected.test.samples, 16);
      for (const key of ['loss', 'acc', 'mc_loss', 'mc_acc']) assert.equal(typeof selected.test[key], 'number', `test ${key}`);
      assert.equal(typeof trial.final.train_acc, 'number');
      assert.equal(trial.final.epoch, 4);
    }
    // Per configuration, per seed (3 and 4), the selected values and test figures the paired comparisons need.
    for (const rate of summary.rates) {
      assert.deepEqual(rate.perSeed.map((s: { seed: number }) => s.seed), [3, 4]);
      assert.equal(rate.test.loss.n, 2);
    }
    assert.equal(summary.best.test.loss.n, 2);
    // The published model is the best rate's best seed, and sweep.json says so.
    const bestRow = summary.rates.find((r: { rate: number }) => r.rate === expectedBest);
    const bestSeed = [...bestRow.perSeed].sort((a: { value: number }, b: { value: number }) => a.value - b.value)[0];
    assert.deepEqual(manifest.bestModel, {
      trialId: bestSeed.trialId, epoch: bestSeed.epoch, objective: 'val_loss', value: bestSeed.value,
      configuration: { rate: expectedBest }, seed: bestSeed.seed, select: 'best-epoch', test: bestSeed.test,
    });
  });

  test('run --json with hyperband reports strategy, epochs used and the rungs; the table shows them', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec({ sweep: { rates: [0, 0.25, 0.5], strategy: 'hyperband', maxEpochs: 3, factor: 3 } }));
    const result = cli(['run', spec, '--json', '--backend', testBackend, '--out', path.join(dir, 'out')]);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    // maxEpochs 3, factor 3: log₃3 = 1 → ceil(2) = 2; 3 → 1 → 1/3: 2 brackets.
    //   b=1: 2/2 = 1 → 3 trials at 1 epoch, then 1 at 3;  b=0: 2 trials at 3.  Epochs: 3·1 + 1·2 + 2·3 = 11.
    assert.equal(summary.strategy, 'hyperband');
    assert.equal(summary.epochsUsed, 11);
    assert.deepEqual(summary.rungs.map((r: { bracket: number; round: number; epochs: number; promoted: string[]; stopped: string[] }) =>
      [r.bracket, r.round, r.epochs, r.promoted.length, r.stopped.length]), [[1, 0, 1, 1, 2], [1, 1, 3, 0, 0], [0, 0, 3, 0, 0]]);
    assert.equal(summary.trials.filter((t: { stoppedByStrategy?: boolean }) => t.stoppedByStrategy).length, 2);
    // The test split is scored when a trial finishes (trained to maxEpochs), never at a rung it was stopped or paused at.
    for (const trial of summary.trials) {
      assert.equal(trial.selected.test !== undefined, trial.epochs === 3, `${trial.id}: ${trial.epochs} epochs, test ${JSON.stringify(trial.selected.test)}`);
    }
    // The verdict's best is chosen among the trials that trained all maxEpochs (not those Hyperband stopped): the
    // lowest mean selected val_loss (each trial's best epoch) over them.
    type Trial = { rate: number; epochs: number; selected: { value: number } };
    const full: Trial[] = summary.trials.filter((t: Trial) => t.epochs === 3);
    assert.equal(full.length, 3);
    const meanSelected = (rate: number) => {
      const trials = full.filter((t) => t.rate === rate);
      return trials.reduce((sum, t) => sum + t.selected.value, 0) / trials.length;
    };
    const expectedBest = [...new Set(full.map((t) => t.rate))].reduce((best, rate) => (meanSelected(rate) < meanSelected(best) ? rate : best));
    assert.equal(summary.best.rate, expectedBest);
    assert.equal(summary.verdict.best, `rate-${expectedBest}`);
    assert.ok(Math.abs(summary.best.objective.mean - meanSelected(expectedBest)) < 1e-12);

    const table = cli(['run', spec, '--backend', testBackend, '--out', path.join(dir, 'out')]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /strategy hyperband, objective val_loss: 11 epochs trained over 5 trials/);
    assert.match(table.stdout, /bracket 1 round 0: 3 trials to epoch 1, 1 promoted, 2 stopped/);
    assert.match(table.stdout, /verdict: rate /);
  });

  test('run prints a table with the best rate marked', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec());
    const result = cli(['run', spec, '--backend', testBackend]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ *rate +keep p +seeds +best val_loss +test loss +test acc +final loss/m);
    assert.match(result.stdout, /test loss\/acc = the held-out test split, scored once per finished trial at that epoch/);
    assert.match(result.stdout, /◀ best/);
    assert.match(result.stdout, /drop probability/);
    assert.match(result.stderr, /\[2\/2\] rate /, 'progress goes to stderr');
    assert.equal(listSweeps(path.join(dir, '.dropout', 'runs')).length, 1, 'runs go next to the spec by default');
  });

  test('an invalid spec exits 2 with every problem as file:line:col path: message, and starts nothing', () => {
    const dir = tempDir();
    const text = '{\n  "name": "bad",\n  "dataset": { "type": "moon" },\n  "model": { "hidden": [] },\n'
      + '  "training": { "epochs": 0 },\n  "sweep": { "rates": [0, 1] }\n}\n';
    const spec = writeSpec(dir, text, 'bad');
    const result = cli(['run', spec]);
    assert.equal(result.status, 2);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 4, result.stderr);
    const at = (needle: string) => `${spec}:${lineColumn(text, needle)}`;
    assert.ok(lines[0].startsWith(`${at('"moon"')} dataset.type: `), lines[0]);
    assert.match(lines[0], /"moon".*did you mean "moons"/);
    assert.ok(lines[1].startsWith(`${at('[]')} model.hidden: `), lines[1]);
    assert.ok(lines[2].startsWith(`${at('0 }')} training.epochs: `), lines[2]);
    assert.ok(lines[3].startsWith(`${at('1]')} sweep.rates[1]: `), lines[3]);
    assert.match(lines[3], /drop/);
    assert.equal(fs.existsSync(path.join(dir, '.dropout')), false);
  });

  test('usage errors exit 2 and say what is wrong', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec());
    assert.match(cli(['run', spec, '--backend', 'gpu']).stderr, /--backend must be one of auto, tensorflow, wasm\+blas, wasm, cpu/);
    assert.match(cli(['run', spec, '--rates', '0.3']).stderr, /rate 0.3 is not in the sweep \(0, 0.5\)/);
    assert.match(cli(['run', spec, '--workers', 'two']).stderr, /--workers/);
    assert.match(cli(['run', path.join(dir, 'missing.dropout.json')]).stderr, /cannot read .*missing\.dropout\.json/);
    assert.equal(cli(['frobnicate']).status, 2);
  });

  test('killing the whole runner mid-trial leaves every finished epoch readable and the sweep interrupted', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec({ training: { epochs: 400, batchSize: 8, seed: 3 }, sweep: { rates: [0.5] } }));
    const child = spawn(process.execPath, [cliPath, 'run', spec, '--backend', testBackend], { stdio: 'ignore' });
    const runsRoot = path.join(dir, '.dropout', 'runs');
    const trialFile = (): string | undefined => {
      const sweep = listSweeps(runsRoot)[0];
      return sweep && path.join(sweep.dir, 'trials', 'rate-0.5_seed-3.jsonl');
    };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const file = trialFile();
      const lines = file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
      if (lines >= 4) break; // header + at least 3 epochs
      assert.ok(Date.now() < deadline, 'the trial never got going');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const [listing] = listSweeps(runsRoot);
    assert.equal(listing.status, 'interrupted');
    const record = loadSweep(listing.dir);
    assert.equal(record.status, 'interrupted');
    const [trial] = record.trials;
    assert.equal(trial.status, 'interrupted');
    assert.ok(trial.epochs.length >= 3, `${trial.epochs.length} epochs readable`);
    assert.deepEqual(trial.epochs.map((e) => e.epoch), Array.from({ length: trial.epochs.length }, (_, i) => i + 1));
    assert.equal(trial.summary, undefined);
  });

  test('resume after the whole CLI was SIGKILLed mid-sweep: only unfinished trials run, stored bytes stay, results match an uninterrupted run', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec({ training: { epochs: 30, batchSize: 8, seed: 3 }, sweep: { rates: [0, 0.3, 0.6] } }));
    const runsRoot = path.join(dir, 'runs');
    const trialPath = (sweepDir: string, id: string) => path.join(sweepDir, 'trials', `${id}.jsonl`);
    // The first trial ended (header, 30 epochs, summary) and the second has at least 3 epochs: kill mid-trial.
    const sweepDir = await killedMidSweep(spec, runsRoot, ['--backend', testBackend, '--workers', '1'],
      (at) => trialLines(at, 'rate-0_seed-3') === 32 && trialLines(at, 'rate-0.3_seed-3') >= 4);

    const before = loadSweep(sweepDir);
    assert.equal(before.status, 'interrupted');
    assert.deepEqual(before.trials.map((t) => t.status), ['completed', 'interrupted', 'pending']);
    const listed = cli(['list', runsRoot]);
    assert.match(listed.stdout, /interrupted/);
    assert.match(listed.stderr, /1 interrupted: finish one with dropout-lab resume/);
    const completedBytes = fs.readFileSync(trialPath(sweepDir, 'rate-0_seed-3'));
    const interruptedText = fs.readFileSync(trialPath(sweepDir, 'rate-0.3_seed-3'), 'utf8');
    // What the kill left: complete lines, perhaps followed by one cut short.
    const keptLines = interruptedText.slice(0, interruptedText.lastIndexOf('\n') + 1);
    const storedEpochs = before.trials[1].epochs.length;
    assert.ok(storedEpochs >= 3);

    const resumed = cli(['resume', sweepDir, '--backend', testBackend, '--workers', '1', '--json']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming tiny .*: 2 of 3 trials to finish/);
    assert.doesNotMatch(resumed.stderr, /differs from the stored one/);
    assert.equal(JSON.parse(resumed.stdout).status, 'completed');

    const after = loadSweep(sweepDir);
    assert.equal(after.status, 'completed');
    assert.equal(after.manifest.resumedAt?.length, 1);
    assert.deepEqual(after.warnings, []);
    for (const trial of after.trials) {
      assert.equal(trial.status, 'completed', trial.plan.id);
      assert.deepEqual(trial.epochs.map((e) => e.epoch), Array.from({ length: 30 }, (_, i) => i + 1), trial.plan.id);
    }
    assert.ok(fs.readFileSync(trialPath(sweepDir, 'rate-0_seed-3')).equals(completedBytes), 'a completed trial is not touched');
    const interruptedAfter = fs.readFileSync(trialPath(sweepDir, 'rate-0.3_seed-3'), 'utf8');
    assert.ok(interruptedAfter.startsWith(keptLines), 'the interrupted trial keeps its stored lines byte for byte');
    assert.deepEqual(after.trials[1].epochs.slice(0, storedEpochs), before.trials[1].epochs);

    // The same sweep uninterrupted gives the same numbers (wall-clock times aside).
    const fresh = cli(['run', spec, '--backend', testBackend, '--workers', '1', '--json', '--out', path.join(dir, 'fresh')]);
    assert.equal(fresh.status, 0, fresh.stderr);
    const strip = (dirOfSweep: string) => loadSweep(dirOfSweep).trials.map((t) => t.epochs.map(({ durationMs: _ms, ...m }) => m));
    assert.deepEqual(strip(sweepDir), strip(JSON.parse(fresh.stdout).dir));

    const again = cli(['resume', sweepDir]);
    assert.equal(again.status, 0);
    assert.match(again.stderr, /every trial completed; nothing to resume/);
  });

  test('a runs folder that cannot be written: exit 1 with the folder and errno, nothing created', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec());
    fs.writeFileSync(path.join(dir, 'file'), '');
    const out = path.join(dir, 'file', 'runs');
    const result = cli(['run', spec, '--backend', testBackend, '--out', out]);
    assert.equal(result.status, 1, result.stderr);
    assert.ok(result.stderr.includes(`cannot write the run store in ${path.join(out, 'tiny')}`), result.stderr);
    assert.match(result.stderr, /ENOTDIR/);
    assert.equal(fs.readFileSync(path.join(dir, 'file'), 'utf8'), '');
  });

  test('a corrupt line in a stored trial is skipped with a warning naming file and line; the rest is read', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec({ sweep: { rates: [0.5] } }));
    const result = cli(['run', spec, '--backend', testBackend, '--json', '--out', path.join(dir, 'runs')]);
    assert.equal(result.status, 0, result.stderr);
    const sweepDir = JSON.parse(result.stdout).dir;
    const file = path.join(sweepDir, 'trials', 'rate-0.5_seed-3.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2].slice(0, 15); // epoch 2, cut
    fs.writeFileSync(file, lines.join('\n'));
    const resumed = cli(['resume', sweepDir]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.ok(resumed.stderr.includes(`warning: ${file}:3: unreadable line skipped`), resumed.stderr);
    assert.deepEqual(loadSweep(sweepDir).trials[0].epochs.map((e) => e.epoch), [1, 3, 4]);
  });
});
