/** Sweep scaling (the moons example with one trainer, then two, interleaved) and the delay from an epoch's end to the runner's listener. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentSpec } from '../../src/core/spec';
import { startSweep } from '../../src/runner/runner';
import { specOf } from './models';
import { root, type Options } from './options';
import { p95, spread, type Spread } from './stats';

export interface SweepFigures {
  rates: number;
  epochsPerTrial: number;
  oneTrainerSeconds: Spread;
  twoTrainersSeconds: Spread;
  /** Per interleaved pair, two trainers over one; the target is ≤ 0.6. */
  scalingRatio: Spread;
  /** From the trainer having an epoch's metrics to the runner's listener receiving them, in ms. */
  epochToListenerMs: Spread & { p95: number };
}

async function timeSweep(spec: ExperimentSpec, workers: number, runsRoot: string, delays: number[]): Promise<number> {
  const specPath = path.join(root, 'examples', 'moons.dropout.json');
  const started = performance.now();
  const run = startSweep({
    spec, specPath, specText: JSON.stringify(spec), runsRoot, backend: 'wasm', workers,
    trainerPath: path.join(root, 'dist', 'trainer.js'),
    onEvent: (event) => {
      if (event.type === 'epoch' && event.endedAt !== undefined) delays.push(performance.timeOrigin + performance.now() - event.endedAt);
    },
  });
  const status = await run.finished;
  if (status !== 'completed') throw new Error(`bench sweep ended ${status}`);
  return (performance.now() - started) / 1000;
}

/** Needs `npm run build` first: the sweep forks dist/trainer.js. */
export async function measureSweep(options: Options): Promise<SweepFigures> {
  const example = specOf({ example: 'moons' });
  const spec: ExperimentSpec = { ...example, training: { ...example.training, epochs: options.sweepEpochs ?? example.training.epochs } };
  const runsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-bench-'));
  const one: number[] = [];
  const two: number[] = [];
  const delays: number[] = [];
  try {
    const pairs = 2;
    for (let rep = 0; rep < pairs; rep++) {
      one.push(await timeSweep(spec, 1, runsRoot, delays));
      two.push(await timeSweep(spec, 2, runsRoot, delays));
    }
  } finally {
    fs.rmSync(runsRoot, { recursive: true, force: true });
  }
  return {
    rates: spec.sweep.rates.length, epochsPerTrial: spec.training.epochs,
    oneTrainerSeconds: spread(one), twoTrainersSeconds: spread(two),
    scalingRatio: spread(two.map((seconds, i) => seconds / one[i])),
    epochToListenerMs: { ...spread(delays), p95: p95(delays) },
  };
}
