import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const trainerPath = path.join(repoRoot, 'dist', 'trainer.js');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

/** The folders `tempDir` made in this process: removed when it exits (each test file runs in a process of its own). */
const tempDirs: string[] = [];

function removeTempDirs(): void {
  if (process.env.DROPOUT_LAB_KEEP_TEMP) {
    if (tempDirs.length) process.stderr.write(`kept (DROPOUT_LAB_KEEP_TEMP): ${tempDirs.join(' ')}\n`);
    return;
  }
  // Read-only files (a test may chmod them) do not stop the removal of their folder.
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * A fresh folder in the OS temp folder, removed with everything in it when the test process exits (set
 * DROPOUT_LAB_KEEP_TEMP=1 to keep them for a look after a failure).
 */
export function tempDir(prefix = 'dropout-lab-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (tempDirs.push(dir) === 1) process.once('exit', removeTempDirs);
  return dir;
}

/** A small, quick moons experiment; `overrides` replace whole top-level sections. */
export function tinySpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny',
    dataset: { type: 'moons', samples: 80, noise: 0.2, validationFraction: 0.5 },
    model: { hidden: [16] },
    training: { epochs: 4, batchSize: 16, learningRate: 0.01, seed: 3 },
    sweep: { rates: [0, 0.5] },
    evaluation: { mcSamples: 3 },
    ...overrides,
  };
}

/** Writes `spec` as `<dir>/<name>.dropout.json` and returns its path. */
export function writeSpec(dir: string, spec: unknown, name = 'tiny'): string {
  const file = path.join(dir, `${name}.dropout.json`);
  fs.writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec, null, 2));
  return file;
}
