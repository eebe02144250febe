/**
 * What a sweep is made of, as every layer sees it: trial plans, per-epoch metrics, trial outcomes and Hyperband's
 * rounds. Pure types: the trainer, runner, store, CLI, extension and webviews share them.
 *
 * Metric names follow Keras (`loss`, `val_loss`, …). Rates are DROP probabilities; keep = 1 − rate.
 */
import type { DropoutConfig } from './dropoutConfig';
import type { SweepObjective, SweepSelect } from './spec';

/**
 * One model to train: one configuration × one seed. `rate` is the hidden layers' drop probability; `inputRate`
 * (present only when the sweep searches it) the input features'; absent, the trial uses model.inputDropout.
 */
export interface TrialPlan extends DropoutConfig {
  /** Stable within a sweep and usable as a file name, e.g. `rate-0.3_seed-2` or `input-0.1_rate-0.3_seed-2`. */
  id: string;
  seed: number;
  /** 0-based repeat index of this configuration (seed = training.seed + repeat). */
  repeat: number;
  /** Hyperband: the iteration and bracket (keras-tuner bracket_num) the trial belongs to. */
  hyperband?: { iteration: number; bracket: number };
}

/** Metrics at the end of one epoch. Every loss is a mean over samples. */
export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  /** Mean training-batch loss with dropout active, as Keras reports `loss`. */
  loss: number;
  /** Training-batch accuracy with dropout active (classification only). */
  acc?: number;
  /** Whole training set under the deterministic inference rule; the overfitting gap is val_loss − train_loss. */
  train_loss: number;
  train_acc?: number;
  /** Validation set under the deterministic inference rule (inverted: identity; standard: W_test = p·W). */
  val_loss: number;
  val_acc?: number;
  /** Validation set scored by Monte-Carlo dropout: the mean prediction of T stochastic passes. */
  mc_val_loss?: number;
  mc_val_acc?: number;
  /**
   * Mean over validation samples of the MC prediction's uncertainty. Classification: the predictive entropy
   * H[p̄] = −Σ_k p̄_k log p̄_k of the averaged softmax, in nats (0 … log classes). Regression: the variance of the
   * T passes' predictions (the name is kept for both tasks: one column, one chart).
   */
  mc_entropy?: number;
  durationMs: number;
}

export type TrialStatus = 'completed' | 'cancelled' | 'failed' | 'interrupted';

/**
 * Early stopping's record: the last epoch whose val_loss improved on the one before it by more than minDelta. Kept in
 * a paused trial's checkpoint; not a ranking (the objective and sweep.select decide which epoch counts: `selected`).
 */
export interface BestEpoch {
  epoch: number;
  val_loss: number;
  val_acc?: number;
}

/**
 * The test split scored once, when the trial finished, on the weights of its selected epoch, under the deterministic
 * inference rule (mc_*: Monte-Carlo dropout, when evaluation.mcSamples > 0). Never read by any choice.
 */
export interface TestMetrics {
  /** Mean loss over the test samples. */
  loss: number;
  /** Classification only. */
  acc?: number;
  mc_loss?: number;
  mc_acc?: number;
  /** How many samples the test split has. */
  samples: number;
}

/**
 * The epoch a trial counts at, chosen on the validation split by the sweep's objective and select rule: the weights
 * it keeps (exported, published as the best model) and its figure in every comparison.
 */
export interface SelectedEpoch {
  /** 1-based. */
  epoch: number;
  objective: SweepObjective;
  rule: SweepSelect;
  /** The objective's (validation) value at that epoch. */
  value: number;
  /** Absent while the trial is paused (Hyperband), when it did not finish, or without a test split. */
  test?: TestMetrics;
}

export interface TrialSummary {
  status: TrialStatus;
  epochs: number;
  stoppedEarly: boolean;
  durationMs: number;
  /** The last epoch trained (train_acc is its training-set accuracy under the inference rule). */
  final?: EpochMetrics;
  /** Present when the trial trained an epoch with a finite objective value and did not fail. */
  selected?: SelectedEpoch;
  /**
   * @deprecated written only by sweeps stored before `selected`: the best epoch by val_loss whatever the objective.
   * New summaries leave it out; read `selected`.
   */
  best?: BestEpoch;
  error?: string;
  /** Hyperband: not promoted at the end of a round, so stopped after `epochs` (the file's last summary says so). */
  stoppedByStrategy?: boolean;
}

/** Hyperband: one round of one bracket as decided (who was promoted, who was stopped). */
export interface Rung {
  iteration: number;
  /** keras-tuner's bracket_num. */
  bracket: number;
  round: number;
  /** Cumulative epochs each trial of the round trained to. */
  epochs: number;
  trials: string[];
  /** Continue to the next round, resumed from their checkpoint. */
  promoted: string[];
  /** Ran to `epochs` and were not promoted. In a bracket's last round nobody is stopped: those trials completed. */
  stopped: string[];
  /** Failed, cancelled or never run (budget): not ranked. */
  unranked: string[];
}

export type SweepStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

/** A trial's state as stored or as known live: `pending` never started, `running` is being trained now. */
export type TrialState = TrialStatus | 'running' | 'pending';

/** Where a trial ran, for a queue executor: the worker machine, the worker's slot and the attempt (1 for the first). */
export interface TrialPlacement {
  host: string;
  slot: number;
  attempt: number;
}
