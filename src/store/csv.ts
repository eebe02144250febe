/**
 * A sweep as CSV: one row per trial and epoch, the columns a spreadsheet user expects; then, on each row of a trial,
 * its selected epoch (sweep.select by the objective) and the test figures scored at it.
 */
import { configEntries, searchedNames } from '../core/dropoutConfig';
import { selectedOf, selectionSettingsOf } from '../core/selection';
import type { EpochMetrics } from '../core/trial';
import type { SweepRecord } from '../core/records';

/** Every field of an epoch, as the columns in this order: a field added to EpochMetrics but not here fails to compile. */
const metricFields = {
  epoch: true, loss: true, acc: true, train_loss: true, train_acc: true, val_loss: true, val_acc: true,
  mc_val_loss: true, mc_val_acc: true, mc_entropy: true, durationMs: true,
} satisfies Record<keyof EpochMetrics, true>;
const metricColumns = Object.keys(metricFields) as (keyof EpochMetrics)[];
/** Per trial, repeated on its rows: the epoch it counts at, and the test split scored there (empty without one). */
const trialColumns = ['selected_epoch', 'test_loss', 'test_acc'];

/** RFC 4180 quoting where needed; numbers as JavaScript prints them (full precision). */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One column per searched dimension, in configEntries order: `input_rate` only for sweeps that searched it, `rate`
 * (with `keep`) for the shorthand's rates, then each named hyperparameter; a shorthand sweep keeps its columns.
 */
export function sweepToCsv(record: SweepRecord): string {
  const searched = searchedNames(record.trials.map((trial) => trial.plan));
  const configColumns = searched.flatMap((name) => (name === 'rate' ? ['rate', 'keep'] : [name]));
  const header = ['sweep', 'trial', ...configColumns, 'seed', 'status', ...metricColumns, ...trialColumns];
  const selection = selectionSettingsOf(record.manifest.spec ?? {});
  const rows = record.trials.flatMap((trial) => {
    const selected = selectedOf(trial, selection);
    const trialCells = [selected?.epoch, selected?.test?.loss, selected?.test?.acc];
    const values = new Map(configEntries(trial.plan));
    const configCells = searched.flatMap((name) => {
      const value = values.get(name);
      return name === 'rate' ? [value, typeof value === 'number' ? Number((1 - value).toFixed(12)) : undefined] : [value];
    });
    return trial.epochs.map((epoch) => [
      record.manifest.id, trial.plan.id, ...configCells, trial.plan.seed, trial.status,
      ...metricColumns.map((column) => epoch[column]), ...trialCells,
    ]);
  });
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
