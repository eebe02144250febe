/** What a finished sweep prints: the `--json` summary and the terminal table. Pure functions of stored records. */
import type { BackendInfo } from '../protocol/messages';
import { bestRate, summarizeByRate, type MeanStd, type RateSummary } from '../store/summary';
import type { SweepRecord } from '../store/types';

export interface JsonSummary {
  experiment: string;
  sweepId: string;
  dir: string;
  status: string;
  backend?: string;
  backendFallbacks?: string[];
  /** Every rate below is a drop probability (Keras convention); keep = 1 − rate. */
  rateConvention: 'drop';
  trials: {
    id: string; rate: number; seed: number; status: string; epochs: number; durationMs: number; stoppedEarly: boolean;
    error?: string;
    final?: { loss: number; train_loss: number; val_loss: number; gap: number; acc?: number; val_acc?: number; mc_val_loss?: number; mc_val_acc?: number };
    best?: { epoch: number; val_loss: number; val_acc?: number };
  }[];
  rates: RateSummary[];
  best?: { rate: number; val_loss: number; val_loss_std: number; seeds: number };
}

export function jsonSummary(record: SweepRecord): JsonSummary {
  const rates = summarizeByRate(record.trials);
  const best = bestRate(rates);
  const backend: BackendInfo | undefined = record.manifest.backend;
  return {
    experiment: record.manifest.experiment,
    sweepId: record.manifest.id,
    dir: record.dir,
    status: record.status,
    backend: backend?.name,
    backendFallbacks: backend?.fallbacks,
    rateConvention: 'drop',
    trials: record.trials.map((trial) => {
      const last = trial.epochs[trial.epochs.length - 1];
      const bestEpoch = trial.epochs.reduce<typeof last | undefined>((b, e) => (!b || e.val_loss < b.val_loss ? e : b), undefined);
      return {
        id: trial.plan.id, rate: trial.plan.rate, seed: trial.plan.seed, status: trial.status,
        epochs: trial.epochs.length, durationMs: trial.summary?.durationMs ?? 0, stoppedEarly: trial.summary?.stoppedEarly ?? false,
        ...(trial.summary?.error ? { error: trial.summary.error } : {}),
        ...(last ? {
          final: {
            loss: last.loss, train_loss: last.train_loss, val_loss: last.val_loss, gap: last.val_loss - last.train_loss,
            ...pick(last, ['acc', 'val_acc', 'mc_val_loss', 'mc_val_acc']),
          },
        } : {}),
        ...(bestEpoch ? { best: { epoch: bestEpoch.epoch, val_loss: bestEpoch.val_loss, ...pick(bestEpoch, ['val_acc']) } } : {}),
      };
    }),
    rates,
    ...(best ? { best: { rate: best.rate, val_loss: best.bestValLoss.mean, val_loss_std: best.bestValLoss.std, seeds: best.seeds } } : {}),
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>;
}

const number = (value: number | undefined, digits = 4): string => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const withStd = (value: MeanStd | undefined): string => {
  if (!value) return '–';
  return value.n > 1 ? `${number(value.mean)} ± ${number(value.std)}` : number(value.mean);
};

/** The end-of-sweep table: one row per rate, the best marked. */
export function rateTable(record: SweepRecord): string {
  const rates = summarizeByRate(record.trials);
  const best = bestRate(rates);
  const header = ['rate', 'keep p', 'seeds', 'best val_loss', 'final loss', 'train_loss', 'val_loss', 'gap', 'val_acc', 'mc_val_loss', ''];
  const rows = rates.map((rate) => [
    String(rate.rate), number(1 - rate.rate, 2), String(rate.seeds), withStd(rate.bestValLoss), withStd(rate.finalLoss),
    withStd(rate.finalTrainLoss), withStd(rate.finalValLoss), withStd(rate.gap), withStd(rate.valAcc), withStd(rate.mcValLoss),
    rate === best ? '◀ best' : '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padStart(widths[column])).join('  ').trimEnd();
  const notes = [
    'rate = drop probability (Keras); keep p = 1 − rate (Srivastava et al.).',
    'loss = training batches with dropout on; train_loss, val_loss = deterministic inference rule; gap = val_loss − train_loss (last epoch).',
  ];
  return [line(header), ...rows.map(line), '', ...notes].join('\n');
}
