/**
 * Writes a stored sweep of any size without training it, for measuring the UI on long sweeps (the numbers are
 * curve-shaped, not trained: val_loss falls, then rises more at low rates, with seeded noise). Uses the planner and
 * the run store's own writer, so readers see exactly the format a real sweep has.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSpec } from '../src/engine/spec/parse';
import { planTrials } from '../src/engine/sweep/plan';
import { createRng } from '../src/engine/random';
import type { EpochMetrics } from '../src/core/trial';
import { newSweepId, sweepDir } from '../src/store/layout';
import { newManifest } from '../src/store/manifest';
import { SweepWriter } from '../src/store/writer';

export interface SyntheticSweepOptions {
  runsRoot: string;
  /** Rates (drop probabilities) × repeats = trials. */
  rates: number[];
  repeats: number;
  epochs: number;
  seed?: number;
}

export function writeSyntheticSweep(options: SyntheticSweepOptions): string {
  const specText = JSON.stringify({
    name: 'synthetic', dataset: { type: 'moons', samples: 240 }, model: { hidden: [128, 128] },
    training: { epochs: options.epochs, seed: 1 }, sweep: { rates: options.rates, repeats: options.repeats },
  });
  const spec = parseSpec(specText).spec;
  if (!spec) throw new Error('synthetic spec did not parse');
  const trials = planTrials(spec);
  const id = newSweepId();
  const dir = sweepDir(options.runsRoot, spec.name, id);
  const specPath = path.join(options.runsRoot, 'synthetic.dropout.json');
  fs.mkdirSync(options.runsRoot, { recursive: true });
  fs.writeFileSync(specPath, specText);
  const sweep = SweepWriter.create(dir, newManifest({
    id, specPath, specText, spec, trials, workers: 2, backend: { name: 'wasm', versions: {}, fallbacks: [] }, versions: {},
  }));
  const random = createRng(options.seed ?? 1);
  const noise = () => (random.next() - 0.5) * 0.02;
  for (const trial of trials) {
    const writer = sweep.openTrial(trial, 17_000);
    // A shorthand sweep: every trial has its hidden rate.
    const rate = trial.rate ?? 0;
    let best: EpochMetrics | undefined;
    let last: EpochMetrics | undefined;
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const fit = 0.6 * Math.exp(-epoch / 30);
      const overfit = 0.4 * (1 - rate) ** 2 * (epoch / options.epochs);
      const train_loss = 0.2 + fit - overfit / 2 + noise();
      const metrics: EpochMetrics = {
        epoch, loss: train_loss + 0.1 * rate + noise(), acc: 0.9 + noise(), train_loss, train_acc: 0.92 + noise(),
        val_loss: 0.25 + fit + overfit + noise(), val_acc: 0.88 + noise(), durationMs: 40 + 20 * random.next(),
      };
      writer.epoch(metrics);
      if (!best || metrics.val_loss < best.val_loss) best = metrics;
      last = metrics;
    }
    writer.finish({
      status: 'completed', epochs: options.epochs, stoppedEarly: false, durationMs: 50 * options.epochs, final: last,
      best: best && { epoch: best.epoch, val_loss: best.val_loss, val_acc: best.val_acc },
    });
  }
  sweep.update({ status: 'completed', endedAt: new Date().toISOString() });
  return dir;
}
