/**
 * Keeps a sweep's run store and its listener in step with what the executor reports. Each report is written to the
 * store before the listener hears it, so no view shows what the store does not hold. The first write the store
 * refuses (disk full, read-only folder) ends all writing, so nothing half-written reads as complete, and stops the
 * sweep through `onStoreFailure`: what trains after it could not be kept.
 */
import type { EpochMetrics, Rung, TrialPlan, TrialSummary } from '../core/trial';
import type { SweepEvent } from '../protocol/sweepEvents';
import { removeCheckpoint } from '../store/checkpoints';
import { StoreWriteError, type SweepWriter, type TrialWriter } from '../store/writer';

/**
 * The epochs the store holds, by trial id and epoch number: an interrupted trial's (resume) and each epoch as it is
 * written. A trial trained again from its seed (resume, or a queue job re-run after its worker died; training is
 * deterministic for a seed and backend) does not write these again: the file keeps them byte for byte.
 */
export type StoredEpochs = Map<string, Map<number, EpochMetrics>>;

export interface SweepRecorderOptions {
  writer: SweepWriter;
  /** Every trial of the sweep (the executor names them by id). */
  trials: readonly TrialPlan[];
  storedEpochs: StoredEpochs;
  emit: (event: SweepEvent) => void;
  onStoreFailure: () => void;
}

type EventOf<T extends SweepEvent['type']> = Extract<SweepEvent, { type: T }>;

/** Whether a re-trained epoch matches the stored one, wall-clock time aside (JSON: NaN and null alike). */
function sameMetrics(stored: EpochMetrics, retrained: EpochMetrics): boolean {
  const { durationMs: _stored, ...a } = stored;
  const { durationMs: _retrained, ...b } = retrained;
  return JSON.stringify(a) === JSON.stringify(b);
}

export class SweepRecorder {
  readonly writer: SweepWriter;
  private readonly plans: Map<string, TrialPlan>;
  /** The open file of each trial a job is training. */
  private readonly trialWriters = new Map<string, TrialWriter>();
  /** How each trial this run trained ended (Hyperband: updated when a rung stops it). */
  private readonly outcomes = new Map<string, TrialSummary>();
  /** Resumed trials whose re-trained epochs differ from the stored ones (warned once each). */
  private readonly divergedReplays = new Set<string>();
  private failure: StoreWriteError | undefined;

  constructor(private readonly options: SweepRecorderOptions) {
    this.writer = options.writer;
    this.plans = new Map(options.trials.map((trial) => [trial.id, trial]));
  }

  /** The first write the store refused; the sweep failed as a whole. */
  get storeError(): StoreWriteError | undefined {
    return this.failure;
  }

  /** How this run's trials ended. */
  get summaries(): TrialSummary[] {
    return [...this.outcomes.values()];
  }

  /** A write to the run store, skipped once one has failed. */
  store(write: () => void): void {
    if (this.failure) return;
    try {
      write();
    } catch (error) {
      if (!(error instanceof StoreWriteError)) throw error;
      this.failure = error;
      this.log('error', `${error.message}. The sweep is stopped.`);
      this.options.onStoreFailure();
    }
  }

  emit(event: SweepEvent): void {
    this.options.emit(event);
  }

  log(level: EventOf<'log'>['level'], message: string): void {
    this.emit({ type: 'log', level, message });
  }

  /** The first trainer up names the sweep's backend in the manifest. */
  backendReady(event: EventOf<'backendReady'>): void {
    if (!this.writer.current.backend) this.store(() => this.writer.update({ backend: event.backend }));
    this.emit(event);
  }

  /** A job re-run after its worker died starts again in the file its first attempt opened. */
  trialStarted(event: EventOf<'trialStarted'>): void {
    const trial = this.plan(event.trialId);
    if (!this.trialWriters.has(trial.id)) this.store(() => this.trialWriters.set(trial.id, this.writer.openTrial(trial, event.parameterCount, event.where)));
    this.emit(event);
  }

