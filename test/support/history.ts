/**
 * A generated run history, written through the store's own writer: `count` sweeps over three experiments, one
 * minute apart, every `interruptedEvery`-th left as a killed runner leaves it (manifest `running`, its runner gone,
 * the last trial without a summary). Used by the load script and by the listing tests.
 */
import { parseSpec } from '../../src/engine/spec/parse';
import type { ExperimentSpec } from '../../src/core/spec';
import { planTrials } from '../../src/engine/sweep/plan';
import type { EpochMetrics } from '../../src/core/trial';
import { newSweepId, sweepDir } from '../../src/store/layout';
import { newManifest } from '../../src/store/manifest';
import { SweepWriter } from '../../src/store/writer';
import { tinySpec } from './specs';

/** Above Linux's default pid_max: never a live process, so its sweeps read as interrupted. */
export const deadRunnerPid = 2 ** 22 + 12345;

export interface HistoryOptions {
  count: number;
  /** Rates per sweep (one seed each). */
  rates: number;
  epochs: number;
  interruptedEvery: number;
}

export interface GeneratedSweep {
  dir: string;
  id: string;
  startedAt: string;
  interrupted: boolean;
}

export const experiments = ['moons', 'circles', 'spirals'];

export function writeHistory(runsRoot: string, options: HistoryOptions): GeneratedSweep[] {
  const rates = Array.from({ length: options.rates }, (_, i) => Math.round((i / options.rates) * 100) / 100);
  const text = JSON.stringify(tinySpec({ training: { epochs: options.epochs, batchSize: 16, seed: 1 }, sweep: { rates } }));
  const spec = parseSpec(text).spec as ExperimentSpec;
  const trials = planTrials(spec);
  const firstStart = Date.parse('2026-01-01T00:00:00Z');
  const generated: GeneratedSweep[] = [];
  for (let i = 0; i < options.count; i++) {
    const experiment = experiments[i % experiments.length];
    const started = new Date(firstStart + i * 60_000);
    const id = newSweepId(started);
    const interrupted = (i + 1) % options.interruptedEvery === 0;
    const dir = sweepDir(runsRoot, experiment, id);
    const writer = SweepWriter.create(dir, newManifest({
      id, specPath: `/workspace/${experiment}.dropout.json`, specText: text, spec: { ...spec, name: experiment }, trials, workers: 2,
      versions: { 'dropout-lab': 'load-test' }, runnerPid: interrupted ? deadRunnerPid : process.pid, startedAt: started,
    }));
    trials.forEach((trial, index) => {
      const file = writer.openTrial(trial, 66);
      const last = interrupted && index === trials.length - 1;
      const epochs = last ? Math.ceil(options.epochs / 2) : options.epochs;
      let final: EpochMetrics | undefined;
      for (let epoch = 1; epoch <= epochs; epoch++) {
        const rate = trial.rate ?? 0;
        final = { epoch, loss: 1 / epoch + rate, train_loss: 0.9 / epoch, val_loss: 1 / epoch + rate / 2, acc: 0.5, val_acc: 0.5, durationMs: 3 };
        file.epoch(final);
      }
      if (last) file.close();
      else file.finish({ status: 'completed', epochs, stoppedEarly: false, durationMs: 3 * epochs, final, best: { epoch: epochs, val_loss: final!.val_loss } });
    });
    if (!interrupted) {
      writer.update({ status: 'completed', endedAt: new Date(started.getTime() + 30_000).toISOString(), best: { rate: 0, val_loss: 1 / options.epochs } });
    }
    generated.push({ dir, id, startedAt: started.toISOString(), interrupted });
  }
  return generated;
}
