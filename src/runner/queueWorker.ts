/**
 * `dropout-lab worker`: serves the trial queue on a Redis from any machine. Each slot is a BullMQ worker that runs
 * one job at a time in a trainer child process, through the same LocalTrainerPool (of one trainer) as a local sweep,
 * so a trial trains exactly as it would locally. Progress goes back as BullMQ progress events; the result (summary
 * and every epoch) as the job's return value; checkpoints and models through a Redis hash (trialArtifacts.ts).
 *
 * Failures: a trainer that dies fails the attempt (BullMQ retries it with backoff); a trial's own error (its spec,
 * its data, its module) is the job's result and is not retried; a worker that dies stops renewing its lock and
 * BullMQ hands the job to another worker.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { assertNever } from '../core/assertNever';
import type { BackendChoice, BackendInfo } from '../core/backend';
import { errorMessage } from '../core/errors';
import type { EpochMetrics, TrialPlacement, TrialSummary } from '../core/trial';
import {
  artifactsKey, cancelKey, isTrialJobData, queueKeyTtlSeconds, trialQueueName, type TrialJobData, type TrialJobProgress, type TrialJobResult,
} from '../protocol/queueJobs';
import { readTrialArtifacts, removeScratch, writeTrialArtifacts } from '../store/trialArtifacts';
import type { ExecutorEvent } from './executor';
import { LocalTrainerPool } from './localTrainerPool';
import { shownRedisUrl } from '../core/redisUrl';
import { redisOptions } from './redisConnection';

export interface QueueWorkerOptions {
  redisUrl: string;
  slots: number;
  backend: BackendChoice;
  trainerPath: string;
  tfjsNodePath?: string;
  /** false (`--no-modules`): jobs whose spec has a builder module fail without running it. */
  allowModules: boolean;
  /** How long a job's lock lasts without renewal: a dead worker's job goes to another after about this long. */
  lockMs?: number;
  /** How often this worker looks for jobs whose lock lapsed. */
  stalledIntervalMs?: number;
  /** How often a running job looks whether its sweep was stopped. */
  cancelPollMs?: number;
  host?: string;
  log: (line: string) => void;
}

/** A job's trainer events, turned into the job's progress and result. */
interface RunningJob {
  job: Job;
  token: string | undefined;
  data: TrialJobData;
  where: TrialPlacement;
  epochs: EpochMetrics[];
  parameterCount?: number;
  /** Progress updates in the order they were sent: the result waits for them. */
  sent: Promise<unknown>;
  settle: (result: TrialJobResult | Error) => void;
}

class WorkerSlot {
  readonly worker: Worker;
  private pool: LocalTrainerPool | undefined;
  private poolSweep: string | undefined;
  private backend: { info: BackendInfo; pid: number } | undefined;
  private running: RunningJob | undefined;
  private whenFree: ((error?: Error) => void) | undefined;
  /** Ctrl-C twice: the running job goes back to the queue for another worker. */
  private handingBack = false;

  constructor(
    private readonly slot: number, private readonly options: QueueWorkerOptions, private readonly redis: Redis, private readonly scratchRoot: string,
  ) {
    this.worker = new Worker(trialQueueName, (job, token) => this.process(job, token), {
      connection: redisOptions(options.redisUrl), concurrency: 1, name: `${this.host}:${process.pid}:${slot}`,
      lockDuration: options.lockMs ?? 30_000, stalledInterval: options.stalledIntervalMs ?? 30_000, maxStalledCount: 3,
    });
    this.worker.on('error', (error) => options.log(`slot ${slot}: ${errorMessage(error)}`));
  }

  private get host(): string {
    return this.options.host ?? os.hostname();
  }

  /** Trainers still running their jobs are stopped; their jobs go back to the queue (a second Ctrl-C). */
  handBack(): void {
    this.handingBack = true;
    this.pool?.abort();
  }

  dispose(): void {
    this.pool?.dispose();
  }

