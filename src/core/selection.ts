/**
 * Which epoch of a trial counts, which trials vote, and whether the sweep has a test split. Pure rules, shared by
 * the trainer's loop (which epoch's weights a trial keeps), the runner (the best configuration and model), the CLI
 * and the webviews (the summaries they show).
 *
 * Validation chooses: the epoch a trial keeps (sweep.select by sweep.objective), then the best configuration (mean
 * selected value over its finished seeds) and the trial whose model is published (that configuration's best seed).
 * The test split reports: it is scored once per finished trial on the kept weights, and no rule here reads it.
 */
import { bestEpochBy, objectiveValue } from './objective';
import type { ExperimentSpec, SweepObjective, SweepSelect } from './spec';
import type { EpochMetrics, SelectedEpoch, TrialPlan, TrialState, TrialSummary } from './trial';

/** The sweep's select rule; specs stored before it existed ranked trials at their best epoch. */
export function selectRuleOf(spec: { sweep?: { select?: SweepSelect } }): SweepSelect {
  return spec.sweep?.select ?? 'best-epoch';
}

/** What decides a trial's selected epoch: the sweep's objective and select rule. */
export interface SelectionSettings {
  objective: SweepObjective;
  select: SweepSelect;
}

/** From a spec (stored ones may predate objectives and select rules: val_loss at the best epoch). */
export function selectionSettingsOf(spec: { sweep?: { objective?: SweepObjective; select?: SweepSelect } }): SelectionSettings {
  return { objective: spec.sweep?.objective ?? 'val_loss', select: selectRuleOf(spec) };
}

/**
 * The epoch a trial counts at among `epochs`: best-epoch, the best by the objective (the first of equals, as
 * Keras's ModelCheckpoint keeps); final-epoch, the last one. Undefined when that epoch has no finite objective value.
 */
export function selectEpoch<T extends Pick<EpochMetrics, 'epoch' | 'val_loss' | 'val_acc'>>(
  epochs: readonly T[], { objective, select }: SelectionSettings,
): T | undefined {
  if (select === 'best-epoch') return bestEpochBy([...epochs], objective);
  const last = epochs[epochs.length - 1];
  return last && objectiveValue(last, objective) !== undefined ? last : undefined;
}

/** A trial as the summaries read it: stored records, and the webviews' live snapshots mapped to records. */
export interface TrialOutcomeInput {
  plan: TrialPlan;
  epochs: EpochMetrics[];
  /** Stored or live state; absent when the caller does not know it (then only the summary and epochs tell). */
  status?: TrialState;
  summary?: TrialSummary;
}

/**
 * A trial's selected epoch: the one its trainer reported (with the test figures scored on its weights) when it was
 * selected by these settings, else the one its epochs give (a running trial, or a sweep stored before `selected`:
 * no test figures then).
 */
export function selectedOf(trial: TrialOutcomeInput, settings: SelectionSettings): SelectedEpoch | undefined {
  const reported = trial.summary?.selected;
  if (reported && reported.objective === settings.objective && reported.rule === settings.select) return reported;
  const epoch = selectEpoch(trial.epochs, settings);
  const value = epoch && objectiveValue(epoch, settings.objective);
  return epoch && value !== undefined ? { epoch: epoch.epoch, objective: settings.objective, rule: settings.select, value } : undefined;
}

/** Why a trial does not vote. `diverged`: a non-finite loss at some epoch (the loop then fails the trial). */
export type ExclusionReason = 'diverged' | 'failed' | 'cancelled' | 'interrupted' | 'no selected epoch';

export interface ExcludedTrial {
  trialId: string;
  reason: ExclusionReason;
  /** The trainer's error, or the epoch the loss stopped being finite. */
  detail?: string;
}

/** The first epoch with a non-finite loss, train_loss or val_loss (stored as null, read back as NaN). */
export function divergedAt(epochs: readonly EpochMetrics[]): number | undefined {
  return epochs.find((epoch) => ![epoch.loss, epoch.train_loss, epoch.val_loss].every((value) => Number.isFinite(value)))?.epoch;
}

/**
 * Why a trial is left out of every summary, verdict and best-model choice, or undefined when it votes (or has not
 * ended: a running trial counts with its epochs so far in a live view; a pending one has none to count).
 */
export function exclusionOf(trial: TrialOutcomeInput, settings: SelectionSettings): Omit<ExcludedTrial, 'trialId'> | undefined {
  const diverged = divergedAt(trial.epochs);
  if (diverged !== undefined) return { reason: 'diverged', detail: `non-finite loss at epoch ${diverged}` };
  const status = trial.summary?.status ?? trial.status;
  switch (status) {
    case 'failed':
      return { reason: 'failed', ...(trial.summary?.error ? { detail: trial.summary.error } : {}) };
    case 'cancelled':
    case 'interrupted':
      return { reason: status };
    case 'completed':
      return selectedOf(trial, settings) ? undefined : { reason: 'no selected epoch', detail: `no epoch with a finite ${settings.objective}` };
    case 'running':
    case 'pending':
    case undefined:
      return undefined; // not ended: see above
  }
}

/** The trials that do not vote, with their reason, in the order given. */
export function excludedTrials(trials: readonly TrialOutcomeInput[], settings: SelectionSettings): ExcludedTrial[] {
  return trials.flatMap((trial) => {
    const exclusion = exclusionOf(trial, settings);
    return exclusion ? [{ trialId: trial.plan.id, ...exclusion }] : [];
  });
}

/** The trials that vote: not excluded, with a selected epoch. */
export function votingTrials<T extends TrialOutcomeInput>(trials: readonly T[], settings: SelectionSettings): T[] {
  return trials.filter((trial) => trial.epochs.length > 0 && !exclusionOf(trial, settings) && selectedOf(trial, settings) !== undefined);
}

/** Whether a sweep's trials score a held-out test split, and what every verdict must say when they do not. */
export interface TestSplitInfo {
  heldOut: boolean;
  /** dataset.testFraction (synthetic and CSV datasets) as resolved. */
  testFraction?: number;
  /** dataset.testSamples (MNIST) as resolved. */
  testSamples?: number;
  /** Present when there is no test split. */
  warning?: string;
}

/** What of a spec's dataset the test split is read from: a stored spec's, or a live view's snapshot of it. */
export type TestSplitSpec = { dataset: { type: ExperimentSpec['dataset']['type']; testFraction?: number; testSamples?: number } };

export function testSplitOf(spec: TestSplitSpec): TestSplitInfo {
  const dataset = spec.dataset;
  const size = dataset.type === 'mnist' ? dataset.testSamples : dataset.testFraction;
  const field = dataset.type === 'mnist' ? 'testSamples' : 'testFraction';
  const recorded = size === undefined ? {} : { [field]: size };
  if (size !== undefined && size > 0) return { heldOut: true, ...recorded };
  const why = size === undefined ? 'this sweep predates test splits' : `dataset.${field} is 0`;
  return {
    heldOut: false, ...recorded,
    warning: `no test split (${why}): every figure is a validation figure, measured on the data that also chose the epoch, the configuration and the model`,
  };
}
