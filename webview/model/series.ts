/**
 * Per-trial curves (loss and accuracy over epochs) with EMA smoothing and log-scale handling.
 *
 * A curve is built by feeding epochs one at a time to `appendEpoch`, which carries the smoothing state; a live
 * epoch extends a curve through the same function, so a curve extended live equals one rebuilt from scratch.
 */
import { compareConfigs } from '../../src/core/dropoutConfig';
import type { EpochMetrics } from '../../src/core/trial';
import type { SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { isFiniteNumber } from './format';

export type CurveKind = 'train_loss' | 'val_loss' | 'val_acc';

export interface CurveOptions {
  /** EMA weight of the previous smoothed value, 0 (off) … 0.99. */
  smoothing: number;
  /** Log y axis: values that are not positive cannot be drawn and are dropped (before smoothing). */
  logScale: boolean;
}

export interface Point {
  x: number;
  y: number;
}

export interface Curve {
  /** Unique over sweeps: `${sweepDir}\n${trialId}\n${kind}`. */
  key: string;
  sweepDir: string;
  trialId: string;
  /** The trial's hidden rate; absent when its sweep searches only named hyperparameters. */
  rate?: number;
  seed: number;
  kind: CurveKind;
  /** x = epoch (1-based), y = smoothed value. Charts draw this very array, so appending is all an update takes. */
  points: Point[];
  /** The last smoothed value: the EMA's state. */
  smoothed?: number;
}

export const maxSmoothing = 0.99;

export function clampSmoothing(value: number): number {
  return isFiniteNumber(value) ? Math.min(maxSmoothing, Math.max(0, value)) : 0;
}

/** s₁ = x₁, sₜ = w·sₜ₋₁ + (1 − w)·xₜ (TensorBoard's smoothing without its debiasing, so s₁ is the first value). */
export function emaNext(previous: number | undefined, value: number, smoothing: number): number {
  if (previous === undefined) return value;
  const weight = clampSmoothing(smoothing);
  return weight * previous + (1 - weight) * value;
}

export function smoothValues(values: readonly number[], smoothing: number): number[] {
  let state: number | undefined;
  return values.map((value) => (state = emaNext(state, value, smoothing)));
}

/** Whether a raw value can be drawn: finite, and positive on a log axis. */
export function isDrawable(value: unknown, logScale: boolean): value is number {
  return isFiniteNumber(value) && (!logScale || value > 0);
}

/** Extends a curve by one epoch; returns the point added, or undefined when the value cannot be drawn. */
export function appendEpoch(curve: Curve, metrics: EpochMetrics, options: CurveOptions): Point | undefined {
  const raw: unknown = metrics[curve.kind];
  // Accuracy is drawn on its own linear 0…1 axis: the log setting is for losses.
  if (!isDrawable(raw, options.logScale && curve.kind !== 'val_acc')) return undefined;
  curve.smoothed = emaNext(curve.smoothed, raw, options.smoothing);
  const point = { x: metrics.epoch, y: curve.smoothed };
  curve.points.push(point);
  return point;
}

export function curveKey(sweepDir: string, trialId: string, kind: CurveKind): string {
  return `${sweepDir}\n${trialId}\n${kind}`;
}

export function trialCurve(sweep: SweepSnapshot, trial: TrialSnapshot, kind: CurveKind, options: CurveOptions): Curve {
  const curve: Curve = {
    key: curveKey(sweep.dir, trial.plan.id, kind),
    sweepDir: sweep.dir,
    trialId: trial.plan.id,
    ...(trial.plan.rate !== undefined ? { rate: trial.plan.rate } : {}),
    seed: trial.plan.seed,
    kind,
    points: [],
  };
  for (const metrics of trial.epochs) appendEpoch(curve, metrics, options);
  return curve;
}

/** Loss curves of every trial, ordered by rate, then seed, then kind (val_loss before train_loss). */
export function lossCurves(sweep: SweepSnapshot, options: CurveOptions, kinds: readonly CurveKind[] = ['val_loss', 'train_loss']): Curve[] {
  return orderedTrials(sweep).flatMap((trial) => kinds.map((kind) => trialCurve(sweep, trial, kind, options)));
}

/** Validation accuracy curves; none for regression. Never on a log axis. */
export function accuracyCurves(sweep: SweepSnapshot, options: CurveOptions): Curve[] {
  if (sweep.task !== 'classification') return [];
  return orderedTrials(sweep).map((trial) => trialCurve(sweep, trial, 'val_acc', options));
}

/** Trials by input rate, rate, then seed: the order of curves, legends and tables. */
export function orderedTrials(sweep: SweepSnapshot): TrialSnapshot[] {
  return [...sweep.trials].sort((a, b) => compareConfigs(a.plan, b.plan) || a.plan.seed - b.plan.seed);
}
