/** A sweep as CSV: one row per trial and epoch, the columns a spreadsheet user expects. */
import { searchesInputRate } from '../core/dropoutConfig';
import type { EpochMetrics } from '../core/trial';
import type { SweepRecord } from '../core/records';

const metricColumns: (keyof EpochMetrics)[] = ['epoch', 'loss', 'acc', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'mc_val_loss', 'mc_val_acc', 'durationMs'];

/** RFC 4180 quoting where needed; numbers as JavaScript prints them (full precision). */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** An `input_rate` column (drop probability on the features) only for sweeps that searched it: others keep their columns. */
export function sweepToCsv(record: SweepRecord): string {
  const withInput = record.trials.some((trial) => searchesInputRate(trial.plan));
  const header = ['sweep', 'trial', ...(withInput ? ['input_rate'] : []), 'rate', 'keep', 'seed', 'status', ...metricColumns];
  const rows = record.trials.flatMap((trial) => trial.epochs.map((epoch) => [
    record.manifest.id, trial.plan.id, ...(withInput ? [trial.plan.inputRate] : []), trial.plan.rate, Number((1 - trial.plan.rate).toFixed(12)), trial.plan.seed, trial.status,
    ...metricColumns.map((column) => epoch[column]),
  ]));
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
