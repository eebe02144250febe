/**
 * Guards for the domain values that cross a process or webview boundary. Receivers validate with them before
 * trusting a message; the message unions in this folder build their own guards on these.
 */
import type { EpochMetrics, Rung, SelectedEpoch, TrialPlacement, TrialPlan, TrialSummary } from '../core/trial';

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const isString = (value: unknown): value is string => typeof value === 'string';
/** Losses may legitimately be NaN or Infinity when training diverges; JSON carries those as null. */
const isMetric = (value: unknown): boolean => typeof value === 'number' || value === null;

export const isEpochCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;
export const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

/** A trial's value of each named hyperparameter: numbers, strings or booleans by name. */
function isHpAssignment(value: unknown): boolean {
  return isObject(value) && Object.values(value).every((item) => isFiniteNumber(item) || typeof item === 'string' || typeof item === 'boolean');
}

/** A configuration × seed: the rates when the sweep searches them, the named hyperparameters when it searches a space. */
export function isTrialPlan(value: unknown): value is TrialPlan {
  return isObject(value) && typeof value.id === 'string' && isFiniteNumber(value.seed) && isFiniteNumber(value.repeat)
    && (value.rate === undefined || isFiniteNumber(value.rate)) && (value.inputRate === undefined || isFiniteNumber(value.inputRate))
    && (value.hp === undefined || isHpAssignment(value.hp))
    && (value.rate !== undefined || value.hp !== undefined);
}

export function isEpochMetrics(value: unknown): value is EpochMetrics {
  return isObject(value) && isFiniteNumber(value.epoch) && isMetric(value.loss) && isMetric(value.val_loss)
    && isMetric(value.train_loss) && isFiniteNumber(value.durationMs);
}

export function isTrialSummary(value: unknown): value is TrialSummary {
  return isObject(value) && typeof value.status === 'string'
    && ['completed', 'cancelled', 'failed', 'interrupted'].includes(value.status)
    && isFiniteNumber(value.epochs) && typeof value.stoppedEarly === 'boolean' && isFiniteNumber(value.durationMs)
    && (value.selected === undefined || isSelectedEpoch(value.selected));
}

/** A trial's selected epoch: its value is finite by construction; a test loss may be null (non-finite), like a metric. */
function isSelectedEpoch(value: unknown): value is SelectedEpoch {
  return isObject(value) && isEpochCount(value.epoch) && isString(value.objective) && isString(value.rule) && isFiniteNumber(value.value)
    && (value.test === undefined || (isObject(value.test) && isMetric(value.test.loss) && isFiniteNumber(value.test.samples)));
}

/** Where a queue executor's trial ran: a worker's host, its slot and the attempt (1 first). */
export function isTrialPlacement(value: unknown): value is TrialPlacement {
  return isObject(value) && isString(value.host) && isFiniteNumber(value.slot) && isEpochCount(value.attempt);
}

export function isRung(value: unknown): value is Rung {
  return isObject(value) && isEpochCount(value.epochs) && [value.iteration, value.bracket, value.round].every(isFiniteNumber)
    && [value.trials, value.promoted, value.stopped, value.unranked].every(isStringArray);
}

// Payloads that trainer events and sweep events share.
export const hasBackend = (value: Json): boolean => isObject(value.backend) && typeof value.backend.name === 'string';
export const isEpochPayload = (value: Json): boolean => typeof value.trialId === 'string' && isEpochMetrics(value.metrics);
export const isTrialEndedPayload = (value: Json): boolean => typeof value.trialId === 'string' && isTrialSummary(value.summary);