  private async process(job: Job, token: string | undefined): Promise<TrialJobResult> {
    if (!isTrialJobData(job.data)) throw new UnrecoverableError(`job ${job.id} is not a Dropout Lab trial`);
    const data = job.data;
    if (await this.redis.exists(cancelKey(data.sweepId))) return { summary: cancelledSummary('its sweep was stopped before it started'), epochs: [] };
    if (data.spec.model.module && !this.options.allowModules) {
      throw new UnrecoverableError(`worker ${this.host} refuses builder modules (--no-modules): ${data.spec.model.module}`);
    }
    if (!fs.existsSync(data.specDir)) {
      throw new UnrecoverableError(
        `worker ${this.host} cannot see the spec's folder ${data.specDir}: the spec's own files must be at the same path on every worker`);
    }
    const sweepDir = path.join(this.scratchRoot, data.sweepId);
    if (data.resume) {
      const artifacts = await this.redis.hgetallBuffer(artifactsKey(data.sweepId, data.trial.id));
      writeTrialArtifacts(sweepDir, data.trial.id, artifacts);
    }
    const pool = await this.poolFor(data, sweepDir);
    const where: TrialPlacement = { host: this.host, slot: this.slot, attempt: Math.max(1, job.attemptsStarted) };
    this.options.log(`slot ${this.slot}: ${data.trial.id} of sweep ${data.sweepId} (attempt ${where.attempt})`);
    const poll = setInterval(() => {
      void this.redis.exists(cancelKey(data.sweepId)).then((stopped) => stopped && pool.cancel(), () => undefined);
    }, this.options.cancelPollMs ?? 500);
    let result: TrialJobResult | Error;
    try {
      result = await new Promise<TrialJobResult | Error>((settle) => {
        this.running = { job, token, data, where, epochs: [], sent: Promise.resolve(), settle };
        pool.run({ trial: data.trial, untilEpoch: data.untilEpoch, resume: data.resume, checkpoint: data.checkpoint });
      });
    } finally {
      clearInterval(poll);
      this.running = undefined;
    }
    if (result instanceof Error) throw result;
    await this.sendArtifacts(data, sweepDir);
    this.options.log(`slot ${this.slot}: ${data.trial.id} ${result.summary.status} after ${result.summary.epochs} epochs`);
    return result;
  }

  /** The trial's checkpoint and model, into Redis for the runner (and the worker that resumes it); the scratch copies go. */
  private async sendArtifacts(data: TrialJobData, sweepDir: string): Promise<void> {
    const artifacts = readTrialArtifacts(sweepDir, data.trial.id);
    removeScratch(path.join(sweepDir, 'models', data.trial.id));
    if (Object.keys(artifacts).length === 0) return;
    const key = artifactsKey(data.sweepId, data.trial.id);
    await this.redis.multi().del(key).hset(key, artifacts).expire(key, queueKeyTtlSeconds).exec();
  }

  /**
   * This slot's trainer, for `data`'s sweep: the same process for a sweep's jobs; a new one when the sweep changes
   * or the last one was stopped (a cancel closes its pool) or died.
   */
  private async poolFor(data: TrialJobData, sweepDir: string): Promise<LocalTrainerPool> {
    if (this.pool && this.poolSweep === data.sweepId && this.pool.freeSlots > 0) return this.pool;
    this.pool?.dispose();
    this.handingBack = false;
    this.poolSweep = data.sweepId;
    const pool = new LocalTrainerPool({
      size: 1, trainerPath: this.options.trainerPath, backend: this.options.backend, tfjsNodePath: this.options.tfjsNodePath,
      cancelGraceMs: 5000, memoryPollMs: 500, spec: data.spec, specDir: data.specDir, sweepDir,
    }, (event) => this.onEvent(pool, event));
    this.pool = pool;
    await new Promise<void>((resolve, reject) => (this.whenFree = (error) => (error ? reject(error) : resolve())));
    return pool;
  }

