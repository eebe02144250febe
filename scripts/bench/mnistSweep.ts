/**
 * The whole experiment, not just the step: the MNIST setup of issue 16 (examples/mnist-wide: 1,000 training digits,
 * 784-512-512-10, 3 rates × 3 seeds × 40 epochs) as a sweep on 2 trainers, on wasm and on wasm+blas, back to back,
 * against PyTorch training the same 9 trials on one thread (scripts/crosscheck/torch_mlp.py). The engine also
 * scores the training and validation sets every epoch; PyTorch scores validation only: the wall times compare what
 * each needs to produce a table like the README's, not equal work.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendName } from '../../src/core/backend';
import type { ExperimentSpec } from '../../src/core/spec';
import { startSweep } from '../../src/runner/runner';
import { findTorchPython, trainInTorch } from '../crosscheck/torchMlp';
import { specOf } from './models';
import { root } from './options';

export interface MnistSweepFigures {
  trials: number;
  epochsPerTrial: number;
  /** Wall seconds of the whole sweep on 2 trainers, per backend; a backend that cannot start: its reason. */
  engineSeconds: Partial<Record<BackendName, number>>;
  unavailable: Partial<Record<BackendName, string>>;
  torch: { seconds: number; version: string } | { reason: string };
}

async function timeSweep(spec: ExperimentSpec, specPath: string, backend: BackendName, runsRoot: string): Promise<number> {
  const started = performance.now();
  const run = startSweep({
    spec, specPath, specText: JSON.stringify(spec), runsRoot, backend, workers: 2, trainerPath: path.join(root, 'dist', 'trainer.js'),
  });
  const status = await run.finished;
  if (status !== 'completed') throw new Error(`the ${backend} sweep ended ${status}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(run.dir, 'sweep.json'), 'utf8')) as { backend?: { name?: string } };
  if (manifest.backend?.name !== backend) throw new Error(`asked for ${backend}, the trainers ran ${manifest.backend?.name}`);
  return (performance.now() - started) / 1000;
}

/** Needs `npm run build` first (the sweep forks dist/trainer.js). */
export async function measureMnistSweep(progress: (line: string) => void): Promise<MnistSweepFigures> {
  const specPath = path.join(root, 'examples', 'mnist-wide.dropout.json');
  const example = specOf({ example: 'mnist-wide' });
  const spec: ExperimentSpec = { ...example, sweep: { ...example.sweep, repeats: 3 } };
  const runsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-bench-mnist-'));
  const engineSeconds: MnistSweepFigures['engineSeconds'] = {};
  const unavailable: MnistSweepFigures['unavailable'] = {};
  try {
    for (const backend of ['wasm', 'wasm+blas'] as const) {
      try {
        engineSeconds[backend] = await timeSweep(spec, specPath, backend, runsRoot);
        progress(`measured the MNIST sweep on ${backend}`);
      } catch (error) {
        unavailable[backend] = (error as Error).message.split('\n')[0];
      }
    }
  } finally {
    fs.rmSync(runsRoot, { recursive: true, force: true });
  }
  const python = findTorchPython();
  let torch: MnistSweepFigures['torch'];
  if ('reason' in python) torch = python;
  else {
    torch = { seconds: trainInTorch(python.python, spec, specPath).seconds, version: python.version };
    progress('measured the MNIST sweep in PyTorch');
  }
  return { trials: spec.sweep.rates.length * spec.sweep.repeats, epochsPerTrial: spec.training.epochs, engineSeconds, unavailable, torch };
}
