/** The PyTorch reference: the same shapes in torch (scripts/bench_torch.py) with 1 and 2 threads, when a python3 here imports torch. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { root, type Options } from './options';

export interface TorchFigures {
  available: boolean;
  reason?: string;
  python?: string;
  version?: string;
  /** The BLAS library torch's process mapped after a matmul (Debian's torch uses the libblas.so.3 alternative). */
  blas?: string;
  /** model → threads → steps/s (median of reps). */
  stepsPerSecond?: Record<string, Record<string, number>>;
}

const torchProbe = `
import os, torch
torch.ones(64, 64) @ torch.ones(64, 64)
blas = sorted({os.path.realpath(line.split()[-1]) for line in open('/proc/self/maps') if 'blas' in line.lower() and '/' in line})
print(torch.__version__)
print(', '.join(blas) or 'unknown')
`;

function findTorchPython(): { python: string; version: string; blas: string } | { reason: string } {
  // pyenv shims may shadow the system interpreter that Debian's python3-torch installs into.
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const [version, blas] = execFileSync(python, ['-c', torchProbe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
      return { python, version, blas };
    } catch { /* try the next */ }
  }
  return { reason: 'no python3 here imports torch (Debian: apt-get install python3-torch libopenblas0-pthread)' };
}

export function measureTorch(options: Options): TorchFigures {
  const found = findTorchPython();
  if ('reason' in found) return { available: false, reason: found.reason };
  const stepsPerSecond: Record<string, Record<string, number>> = {};
  for (const model of options.models) {
    stepsPerSecond[model] = {};
    for (const threads of [1, 2]) {
      const out = execFileSync(found.python, [path.join(root, 'scripts', 'bench_torch.py'), model, String(threads), String(options.reps)], {
        encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) }, cwd: root,
      });
      stepsPerSecond[model][String(threads)] = JSON.parse(out.trim().split('\n').pop()!).stepsPerSecond;
    }
  }
  return { available: true, python: found.python, version: found.version, blas: found.blas, stepsPerSecond };
}