  private onEvent(pool: LocalTrainerPool, event: ExecutorEvent): void {
    if (pool !== this.pool) return;
    const running = this.running;
    switch (event.type) {
      case 'backendReady':
        this.backend = { info: event.backend, pid: event.pid };
        this.whenFree?.();
        this.whenFree = undefined;
        return;
      case 'trialStarted':
        if (!running) return;
        running.parameterCount = event.parameterCount;
        this.progress(running, {
          type: 'trialStarted', parameterCount: event.parameterCount, where: running.where,
          backend: this.backend!.info, pid: event.pid,
        });
        return;
      case 'epoch':
        if (!running) return;
        running.epochs.push(event.metrics);
        this.progress(running, { type: 'epoch', metrics: event.metrics, ...(event.endedAt !== undefined ? { endedAt: event.endedAt } : {}) });
        return;
      case 'trialEnded':
        if (!running) return;
        void running.sent.then(async () => running.settle(await this.outcome(running, event)));
        return;
      case 'log':
        this.options.log(`slot ${this.slot}: ${event.message}`);
        return;
      case 'unavailable':
        this.whenFree?.(new Error(`worker ${this.host} cannot start a trainer: ${event.reason}`));
        this.whenFree = undefined;
        this.pool = undefined;
        return;
      case 'stopped':
        if (this.pool === pool) this.pool = undefined;
        return;
      case 'queue':
      case 'lost':
        return; // a queue executor's events; a pool never sends them
      default:
        assertNever(event, 'executor event');
    }
  }

  /** A crashed trainer fails the attempt (BullMQ retries it); a job handed back goes to the queue; anything else is the result. */
  private async outcome(running: RunningJob, event: Extract<ExecutorEvent, { type: 'trialEnded' }>): Promise<TrialJobResult | Error> {
    if (this.handingBack) {
      await running.job.moveToWait(running.token);
      return new WaitingError();
    }
    if (event.crashed) return new Error(event.summary.error ?? 'the trainer process died');
    const { epochs, parameterCount, where } = running;
    return { summary: event.summary, epochs, ...(parameterCount !== undefined ? { parameterCount } : {}), where };
  }

  private progress(running: RunningJob, progress: TrialJobProgress): void {
    running.sent = running.sent.then(() => running.job.updateProgress(progress)).catch((error: unknown) => {
      this.options.log(`slot ${this.slot}: could not report progress of ${running.data.trial.id}: ${errorMessage(error)}`);
    });
  }
}

function cancelledSummary(error: string): TrialSummary {
  return { status: 'cancelled', epochs: 0, stoppedEarly: false, durationMs: 0, error };
}

/** `options.slots` BullMQ workers on one Redis, each with its own trainer process. */
export class QueueWorker {
  private readonly slots: WorkerSlot[] = [];
  private readonly redis: Redis;
  private readonly scratchRoot: string;

  constructor(options: QueueWorkerOptions) {
    this.redis = new Redis(redisOptions(options.redisUrl));
    this.redis.on('error', (error) => options.log(`redis: ${errorMessage(error)}`));
    this.scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-worker-'));
    for (let slot = 1; slot <= options.slots; slot++) this.slots.push(new WorkerSlot(slot, options, this.redis, this.scratchRoot));
    options.log(`worker ${options.host ?? os.hostname()}: ${options.slots} slot${options.slots === 1 ? '' : 's'} on ${shownRedisUrl(options.redisUrl)}`
      + `, backend ${options.backend}${options.allowModules ? '' : ', no builder modules'}`);
  }

  /** Resolves once every slot's worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.waitUntilReady()));
  }

  /**
   * Graceful: no new job is taken, running ones finish. With `handBack`, running jobs are stopped and go back to
   * the queue for other workers instead.
   */
  async close(handBack = false): Promise<void> {
    if (handBack) for (const slot of this.slots) slot.handBack();
    await Promise.all(this.slots.map((slot) => slot.worker.close()));
    for (const slot of this.slots) slot.dispose();
    this.redis.disconnect();
    removeScratch(this.scratchRoot);
  }
}
