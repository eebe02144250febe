/** Text formatting shared by every view. Pure: no DOM. */
import { configEntries, type DropoutConfig } from '../../src/core/dropoutConfig';
import { formatHpValue, type HpValue } from '../../src/core/hyperparameters';
import type { BestOfSweep } from '../../src/core/records';

/** Keep probability of a drop rate, rounded to hide floating-point noise (1 − 0.7 = 0.30000000000000004). */
export function keepOf(rate: number): number {
  return roundTo(1 - rate, 10);
}

export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A rate as short as it can be without losing digits: 0.3, 0.25, 0. */
export function formatRate(rate: number): string {
  return String(roundTo(rate, 6));
}

/** How rates are labelled everywhere: the drop probability first, its keep probability beside it. */
export function rateLabel(rate: number): string {
  return `rate ${formatRate(rate)} (keep ${formatRate(keepOf(rate))})`;
}

/** A searched value as a tick, a heading or a cell shows it: rates and numbers as short as they can be, true/false, strings. */
export function formatValue(value: HpValue): string {
  return typeof value === 'number' ? formatRate(value) : formatHpValue(value);
}

/** One searched dimension's value in a sentence: `rate 0.3 (keep 0.7)`, `input rate 0.1 (keep 0.9)`, `lr 0.001`. */
export function valueLabel(name: string, value: HpValue): string {
  if (typeof value === 'number' && name === 'rate') return rateLabel(value);
  if (typeof value === 'number' && name === 'input_rate') return `input ${rateLabel(value)}`;
  return `${name} ${formatValue(value)}`;
}

/**
 * A trial's configuration: `rate 0.3 (keep 0.7)`, after `input rate 0.1 (keep 0.9) · ` when the input rate is
 * searched; a space's names after them: `conv_rate 0.2 · dense_rate 0.25 · lr 0.001`.
 */
export function configRateLabel(config: DropoutConfig): string {
  return configEntries(config).map(([name, value]) => valueLabel(name, value)).join(' · ');
}

/** A metric with 4 significant decimals, or an en dash when it is missing or not finite (diverged training). */
export function formatMetric(value: number | undefined, digits = 4): string {
  return isFiniteNumber(value) ? value.toFixed(digits) : '–';
}

export function formatPercent(value: number | undefined): string {
  return isFiniteNumber(value) ? `${(value * 100).toFixed(1)}%` : '–';
}

/** Metrics that diverged arrive as null (JSON has no NaN), despite their number type. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A sweep's start time, short: "14:03" today, "Nov 26, 14:03" another day. */
export function formatStartTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}

/** A sweep's best configuration in a history line: "rate 0.3 (keep 0.7) · val_acc 0.9125"; older sweeps name their val_loss. */
export function bestOfSweepText(best: BestOfSweep): string {
  const { name, value } = best.objective ?? { name: 'val_loss', value: best.val_loss };
  return `${configRateLabel(best)} · ${name} ${formatMetric(value)}`;
}
