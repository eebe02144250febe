/** A new sweep's manifest: how every writer of a sweep begins one (the runner; the synthetic sweeps of the bench and the tests). */
import type { BackendInfo } from '../core/backend';
import { storeFormat, type SweepManifest } from '../core/records';
import type { ExperimentSpec } from '../core/spec';
import type { TrialPlan } from '../core/trial';
import { specHash } from './layout';

export interface NewSweep {
  id: string;
  /** Absolute path of the spec file. */
  specPath: string;
  /** The spec file's text (its hash tells which sweeps ran the same spec), and the spec resolved from it. */
  specText: string;
  spec: ExperimentSpec;
  /** model.module: its path as the spec names it and its content hash at discovery. */
  module?: SweepManifest['module'];
  /** The queue the trials run through, as it may be shown (no password). */
  executor?: string;
  trials: TrialPlan[];
  workers: number;
  versions: Record<string, string>;
  backend?: BackendInfo;
  /** Default: now. */
  startedAt?: Date;
  /** Default: this process. */
  runnerPid?: number;
}

/** `running`, named after the spec, with its strategy; a Hyperband sweep starts with no rounds decided. */
export function newManifest(sweep: NewSweep): SweepManifest {
  const { spec } = sweep;
  return {
    format: storeFormat, id: sweep.id, experiment: spec.name, specPath: sweep.specPath, specHash: specHash(sweep.specText),
    spec, ...(sweep.module ? { module: sweep.module } : {}), ...(sweep.executor ? { executor: sweep.executor } : {}),
    trials: sweep.trials, workers: sweep.workers, ...(sweep.backend ? { backend: sweep.backend } : {}), versions: sweep.versions,
    runnerPid: sweep.runnerPid ?? process.pid, status: 'running', startedAt: (sweep.startedAt ?? new Date()).toISOString(),
    strategy: spec.sweep.strategy, ...(spec.sweep.strategy === 'hyperband' ? { rungs: [] } : {}),
  };
}
