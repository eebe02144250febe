/** What the webviews draw, made from what the store holds. */
import { taskOf, type ExperimentSpec } from '../core/spec';
import { maxTrialEpochs } from '../engine/sweep/plan';
import type { SweepSnapshot } from '../protocol/webview';
import { selectRuleOf } from '../core/selection';
import { sweepSettings } from '../core/summary';
import type { SweepRecord } from '../core/records';

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
    ...(manifest.executor ? { executor: manifest.executor } : {}),
    epochs: maxTrialEpochs(manifest.spec),
    task: taskOf(manifest.spec.dataset),
    mcSamples: manifest.spec.evaluation.mcSamples,
    dropoutStyle: manifest.spec.model.dropoutStyle,
    ...sweepSettings(manifest.spec),
    select: selectRuleOf(manifest.spec),
    dataset: datasetOf(manifest.spec.dataset),
    ...(manifest.spec.sweep.strategy === 'hyperband' && manifest.spec.sweep.maxEpochs !== undefined
      ? { hyperband: { maxEpochs: manifest.spec.sweep.maxEpochs, factor: manifest.spec.sweep.factor, rungs: manifest.rungs ?? [] } } : {}),
    ...(manifest.spec.model.layers ? { layers: manifest.spec.model.layers } : {}),
    ...(manifest.spec.sweep.space ? { space: manifest.spec.sweep.space } : {}),
    trials: record.trials.map((trial) => ({
      plan: trial.plan, state: trial.status, epochs: trial.epochs, summary: trial.summary, ...(trial.where ? { where: trial.where } : {}),
    })),
  };
}

/** The dataset's type and test split size, as the verdict reads them (a sweep stored before test splits has none). */
function datasetOf(dataset: ExperimentSpec['dataset']): SweepSnapshot['dataset'] {
  if (dataset.type === 'mnist') return { type: dataset.type, ...(dataset.testSamples !== undefined ? { testSamples: dataset.testSamples } : {}) };
  return { type: dataset.type, ...(dataset.testFraction !== undefined ? { testFraction: dataset.testFraction } : {}) };
}
