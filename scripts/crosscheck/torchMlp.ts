/**
 * The engine's MLP trials in PyTorch (torch_mlp.py) on the engine's own splits: shared by the cross-check
 * (scripts/crosscheck-torch.ts: the figures) and the bench (scripts/bench/mnistSweep.ts: the wall time).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentSpec } from '../../src/core/spec';
import { loadDataset } from '../../src/engine/datasets';
import { workspaceFiles } from '../../src/workspace/dataFiles';

const script = path.join(__dirname, 'torch_mlp.py');

/** A python3 that imports torch and numpy, with torch's version; pyenv shims may shadow Debian's interpreter. */
export function findTorchPython(): { python: string; version: string } | { reason: string } {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return { reason: 'python3 cannot import torch and numpy (Debian: apt-get install python3-torch libopenblas0-pthread)' };
}

export interface TorchTrial {
  rate: number;
  seed: number;
  best: number;
}

/**
 * Exports the engine's splits of `spec` for each of its seeds, trains every (rate, seed) in PyTorch on one thread,
 * and returns the trials' best validation losses with the wall time of the PyTorch run alone.
 */
export function trainInTorch(python: string, spec: ExperimentSpec, specPath: string): { trials: TorchTrial[]; seconds: number } {
  if (spec.sweep.strategy !== 'grid' || spec.sweep.inputRates) throw new Error('the PyTorch side takes a grid over hidden rates only');
  const { training, model } = spec;
  if (training.optimizer !== 'adam' || model.dropoutStyle !== 'inverted' || model.activation !== 'relu') {
    throw new Error('the PyTorch side implements adam, inverted dropout and relu only');
  }
  const seeds = Array.from({ length: spec.sweep.repeats }, (_, repeat) => spec.training.seed + repeat);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-torch-'));
  try {
    let features = 0;
    let classes = 0;
    for (const seed of seeds) {
      const dataset = loadDataset(spec.dataset, { seed, files: workspaceFiles(path.dirname(specPath)) });
      features = dataset.featureCount;
      classes = dataset.classCount;
      const folder = path.join(dataDir, `seed-${seed}`);
      fs.mkdirSync(folder);
      for (const [name, split] of [['train', dataset.train], ['validation', dataset.validation]] as const) {
        fs.writeFileSync(path.join(folder, `${name}.x.f32`), Buffer.from(split.x.buffer, split.x.byteOffset, split.x.byteLength));
        fs.writeFileSync(path.join(folder, `${name}.y.f32`), Buffer.from(split.y.buffer, split.y.byteOffset, split.y.byteLength));
      }
    }
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({
      features, classes, hidden: model.hidden, inputRate: model.inputDropout, rates: spec.sweep.rates, seeds,
      epochs: training.epochs, batchSize: training.batchSize, learningRate: training.learningRate,
    }));
    const started = Date.now();
    const run = spawnSync(python, [script, dataDir], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const seconds = (Date.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`torch_mlp.py failed (${run.status}): ${run.stderr}`);
    const trials = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { rate: number; seed: number; best_val_loss: number })
      .map((row) => ({ rate: row.rate, seed: row.seed, best: row.best_val_loss }));
    return { trials, seconds };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
