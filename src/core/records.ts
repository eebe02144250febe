/**
 * The run store on disk:
 *   <runs root>/<experiment slug>/<sweep id>/sweep.json            the manifest, rewritten atomically
 *   <runs root>/<experiment slug>/<sweep id>/trials/<trial id>.jsonl one header line, one line per epoch, one summary line
 *     (a Hyperband trial appends a header, epochs and a summary per round it trains; readers take the last summary)
 *   <runs root>/<experiment slug>/<sweep id>/checkpoints/<trial id>.{json,bin} a paused Hyperband trial
 *   <runs root>/<experiment slug>/<sweep id>/models/<trial id>/      a trial's selected epoch as a TF.js model (until the end)
 *   <runs root>/<experiment slug>/<sweep id>/best-model/             model.json + weights.bin of the sweep's best trial
 * Trial files are append-only and written line by line as epochs end, so a crash loses at most the epoch in flight.
 */
import type { BackendInfo } from './backend';
import type { DropoutConfig } from './dropoutConfig';
import type { Verdict } from './verdict';
import type { EpochMetrics, Rung, SweepStatus, TestMetrics, TrialPlacement, TrialPlan, TrialState, TrialSummary } from './trial';
import type { ExperimentSpec, SweepObjective, SweepSelect, SweepStrategy } from './spec';

export const storeFormat = 1;

export interface SweepManifest {
  format: typeof storeFormat;
  id: string;
  experiment: string;
  /** Absolute path of the spec file the sweep ran. */
  specPath: string;
  /** sha256 of the spec file's text, to tell which sweeps ran the same spec. */
  specHash: string;
  /** The resolved spec, defaults filled in (with model.module: the discovered space merged with sweep.space). */
  spec: ExperimentSpec;
  /**
   * The builder module (model.module) the sweep ran: its path as the spec names it and the sha256 of its bytes when
   * its space was discovered, so a changed module is noticed (resume warns, naming both hashes).
   */
  module?: { path: string; sha256: string };
  /** The queue the sweep's trials ran through (`--executor`), its password never written; absent: the local pool. */
  executor?: string;
  trials: TrialPlan[];
  workers: number;
  /** Filled in when the first trainer reports its backend. */
  backend?: BackendInfo;
  versions: Record<string, string>;
  /** The process that writes this sweep; with status 'running' and this process gone, the sweep was interrupted. */
  runnerPid: number;
  status: SweepStatus;
  startedAt: string;
  endedAt?: string;
  /** When Stop was asked for: endedAt − cancelRequestedAt is how long the trainers took to stop. */
  cancelRequestedAt?: string;
  /**
   * Written when the sweep ends: the best configuration by the mean objective at its finished trials' selected epochs,
   * its mean best val_loss and (newer sweeps) that objective value.
   */
  best?: BestOfSweep;
  /** Written when the sweep ends: the verdict (core/sweepVerdict.ts) as the CLI, the panel and the CodeLens say it. */
  verdict?: StoredVerdict;
  /** Written when the sweep ends: the trial whose selected epoch is in `best-model/`, of the `best` configuration (see store/bestModel.ts). */
  bestModel?: BestModelChoice;
  /** spec.sweep.strategy, for readers that list sweeps without reading specs; absent in sweeps before it existed. */
  strategy?: SweepStrategy;
  /** Hyperband: every round decided so far, in order. */
  rungs?: Rung[];
  /** Why the sweep failed when no trial is to blame, e.g. the run store could not be written (folder and errno). */
  error?: string;
  /** Each time `dropout-lab resume` (or the extension's Resume) continued this sweep after an interruption. */
  resumedAt?: string[];
  /** Set when sweep.maxTrials or sweep.maxMinutes kept trials from starting. */
  budgetExhausted?: 'maxTrials' | 'maxMinutes';
}

/**
 * The trial whose selected epoch is the sweep's best model (chosen by store/bestModel.ts): the best configuration's
 * best seed by validation. `configuration`, `seed`, `select` and `test` are absent in sweeps stored before them.
 */
export interface BestModelChoice {
  trialId: string;
  /** The epoch whose weights the model holds: the trial's selected epoch (sweep.select by the objective). */
  epoch: number;
  objective: SweepObjective;
  /** The objective's validation value at that epoch. */
  value: number;
  /** The configuration the trial belongs to: always the sweep's best (`best` in sweep.json). */
  configuration?: DropoutConfig;
  seed?: number;
  select?: SweepSelect;
  /** The trial's test figures at that epoch (reported, never chosen by). */
  test?: TestMetrics;
}

export type TrialLine =
  /** `where`: the worker that ran this attempt, for a queue executor (a re-run attempt's header is not written again). */
  | { kind: 'header'; trial: TrialPlan; parameterCount?: number; startedAt: string; where?: TrialPlacement }
  | ({ kind: 'epoch' } & EpochMetrics)
  | ({ kind: 'summary' } & TrialSummary);

export interface TrialRecord {
  plan: TrialPlan;
  /** As read back: `running` is still being written by a live runner; `pending` never started. */
  status: TrialState;
  parameterCount?: number;
  /** Queue executor: the worker that ran it (its last header that names one). */
  where?: TrialPlacement;
  epochs: EpochMetrics[];
  summary?: TrialSummary;
}

export interface SweepRecord {
  dir: string;
  manifest: SweepManifest;
  /** The manifest's status, corrected to `interrupted` when its runner died. */
  status: SweepStatus;
  trials: TrialRecord[];
  /** Lines that could not be read, with file and line number. */
  warnings: string[];
}

/**
 * A finished sweep's best configuration (inputRate only when the sweep searched it): its mean best val_loss (the
 * lowest val_loss of each trial, whatever the objective), and the objective it was chosen by with its mean value at
 * the trials' selected epochs (absent in sweeps stored before objectives).
 */
export interface BestOfSweep extends DropoutConfig {
  val_loss: number;
  objective?: { name: SweepObjective; value: number };
}

/** What names a stored sweep wherever it is shown: its folder, id, experiment and spec, status and times. */
export interface SweepIdentity {
  /** The sweep's folder: its identity across host, store and webviews. */
  dir: string;
  id: string;
  experiment: string;
  specPath: string;
  status: SweepStatus;
  startedAt: string;
  endedAt?: string;
}

/** One line of a sweep history. */
export interface SweepListItem extends SweepIdentity {
  trialCount: number;
  /** The best configuration by the sweep's objective, when any trial has epochs. */
  best?: BestOfSweep;
  /** The sweep's verdict, when it ended with one. */
  verdict?: StoredVerdict;
}

/** What a finished sweep keeps of its verdict: enough for a history line or a CodeLens without reading its trials. */
export type StoredVerdict = Pick<Verdict, 'text' | 'lens' | 'distinguishable' | 'seeds'> & { best?: string };

