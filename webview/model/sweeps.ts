/**
 * The sweeps a view knows (dir → SweepSnapshot) and how live SweepEvents change them.
 *
 * Events are applied in place: a running sweep receives up to ~20 batches a second and the charts extend their
 * curves from the returned changes, so copying snapshots per event would only make garbage. Pure otherwise: no DOM,
 * the clock is a parameter.
 */
import { assertNever } from '../../src/core/assertNever';
import { isSweepEvent, type SweepEvent } from '../../src/protocol/sweepEvents';
import { isTrialPlacement } from '../../src/protocol/guards';
import { type EpochMetrics, type TrialPlacement, type TrialState } from '../../src/core/trial';
import { type SweepSnapshot, type TrialSnapshot } from '../../src/protocol/webview';
import { comparedTrials } from '../../src/core/summary';
import type { TrialRecord } from '../../src/core/records';

/** What an event changed, for the views to redraw just that. */
export type SweepChange =
  | { kind: 'epoch'; trial: TrialSnapshot; metrics: EpochMetrics }
  | { kind: 'trial'; trial: TrialSnapshot }
  | { kind: 'sweep' };

const endedStates: ReadonlySet<TrialState> = new Set<TrialState>(['completed', 'cancelled', 'failed', 'interrupted']);

export function isTrialEnded(state: TrialState): boolean {
  return endedStates.has(state);
}

function findTrial(sweep: SweepSnapshot, trialId: string): TrialSnapshot | undefined {
  return sweep.trials.find((trial) => trial.plan.id === trialId);
}

/** Applies one event; returns what changed, or undefined when nothing did (unknown trial, replayed epoch, log line). */
export function applySweepEvent(sweep: SweepSnapshot, event: SweepEvent, now: Date): SweepChange | undefined {
  switch (event.type) {
    case 'sweepStarted':
    case 'log':
      // The host sends sweepStarted as its own message with the whole snapshot; logs are not drawn.
      return undefined;
    case 'backendReady':
      if (sweep.backend === event.backend.name) return undefined;
      sweep.backend = event.backend.name;
      return { kind: 'sweep' };
    case 'trialStarted': {
      const trial = findTrial(sweep, event.trialId);
      if (!trial) return undefined;
      // A queue executor's trial taken up again by another worker (its first one died) starts while it runs.
      const { where } = event;
      const moved = isTrialPlacement(where) && !samePlacement(trial.where, where);
      if (moved) trial.where = { host: where.host, slot: where.slot, attempt: where.attempt };
      if (trial.state === 'running' && !moved) return undefined;
      trial.state = 'running';
      return { kind: 'trial', trial };
    }
    case 'epoch': {
      const trial = findTrial(sweep, event.trialId);
      if (!trial) return undefined;
      const last = trial.epochs[trial.epochs.length - 1];
      // A snapshot taken while events were in flight may already hold this epoch: keep epochs strictly increasing.
      if (last && event.metrics.epoch <= last.epoch) return undefined;
      trial.epochs.push(event.metrics);
      if (trial.state === 'pending') trial.state = 'running';
      return { kind: 'epoch', trial, metrics: event.metrics };
    }
    case 'trialEnded': {
      const trial = findTrial(sweep, event.trialId);
      if (!trial) return undefined;
      trial.state = event.summary.status;
      trial.summary = event.summary;
      return { kind: 'trial', trial };
    }
    case 'rung': {
      const rungs = sweep.hyperband?.rungs;
      const { iteration, bracket, round } = event.rung;
      if (!rungs || rungs.some((rung) => rung.iteration === iteration && rung.bracket === bracket && rung.round === round)) return undefined;
      rungs.push(event.rung);
      return { kind: 'sweep' };
    }
    case 'sweepEnded':
      sweep.status = event.status;
      sweep.endedAt ??= now.toISOString();
      return { kind: 'sweep' };
    case 'queue': {
      const { workers, waiting, active } = event;
      if (sweep.queue && sweep.queue.workers === workers && sweep.queue.waiting === waiting && sweep.queue.active === active) return undefined;
      sweep.queue = { workers, waiting, active };
      return { kind: 'sweep' };
    }
    default:
      return assertNever(event, 'sweep event');
  }
}

function samePlacement(a: TrialPlacement | undefined, b: TrialPlacement): boolean {
  return a !== undefined && a.host === b.host && a.slot === b.slot && a.attempt === b.attempt;
}

/** Applies a batch, skipping what is not a valid SweepEvent. */
export function applySweepEvents(sweep: SweepSnapshot, events: readonly unknown[], now: Date): SweepChange[] {
  return events.flatMap((event) => (isSweepEvent(event) ? applySweepEvent(sweep, event, now) ?? [] : []));
}

/** The sweep a view is about: the one running, else the one started last. */
export function choosePrimary(sweeps: Iterable<SweepSnapshot>): SweepSnapshot | undefined {
  let primary: SweepSnapshot | undefined;
  for (const sweep of sweeps) {
    if (!primary) primary = sweep;
    else if ((sweep.status === 'running') !== (primary.status === 'running')) {
      if (sweep.status === 'running') primary = sweep;
    } else if (sweep.startedAt > primary.startedAt) primary = sweep;
  }
  return primary;
}

/**
 * `summarizeByRate` reads the store's TrialRecord; a snapshot trial has `state` where the record has `status`.
 * Diverged metrics arrive as null: they become NaN so that no summary reads them as 0.
 */
export function toTrialRecord(trial: TrialSnapshot): TrialRecord {
  return { plan: trial.plan, status: trial.state, epochs: trial.epochs.map(withNaNForNull), summary: trial.summary };
}

function withNaNForNull(metrics: EpochMetrics): EpochMetrics {
  const values = metrics as unknown as Record<string, unknown>;
  // Called for every epoch on every summary: look without allocating, copy only the rare diverged epoch.
  let hasNull = false;
  for (const key in values) if (values[key] === null) hasNull = true;
  if (!hasNull) return metrics;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value === null ? NaN : value])) as unknown as EpochMetrics;
}

/**
 * The trials a sweep's rates are compared over, as the CLI compares them: all of them, except with Hyperband only
 * those trained to maxEpochs (a trial stopped after one epoch says little about its rate).
 */
export function comparedOf(sweep: SweepSnapshot): TrialSnapshot[] {
  return comparedTrials(sweep.trials, { sweep: { strategy: sweep.strategy, maxEpochs: sweep.hyperband?.maxEpochs } });
}
