/** What the webviews draw, made from what the store holds. */
import { taskOf } from '../engine/spec/types';
import { maxTrialEpochs } from '../engine/sweep/plan';
import type { SweepSnapshot } from '../protocol/messages';
import type { SweepRecord } from './types';

export function toSnapshot(record: SweepRecord): SweepSnapshot {
  const { manifest } = record;
  return {
    dir: record.dir,
    id: manifest.id,
    experiment: manifest.experiment,
    specPath: manifest.specPath,
    status: record.status,
    startedAt: manifest.startedAt,
    endedAt: manifest.endedAt,
    backend: manifest.backend?.name,
    epochs: maxTrialEpochs(manifest.spec),
    task: taskOf(manifest.spec.dataset),
    mcSamples: manifest.spec.evaluation.mcSamples,
    trials: record.trials.map((trial) => ({ plan: trial.plan, state: trial.status, epochs: trial.epochs, summary: trial.summary })),
  };
}
