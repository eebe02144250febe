// Cross-checks the engine against PyTorch on one spec: the same splits (exported by the engine), architecture,
// initialisation scheme and optimizer, trained by both, per rate the mean best validation loss over seeds.
//
//   node --import tsx scripts/crosscheck-torch.ts [SPEC] [--sweep DIR] [--json]
//
// SPEC defaults to examples/mnist-wide.dropout.json (an MLP spec: model.hidden). Without --sweep it runs the spec
// with the CLI first (dist/cli.js: `npm run build`); with --sweep it reads that stored sweep. Needs python3 with
// torch and numpy (Debian: apt-get install python3-torch); without them it says so and exits 2.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { meanStd } from '../src/core/statistics';
import { verdictOfSweep } from '../src/core/sweepVerdict';
import { parseSpec } from '../src/engine/spec/parse';
import { loadSweep } from '../src/store/reader';
import { findTorchPython, trainInTorch } from './crosscheck/torchMlp';

const root = path.resolve(__dirname, '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { sweep: { type: 'string' }, json: { type: 'boolean' } } });
const specPath = path.resolve(positionals[0] ?? path.join(root, 'examples/mnist-wide.dropout.json'));
const specText = fs.readFileSync(specPath, 'utf8');
const { spec, problems } = parseSpec(specText);
if (!spec) throw new Error(`${specPath}: ${problems.map((problem) => problem.message).join('; ')}`);

const found = findTorchPython();
if ('reason' in found) {
  console.error(`cross-check skipped: ${found.reason}`);
  process.exit(2);
}
const seeds = Array.from({ length: spec.sweep.repeats }, (_, repeat) => spec.training.seed + repeat);

// 1. The engine's results: a stored sweep, or a fresh run of the CLI.
let sweepDir = values.sweep;
if (!sweepDir) {
  // Next to the spec, as `dropout-lab run` would: the sweep stays for `dropout-lab show` and the panel.
  const runs = path.join(path.dirname(specPath), '.dropout', 'runs');
  const started = Date.now();
  const cli = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'run', specPath, '--json', '--out', runs],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (cli.status !== 0) throw new Error(`dropout-lab run failed (${cli.status}): ${cli.stderr}`);
  sweepDir = (JSON.parse(cli.stdout) as { dir: string }).dir;
  console.error(`engine: ${sweepDir} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
const record = loadSweep(sweepDir);
const verdict = verdictOfSweep(record.trials, record.manifest.spec);
const bestValLoss = (losses: number[]) => Math.min(...losses.filter(Number.isFinite));
const engine = record.trials.filter((trial) => trial.status === 'completed')
  .map((trial) => ({ rate: trial.plan.rate, seed: trial.plan.seed, best: bestValLoss(trial.epochs.map((epoch) => epoch.val_loss)) }));

// 2. PyTorch on the engine's splits.
const { trials: torch, seconds } = trainInTorch(found.python, spec, specPath);
console.error(`torch ${found.version}: ${seconds.toFixed(0)} s`);

// 3. Side by side.
const rows = spec.sweep.rates.map((rate) => {
  const ours = meanStd(engine.filter((row) => row.rate === rate).map((row) => row.best));
  const theirs = meanStd(torch.filter((row) => row.rate === rate).map((row) => row.best));
  return { rate, engine: ours, torch: theirs, difference: ours.mean - theirs.mean };
});
if (values.json) {
  console.log(JSON.stringify({ spec: path.relative(root, specPath), seeds, date: new Date().toISOString(), rows, verdict: verdict.text }, null, 2));
} else {
  const cell = (stats: { mean: number; std: number; n: number }) => `${stats.mean.toFixed(3)} ± ${stats.std.toFixed(3)} (n=${stats.n})`;
  console.log(`mean best val_loss over seeds ${seeds.join(', ')} (± std), ${new Date().toISOString().slice(0, 10)}`);
  console.log(['rate'.padStart(5), 'Dropout Lab (TF.js)'.padStart(24), 'PyTorch'.padStart(24), 'difference'.padStart(11)].join('  '));
  for (const row of rows) {
    console.log([String(row.rate).padStart(5), cell(row.engine).padStart(24), cell(row.torch).padStart(24), row.difference.toFixed(3).padStart(11)].join('  '));
  }
  console.log(`Dropout Lab's verdict: ${verdict.text}`);
}
