// The sweeps the preview replays, read with the store's own code (through tsx) so the page gets exactly what the
// host would send, and the live event stream the runner would have produced for them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { outDir, root } from './paths.mjs';

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Rebuilds dist/ when the webview bundle is older than its sources. */
export function ensureBuilt() {
  const bundle = join(root, 'dist', 'webview.js');
  const sources = ['webview', 'src/core', 'src/protocol', 'src/store'].map((path) => join(root, path));
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(...sources.map(newestMtime))) {
    console.log('building dist/ …');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
}

const ts = (path) => tsImport(join(root, path), import.meta.url);

function runCli(spec, out, extra = []) {
  console.log(`running ${relative(root, spec)} ${extra.join(' ')} (this takes a while) …`);
  const result = spawnSync(process.execPath, ['dist/cli.js', 'run', spec, '--json', '--out', out, ...extra],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`dropout-lab run failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout).dir;
}

/**
 * Runs examples/moons.dropout.json with the CLI (about 40 s), after a shorter earlier sweep of the same experiment
 * (3 rates × 3 seeds) so that there is one to overlay. The runs are kept in test-results/webview-preview/runs and
 * reused until `fresh`. Returns the moons sweep's folder.
 */
export function moonsSweep({ fresh }) {
  const runs = join(outDir, 'runs');
  const marker = join(runs, 'latest.json');
  if (!fresh && existsSync(marker)) {
    const dir = JSON.parse(readFileSync(marker, 'utf8')).dir;
    if (existsSync(join(dir, 'sweep.json'))) return dir;
  }
  rmSync(runs, { recursive: true, force: true });
  mkdirSync(runs, { recursive: true });
  // An earlier, smaller sweep of the same experiment with several seeds: something to overlay, with a std band.
  const moons = join(root, 'examples', 'moons.dropout.json');
  const earlierSpec = join(runs, 'moons-seeds.dropout.json');
  const specText = readFileSync(moons, 'utf8').replace(/"\$schema":[^\n]*\n/, '').replace('"repeats": 1', '"repeats": 3');
  writeFileSync(earlierSpec, specText);
  runCli(earlierSpec, runs, ['--rates', '0,0.4,0.8']);
  const dir = runCli(moons, runs);
  writeFileSync(marker, JSON.stringify({ dir }));
  return dir;
}

/** A stored sweep of `trials` × `epochs` written without training (scripts/synthetic-sweep.ts). */
export async function syntheticSweep({ trials, epochs }) {
  const { writeSyntheticSweep } = await ts('scripts/synthetic-sweep.ts');
  const runs = join(outDir, 'synthetic');
  rmSync(runs, { recursive: true, force: true });
  const rateCount = Math.min(10, trials);
  const rates = Array.from({ length: rateCount }, (_, i) => Math.round((0.9 * i) / Math.max(1, rateCount - 1) * 100) / 100);
  return writeSyntheticSweep({ runsRoot: runs, rates, repeats: Math.ceil(trials / rateCount), epochs });
}

/**
 * The live event stream the runner would have produced: trials scheduled on the sweep's workers in plan order, each
 * epoch ending after its recorded duration. Times are in simulated milliseconds from the start.
 */
export function simulateEvents(sweep, workers) {
  const events = [];
  const free = Array.from({ length: Math.max(1, workers) }, (_, worker) => ({ worker, at: 0 }));
  for (const worker of free) {
    const backend = { name: sweep.backend ?? 'wasm', versions: {}, fallbacks: [] };
    events.push({ at: 0, event: { type: 'backendReady', worker: worker.worker, pid: 1000 + worker.worker, backend } });
  }
  for (const trial of sweep.trials) {
    if (trial.state === 'pending') continue;
    const worker = free.sort((a, b) => a.at - b.at)[0];
    let at = worker.at + 300;
    events.push({ at, event: { type: 'trialStarted', trialId: trial.plan.id, worker: worker.worker, pid: 1000 + worker.worker, parameterCount: 0 } });
    for (const metrics of trial.epochs) {
      at += Math.max(1, metrics.durationMs);
      events.push({ at, event: { type: 'epoch', trialId: trial.plan.id, metrics } });
    }
    if (trial.summary) events.push({ at, event: { type: 'trialEnded', trialId: trial.plan.id, summary: trial.summary } });
    worker.at = at;
  }
  const end = Math.max(...free.map((worker) => worker.at));
  events.push({ at: end, event: { type: 'sweepEnded', status: sweep.status === 'running' ? 'interrupted' : sweep.status } });
  return events.sort((a, b) => a.at - b.at);
}

/**
 * What the host stand-in (host.js) plays into a page: the sweep as it started and as it ended, its events, the
 * experiment's history before and after it (every sweep of the same experiment beside it), and every stored sweep
 * a view may ask for with `loadSweep`.
 */
export async function loadReplay(dir) {
  const sweepDir = resolve(dir);
  const reader = await ts('src/store/reader.ts');
  const { toSnapshot } = await ts('src/store/snapshot.ts');
  const { bestRate, summarizeByRate } = await ts('src/core/summary.ts');
  const finalSweep = toSnapshot(reader.loadSweep(sweepDir));
  const history = reader.listSweeps(dirname(dirname(sweepDir)))
    .filter((item) => item.experiment === finalSweep.experiment)
    .map((item) => {
      if (item.best) return item;
      // Older manifests carry no best rate: work it out as the host does.
      const best = bestRate(summarizeByRate(reader.loadSweep(item.dir).trials));
      return best ? { ...item, best: { rate: best.rate, val_loss: best.bestValLoss.mean } } : item;
    });
  const stored = Object.fromEntries(history.map((item) => [item.dir, item.dir === sweepDir ? finalSweep : toSnapshot(reader.loadSweep(item.dir))]));
  console.log(`replaying ${relative(root, sweepDir) || sweepDir}: ${finalSweep.trials.length} trials, ${history.length} sweep(s) in history`);
  const manifest = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8'));
  const started = {
    ...finalSweep, status: 'running', backend: undefined, endedAt: undefined,
    trials: finalSweep.trials.map((trial) => ({ plan: trial.plan, state: 'pending', epochs: [] })),
  };
  return {
    started,
    final: finalSweep,
    events: simulateEvents(finalSweep, manifest.workers ?? 1),
    historyBefore: history.filter((item) => item.dir !== sweepDir),
    historyAfter: history,
    stored,
  };
}
