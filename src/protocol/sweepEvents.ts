/** What the runner tells its listeners (CLI progress, the extension, and through it the webviews). */
import type { BackendInfo } from '../core/backend';
import type { EpochMetrics, Rung, SweepStatus, TrialPlacement, TrialPlan, TrialSummary } from '../core/trial';
import { hasBackend, isEpochPayload, isFiniteNumber, isObject, isRung, isTrialEndedPayload } from './guards';

export type SweepEvent =
  /** `workers`: local trainers; `executor`: the Redis of a queue sweep (password-free), whose workers train instead. */
  | { type: 'sweepStarted'; sweepId: string; dir: string; experiment: string; trials: TrialPlan[]; epochs: number; workers: number; executor?: string }
  | { type: 'backendReady'; worker: number; pid: number; backend: BackendInfo }
  /** `where`: set by a queue executor — the worker's host, its slot and the job's attempt (1 first). */
  | { type: 'trialStarted'; trialId: string; worker: number; pid: number; parameterCount: number; where?: TrialPlacement }
  /** `endedAt` as the trainer stamped it: the bench measures the delay from an epoch's end to a listener. */
  | { type: 'epoch'; trialId: string; metrics: EpochMetrics; endedAt?: number }
  | { type: 'trialEnded'; trialId: string; summary: TrialSummary }
  /** Hyperband decided a round (after the trialEnded events of the trials it stops). */
  | { type: 'rung'; rung: Rung }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** A queue executor's state, when it changes: workers seen alive, jobs waiting, jobs running. */
  | { type: 'queue'; workers: number; waiting: number; active: number }
  | { type: 'sweepEnded'; status: SweepStatus };


const sweepStatuses: readonly unknown[] = ['running', 'completed', 'cancelled', 'failed', 'interrupted'];

/**
 * A view's guard (`isToPanelMessage`, `isToSideViewMessage`) checks a `sweepEvents` batch's envelope; the webviews
 * check each event in it with this before it touches their state. Event types a view does not know (a newer host) are not SweepEvents there and are skipped.
 */
export function isSweepEvent(value: unknown): value is SweepEvent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'sweepStarted':
    case 'log':
      return true;
    case 'backendReady':
      return hasBackend(value);
    case 'trialStarted':
      return typeof value.trialId === 'string';
    case 'epoch':
      return isEpochPayload(value);
    case 'trialEnded':
      return isTrialEndedPayload(value);
    case 'rung':
      return isRung(value.rung);
    case 'sweepEnded':
      return sweepStatuses.includes(value.status);
    case 'queue':
      return isFiniteNumber(value.workers) && isFiniteNumber(value.waiting) && isFiniteNumber(value.active);
    default:
      return false;
  }
}