  /** Stores and announces an epoch; false when it only re-trained one the store has (resume), which is skipped. */
  epoch(event: EventOf<'epoch'>): boolean {
    const { trialId, metrics } = event;
    const stored = this.options.storedEpochs.get(trialId)?.get(metrics.epoch);
    if (stored) {
      // Re-training a stored epoch only brings the trainer back to where it was.
      if (!sameMetrics(stored, metrics) && !this.divergedReplays.has(trialId)) {
        this.divergedReplays.add(trialId);
        this.log('warn', `trial ${trialId}: re-trained epoch ${metrics.epoch} differs from the stored one (another backend?); the stored epochs are kept`);
      }
      return false;
    }
    // Epochs are stored in order: one that skips ahead (a stale attempt's report, flushed late by a worker that lost
    // Redis) is left out; the attempt that counts reports it again in order, or its job's result does.
    const last = Math.max(0, ...(this.options.storedEpochs.get(trialId)?.keys() ?? []));
    if (metrics.epoch !== last + 1) {
      this.log('info', `trial ${trialId}: epoch ${metrics.epoch} arrived before epoch ${last + 1}; left out`);
      return false;
    }
    const trialWriter = this.trialWriters.get(trialId);
    if (!trialWriter) {
      // Its file could not be opened (the store failed), or an executor reported an epoch before the trial's start.
      if (!this.failure) this.log('warn', `trial ${trialId}: epoch ${metrics.epoch} came before the trial started; not stored`);
      return false;
    }
    this.store(() => trialWriter.epoch(metrics));
    // Stored now: the same epoch reported again (a job re-run on another worker) is compared with it, not written twice.
    let trialEpochs = this.options.storedEpochs.get(trialId);
    if (!trialEpochs) this.options.storedEpochs.set(trialId, (trialEpochs = new Map()));
    trialEpochs.set(metrics.epoch, metrics);
    this.emit(event);
    return true;
  }

  /** A job ended: its summary closes the trial's file (a trial that never started gets a header first). */
  trialEnded(trialId: string, summary: TrialSummary): void {
    const trial = this.plan(trialId);
    const trialWriter = this.trialWriters.get(trialId);
    this.trialWriters.delete(trialId);
    this.store(() => (trialWriter ?? this.writer.openTrial(trial)).finish(summary));
    trialWriter?.close();
    this.outcomes.set(trialId, summary);
    this.emit({ type: 'trialEnded', trialId, summary });
    if (summary.status === 'failed') this.log('error', `trial ${trialId} failed: ${summary.error}`);
  }

  /**
   * Hyperband decided a round: the rung goes into the manifest, the trials it stops are marked so (a summary line
   * saying so, a trialEnded to the listener) and lose their checkpoint, then the listener hears the rung.
   */
  rungDecided(rung: Rung): void {
    this.store(() => this.writer.update({ rungs: [...(this.writer.current.rungs ?? []), rung] }));
    for (const id of rung.stopped) {
      removeCheckpoint(this.writer.dir, id);
      const summary = this.outcomes.get(id);
      const trial = this.plans.get(id);
      if (!summary || !trial) continue;
      const stoppedSummary: TrialSummary = { ...summary, stoppedByStrategy: true };
      this.store(() => this.writer.appendSummary(trial, stoppedSummary));
      this.outcomes.set(id, stoppedSummary);
      this.emit({ type: 'trialEnded', trialId: id, summary: stoppedSummary });
    }
    this.emit({ type: 'rung', rung });
    this.log('info', `hyperband bracket ${rung.bracket} round ${rung.round} (${rung.epochs} epochs): `
      + `${rung.promoted.length} promoted, ${rung.stopped.length} stopped`);
  }

  /** A budget kept a trial from starting: said once, in the manifest (resume reads it) and to the listener. */
  budgetExhausted(budget: 'maxTrials' | 'maxMinutes'): void {
    if (this.writer.current.budgetExhausted) return;
    this.store(() => this.writer.update({ budgetExhausted: budget }));
    this.log('warn', `sweep.${budget} reached: no more trials are started`);
  }

  /** Kept so the time trainers took to stop can be read (endedAt − cancelRequestedAt). */
  cancelRequested(): void {
    this.store(() => this.writer.update({ cancelRequestedAt: new Date().toISOString() }));
  }

  private plan(trialId: string): TrialPlan {
    const trial = this.plans.get(trialId);
    if (!trial) throw new Error(`the executor reported trial ${trialId}, which is not in the sweep`);
    return trial;
  }
}
