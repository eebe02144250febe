// Hyperband against the full grid on one spec (default examples/mnist.dropout.json), both through the built CLI:
//   npm run build && node scripts/hyperband-vs-grid.mjs [--spec FILE] [--max-epochs 16] [--factor 4] [--repeats 3]
//        [--rates 0:0.8:0.1] [--backend auto] [--workers N]
// The grid trains every rate × repeats for max-epochs epochs; Hyperband searches the same rates with
// maxEpochs = max-epochs. Prints each one's best rate, objective and epochs used, Hyperband's share of the grid's
// epochs, and whether the rate Hyperband picked is within one std (over the grid's seeds) of the grid's best.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'jsonc-parser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    spec: { type: 'string', default: join(root, 'examples/mnist.dropout.json') },
    'max-epochs': { type: 'string', default: '16' },
    factor: { type: 'string', default: '4' },
    repeats: { type: 'string', default: '3' },
    rates: { type: 'string', default: '0:0.8:0.1' },
    backend: { type: 'string', default: 'auto' },
    workers: { type: 'string' },
  },
});
const maxEpochs = Number(options['max-epochs']);
const [min, max, step] = options.rates.split(':').map(Number);
const base = parse(readFileSync(options.spec, 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'dropout-lab-bench-'));
const rates = { min, max, step };

function run(name, sweep, training) {
  const file = join(work, `${name}.dropout.json`);
  writeFileSync(file, JSON.stringify({ ...base, name: `${base.name}-${name}`, training, sweep }, null, 2));
  const args = [join(root, 'dist/cli.js'), 'run', file, '--json', '--backend', options.backend, '--out', join(work, 'runs')];
  if (options.workers) args.push('--workers', options.workers);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${name}: the CLI exited with ${result.status}`);
  return { ...JSON.parse(result.stdout), seconds: (Date.now() - started) / 1000 };
}

const { epochs: _epochs, ...trainingWithoutEpochs } = base.training ?? {};
const grid = run('grid', { rates, repeats: Number(options.repeats) }, { ...base.training, epochs: maxEpochs });
const hyperband = run('hyperband', { rates, strategy: 'hyperband', maxEpochs, factor: Number(options.factor) }, trainingWithoutEpochs);

const objective = grid.objective;
const value = (summary, rate) => {
  const entry = summary.rates.find((r) => r.rate === rate);
  return objective === 'val_acc' ? entry?.bestValAcc : entry?.bestValLoss;
};
const gridBest = grid.best.objective;
const gridAtHyperbandRate = value(grid, hyperband.best.rate);
const within = gridAtHyperbandRate && Math.abs(gridAtHyperbandRate.mean - gridBest.mean) <= gridBest.std;
const fmt = (x) => (x === undefined ? '–' : x.toFixed(4));

console.log(`spec ${options.spec}; rates ${min}..${max} step ${step}; objective ${objective}`);
console.log(`grid       best ${grid.best.explanation}; epochs used ${grid.epochsUsed} (${grid.seconds.toFixed(0)} s)`);
console.log(`hyperband  best ${hyperband.best.explanation}; epochs used ${hyperband.epochsUsed} (${hyperband.seconds.toFixed(0)} s), `
  + `maxEpochs ${maxEpochs}, factor ${options.factor}`);
console.log(`hyperband used ${(100 * hyperband.epochsUsed / grid.epochsUsed).toFixed(1)}% of the grid's epochs`);
console.log(`the grid scores hyperband's rate ${hyperband.best.rate} at ${fmt(gridAtHyperbandRate?.mean)}; `
  + `its best rate ${grid.best.rate} at ${fmt(gridBest.mean)} ± ${fmt(gridBest.std)}: ${within ? 'within' : 'NOT within'} one std`);
