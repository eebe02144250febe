/**
 * The end of a sweep, once every worker has gone: its status from how its trials ended, the best configuration by
 * the objective and the best trial's model published as best-model/, all written to the manifest. Files that only
 * served the sweep while it ran (checkpoints, per-trial models) are removed.
 */
import { configOf } from '../core/dropoutConfig';
import type { ExperimentSpec } from '../core/spec';
import { bestRate, objectiveOf, summarizeSweepTrials } from '../core/summary';
import { verdictOfSweep } from '../core/sweepVerdict';
import type { SweepStatus } from '../core/trial';
import { chooseBestModel, publishBestModel } from '../store/bestModel';
import { removeSweepScratch } from '../store/checkpoints';
import { loadSweep } from '../store/reader';
import type { SweepRecorder } from './sweepRecorder';

/**
 * Writes the sweep's outcome into its manifest and returns its status. A sweep whose store failed is `failed`
 * whatever its trials did: the folder holds less than was trained.
 */
export function endSweep(recorder: SweepRecorder, spec: ExperimentSpec, how: 'ran' | 'cancelled' | 'interrupted'): SweepStatus {
  const { writer } = recorder;
  const { dir } = writer;
  if (how === 'interrupted' && !recorder.storeError) {
    // Nothing is concluded: resume finishes the sweep (its checkpoints and trial models are still needed).
    recorder.store(() => writer.update({ status: 'interrupted', endedAt: new Date().toISOString() }));
    if (!recorder.storeError) return 'interrupted';
  }
  if (!recorder.storeError) {
    removeSweepScratch(dir, 'checkpoints');
    const status = statusOf(recorder, how === 'cancelled');
    // From the store, not this run's summaries: a resumed sweep's best may be a trial an earlier run completed.
    const stored = loadSweep(dir).trials;
    // The same summaries chooseBestModel ranks: the best model always belongs to this configuration.
    const rates = summarizeSweepTrials(stored, spec);
    const best = bestRate(rates, spec.sweep.objective);
    const verdict = verdictOfSweep(stored, spec, rates);
    const bestValue = best && objectiveOf(best, spec.sweep.objective)?.mean;
    const bestModel = chooseBestModel(stored, spec);
    const problem = bestModel ? publishBestModel(dir, writer.current, bestModel) : undefined;
    if (problem) recorder.log('warn', `no best model: ${problem}`);
    removeSweepScratch(dir, 'trialModels');
    recorder.store(() => writer.update({
      status, endedAt: new Date().toISOString(),
      ...(best ? {
        best: {
          ...configOf(best), val_loss: best.bestValLoss.mean,
          ...(bestValue !== undefined ? { objective: { name: spec.sweep.objective, value: bestValue } } : {}),
        },
      } : {}),
      ...(verdict.best ? {
        verdict: { best: verdict.best, text: verdict.text, lens: verdict.lens, distinguishable: verdict.distinguishable, seeds: verdict.seeds },
      } : {}),
      ...(bestModel && !problem ? { bestModel } : {}),
    }));
    // That last write may itself have failed: then the sweep failed, as below.
    if (!recorder.storeError) return status;
  }
  // Said in the manifest if the folder still takes a write; else it stays `running` and reads back as interrupted.
  try {
    writer.update({ status: 'failed', error: recorder.storeError!.message, endedAt: new Date().toISOString() });
  } catch {
    // reported when the first write failed
  }
  return 'failed';
}

/** Cancelled if asked to; failed if every trial this run trained failed; else completed (a budget's pending trials included). */
function statusOf(recorder: SweepRecorder, cancelled: boolean): SweepStatus {
  if (cancelled) return 'cancelled';
  const { summaries } = recorder;
  return summaries.length > 0 && summaries.every((summary) => summary.status === 'failed') ? 'failed' : 'completed';
}
