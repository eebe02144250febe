/**
 * The Executor whose trials run on `dropout-lab worker` processes anywhere, through a BullMQ queue on Redis. The
 * runner stays the one scheduler and the one writer: every job it is given becomes a BullMQ job with an idempotent
 * id (queueJobs.ts), and what the workers report (BullMQ progress events, then the job's result) becomes the same
 * executor events the local pool sends. A job re-run after its worker died reports its epochs again: the recorder
 * compares them with the stored ones and keeps one copy.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { errorMessage } from '../core/errors';
import type { ExperimentSpec } from '../core/spec';
import type { EpochMetrics, TrialSummary } from '../core/trial';
import {
  artifactsKey, cancelKey, isTrialJobProgress, isTrialJobResult, queueKeyTtlSeconds, trialJobId, trialQueueName, type TrialJobData,
  type TrialJobResult,
} from '../protocol/queueJobs';
import { writeTrialArtifacts } from '../store/trialArtifacts';
import type { Executor, ExecutorEvent } from './executor';
import { shownRedisUrl } from '../core/redisUrl';
import { redisOptions } from './redisConnection';
import type { SweepJob } from './scheduler';

export interface QueueExecutorOptions {
  redisUrl: string;
  sweepId: string;
  spec: ExperimentSpec;
  specDir: string;
  sweepDir: string;
  /** Attempts after the first when a trainer dies under a trial (a trial's own error is never retried). */
  maxRetries: number;
  /** How long Stop waits for running jobs to end `cancelled` before giving up on them. */
  cancelGraceMs: number;
  /** How often the queue's depth and Redis's health are read. */
  pollMs?: number;
  /** Redis unanswered this long with jobs in flight: the sweep is interrupted. */
  lostAfterMs?: number;
}

/** A job this executor added and has not seen end. */
interface TrackedJob {
  job: SweepJob;
  /** Epoch numbers already passed on (a re-run attempt reports them again). */
  epochs: Set<number>;
  lastEpoch: number;
  started: boolean;
}

export class QueueExecutor implements Executor {
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly redis: Redis;
  private readonly tracked = new Map<string, TrackedJob>();
  /** Worker processes (host:pid) seen running a trial, numbered as they appear. */
  private readonly workers = new Map<string, number>();
  /** Everything the executor does with Redis, in order: connecting first, then each add and each event. */
  private chain: Promise<void>;
  private closed = false;
  private cancelled = false;
  private ended = false;
  private lastContact = Date.now();
  private lastDepth = '';
  private readonly pollTimer: NodeJS.Timeout;
  private cancelTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: QueueExecutorOptions, private readonly onEvent: (event: ExecutorEvent) => void) {
    const connection = redisOptions(options.redisUrl);
    this.queue = new Queue(trialQueueName, { connection });
    this.events = new QueueEvents(trialQueueName, { connection });
    this.redis = new Redis(connection);
    // An outage is judged by poll(), not by each error a reconnecting client emits.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.redis.on('error', () => undefined);
    this.events.on('progress', ({ jobId, data }) => this.then(() => this.onProgress(jobId, data)));
    this.events.on('completed', ({ jobId }) => this.then(() => this.collect(jobId)));
    this.events.on('failed', ({ jobId, failedReason }) => this.then(() => this.onFailed(jobId, failedReason)));
    this.chain = Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]).then(() => undefined);
    this.pollTimer = setInterval(() => void this.poll(), options.pollMs ?? 1000);
  }

  /** Any number: every ready job goes into the queue, where workers take them as they free up. */
  get freeSlots(): number {
    return this.closed ? 0 : Number.MAX_SAFE_INTEGER;
  }

  run(job: SweepJob): void {
    const id = trialJobId(this.options.sweepId, job.trial.id, job.untilEpoch);
    this.tracked.set(id, { job, epochs: new Set(), lastEpoch: 0, started: false });
    const data: TrialJobData = {
      sweepId: this.options.sweepId, trial: job.trial, spec: this.options.spec, specDir: this.options.specDir,
      ...(job.untilEpoch !== undefined ? { untilEpoch: job.untilEpoch } : {}), resume: job.resume, checkpoint: job.checkpoint,
    };
    this.then(() => this.add(id, data));
  }

  close(): void {
    this.closed = true;
    this.endIfDone();
  }

  /** Jobs not yet taken are removed (their trials end `cancelled` with no epoch); workers stop running ones at their next batch. */
  cancel(): void {
    this.close();
    if (this.cancelled) return;
    this.cancelled = true;
    this.then(async () => {
      await this.redis.set(cancelKey(this.options.sweepId), '1', 'EX', queueKeyTtlSeconds);
      for (const [id, tracked] of [...this.tracked]) {
        const removed = await this.queue.remove(id).catch(() => 0);
        if (removed) this.end(id, tracked, { status: 'cancelled', epochs: 0, stoppedEarly: false, durationMs: 0, error: 'stopped before a worker took it' });
      }
    });
    this.cancelTimer = setTimeout(() => this.giveUp('stopped; its worker did not answer in time'), this.options.cancelGraceMs);
  }

  abort(): void {
    this.cancel();
    this.giveUp('the sweep was stopped');
  }

  dispose(): void {
    clearInterval(this.pollTimer);
    clearTimeout(this.cancelTimer);
    this.ended = true;
    this.redis.disconnect();
    // close() waits for Redis to answer: when it is gone (the sweep was lost) its clients would reconnect forever and
    // keep this process alive, so whatever has not closed within a second is disconnected.
    const closing = Promise.allSettled([this.events.close(), this.queue.close()]);
    const force = setTimeout(() => void Promise.allSettled([this.events.disconnect(), this.queue.disconnect()]), 1000);
    void closing.then(() => clearTimeout(force));
  }

  /** Runs `step` after everything before it; an error is said, not thrown (Redis may be gone: poll() judges that). */
  private then(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.onEvent({ type: 'log', level: 'warn', message: `queue ${shownRedisUrl(this.options.redisUrl)}: ${errorMessage(error)}` });
    });
  }

  /**
   * Adds the job, or finds the one a previous run of the sweep added (the same id): a finished one is collected now,
   * a failed one is tried again, a waiting or running one is followed.
   */
  private async add(id: string, data: TrialJobData): Promise<void> {
    const existing = await this.queue.getJob(id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed') return this.collect(id, existing);
      if (state !== 'failed') return;
      await existing.remove();
    }
    await this.queue.add('trial', data, {
      jobId: id, attempts: this.options.maxRetries + 1, backoff: { type: 'exponential', delay: 1000 }, removeOnFail: false, removeOnComplete: false,
    });
  }

  private onProgress(id: string, data: unknown): void {
    const tracked = this.tracked.get(id);
    if (!tracked || !isTrialJobProgress(data)) return;
    const trialId = tracked.job.trial.id;
    switch (data.type) {
      case 'trialStarted': {
        const worker = `${data.where.host}:${data.pid}`;
        if (!this.workers.has(worker)) {
          this.workers.set(worker, this.workers.size);
          this.onEvent({ type: 'backendReady', worker: this.workers.get(worker)!, pid: data.pid, backend: data.backend });
        }
        if (data.where.attempt > 1) {
          const { attempt, host, slot } = data.where;
          this.onEvent({ type: 'log', level: 'warn', message: `trial ${trialId}: attempt ${attempt}, on ${host} slot ${slot}` });
        }
        tracked.started = true;
        const { pid, parameterCount, where } = data;
        this.onEvent({ type: 'trialStarted', trialId, worker: this.workers.get(worker)!, pid, parameterCount, where });
        return;
      }
      case 'epoch':
        // Before its trialStarted: an attempt this runner never saw start (a worker that lost Redis and flushed its
        // reports late). The job's result brings every epoch of the attempt that counts.
        if (tracked.started) this.passEpoch(tracked, data.metrics, data.endedAt);
        return;
    }
  }

  private passEpoch(tracked: TrackedJob, metrics: EpochMetrics, endedAt?: number): void {
    if (tracked.epochs.has(metrics.epoch)) {
      // A re-run attempt: the recorder compares it with the stored epoch and keeps that one.
      this.onEvent({ type: 'epoch', trialId: tracked.job.trial.id, metrics });
      return;
    }
    tracked.epochs.add(metrics.epoch);
    tracked.lastEpoch = Math.max(tracked.lastEpoch, metrics.epoch);
    this.onEvent({ type: 'epoch', trialId: tracked.job.trial.id, metrics, ...(endedAt !== undefined ? { endedAt } : {}) });
  }

  /** A finished job: the epochs progress did not bring (missed while away), its artifacts into the sweep folder, its end. */
  private async collect(id: string, job?: Job): Promise<void> {
    const tracked = this.tracked.get(id);
    if (!tracked) return;
    const finished = job ?? await this.queue.getJob(id);
    const result: unknown = finished?.returnvalue;
    if (!isTrialJobResult(result)) {
      this.end(id, tracked, failedSummary(tracked, `job ${id} returned no readable result`));
      return;
    }
    this.replay(tracked, result);
    const key = artifactsKey(this.options.sweepId, tracked.job.trial.id);
    const artifacts = await this.redis.hgetallBuffer(key);
    writeTrialArtifacts(this.options.sweepDir, tracked.job.trial.id, artifacts);
    this.end(id, tracked, result.summary);
    await finished?.remove().catch(() => undefined);
  }

  private replay(tracked: TrackedJob, result: TrialJobResult): void {
    const trialId = tracked.job.trial.id;
    if (!tracked.started && result.epochs.length > 0) {
      tracked.started = true;
      const placement = result.where ? { where: result.where } : {};
      this.onEvent({ type: 'trialStarted', trialId, worker: -1, pid: 0, parameterCount: result.parameterCount ?? 0, ...placement });
    }
    // Every epoch, in order: the recorder keeps the stored ones and stores what progress did not bring.
    for (const metrics of result.epochs) this.passEpoch(tracked, metrics);
  }

  private onFailed(id: string, reason: string): void {
    const tracked = this.tracked.get(id);
    if (tracked) this.end(id, tracked, failedSummary(tracked, reason));
  }

  private end(id: string, tracked: TrackedJob, summary: TrialSummary): void {
    if (!this.tracked.delete(id)) return;
    this.onEvent({ type: 'trialEnded', trialId: tracked.job.trial.id, summary });
    this.endIfDone();
  }

  /** Jobs that never answered after Stop (or an abort) end `cancelled` with what they had reported. */
  private giveUp(error: string): void {
    for (const [id, tracked] of [...this.tracked]) {
      this.end(id, tracked, { status: 'cancelled', epochs: tracked.lastEpoch, stoppedEarly: false, durationMs: 0, error });
    }
  }

  private endIfDone(): void {
    if (!this.closed || this.tracked.size > 0 || this.ended) return;
    this.ended = true;
    // After the chain: the last job's removal and the cancel key's deletion go out before the runner disposes of us.
    this.then(async () => {
      await this.redis.del(cancelKey(this.options.sweepId));
      this.onEvent({ type: 'stopped' });
    });
  }

  /** Queue depth for the views, and Redis's health: unanswered for `lostAfterMs` with jobs in flight, the sweep is lost. */
  private async poll(): Promise<void> {
    const lostAfterMs = this.options.lostAfterMs ?? 15_000;
    try {
      const [counts, workers] = await withTimeout(
        Promise.all([this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), this.queue.getWorkers()]), Math.min(lostAfterMs, 5000));
      this.lastContact = Date.now();
      // BullMQ reports each worker's client name as `rawname`, `<prefix>:<queue base64>:w:<our name>`; ours is
      // host:pid:slot, so the distinct host:pid are the worker processes.
      const processes = new Set(workers.map((worker) => String(worker.rawname ?? '').split(':w:').at(-1)!.split(':').slice(0, 2).join(':')));
      const depth = { workers: processes.size, waiting: counts.waiting + counts.delayed + counts.prioritized, active: counts.active };
      const key = JSON.stringify(depth);
      if (key !== this.lastDepth && !this.ended) {
        this.lastDepth = key;
        this.onEvent({ type: 'queue', ...depth });
      }
    } catch (error) {
      if (this.ended || Date.now() - this.lastContact < lostAfterMs || this.tracked.size === 0) return;
      this.ended = true;
      clearInterval(this.pollTimer);
      this.onEvent({
        type: 'lost',
        reason: `Redis at ${shownRedisUrl(this.options.redisUrl)} has not answered for ${Math.round((Date.now() - this.lastContact) / 1000)} s `
          + `(${errorMessage(error)})`,
      });
    }
  }
}

function failedSummary(tracked: TrackedJob, error: string): TrialSummary {
  return { status: 'failed', epochs: tracked.lastEpoch, stoppedEarly: false, durationMs: 0, error };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error: unknown) => { clearTimeout(timer); reject(error as Error); });
  });
}
