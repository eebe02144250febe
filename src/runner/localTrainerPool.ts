/**
 * The Executor that runs trials in trainer child processes on this machine (src/trainer/main.ts, forked with an
 * IPC channel), one trial at a time each. A trainer that dies fails only its own trial: the pool reports that
 * trial's end and starts a fresh trainer while there is work left. A trainer whose memory outgrows the limit is
 * killed the same way.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';
import { assertNever } from '../core/assertNever';
import type { BackendChoice } from '../core/backend';
import type { ExperimentSpec } from '../core/spec';
import { shownPath } from '../core/text';
import { formatBytes } from '../engine/model/estimate';
import { isTrainerEvent, moduleBuildTimeoutMs, tfjsNodePathEnv, type TrainerCommand, type TrainerEvent } from '../protocol/trainer';
import { datasetCacheDir, runsRootOfSweep, trialModelDir } from '../store/layout';
import type { Executor, ExecutorEvent } from './executor';
import { residentBytes } from './memoryWatch';
import type { SweepJob } from './scheduler';

export interface LocalTrainerPoolOptions {
  /** Trainer processes kept running while there is work. */
  size: number;
  /** The trainer entry (dist/trainer.js, or a test's wrapper of it). */
  trainerPath: string;
  backend: BackendChoice;
  /** A tfjs-node installed outside node_modules (see nativeBackend.ts), handed to the trainers. */
  tfjsNodePath?: string;
  /** How long cancel waits for trainers to stop at a batch boundary before killing them. */
  cancelGraceMs: number;
  /** A trainer whose resident memory exceeds this while it trains is killed and its trial fails. */
  maxMemoryMB?: number;
  /** How long a trial's builder module may take to build before its trainer is killed; default moduleBuildTimeoutMs. */
  buildTimeoutMs?: number;
  memoryPollMs: number;
  /** What every trainer command carries besides the job: the spec, the folder its paths resolve against, the sweep's folder. */
  spec: ExperimentSpec;
  specDir: string;
  sweepDir: string;
}

/** One trainer process and what it is doing. */
interface Trainer {
  index: number;
  child: ChildProcess;
  /** Its backend is up: it takes jobs. */
  ready: boolean;
  job?: SweepJob;
  /** The last epoch of the current job reported so far (what a failed trial's summary says it reached). */
  epochs: number;
  /** The last error the trainer reported before exiting. */
  fatal?: string;
  /** Why the pool killed it for its memory: the failed trial's error. */
  overMemory?: string;
  /** Running while its trial's builder module is built: the build is stopped (the trainer killed) when it fires. */
  buildTimer?: NodeJS.Timeout;
  /** Why the pool killed it while building: the failed trial's error. */
  buildHung?: string;
}

/** The command that trains `job`: from the start, or from its checkpoint in the sweep folder (a Hyperband promotion). */
function trainerCommand(job: SweepJob, options: LocalTrainerPoolOptions): TrainerCommand {
  const { trial } = job;
  const common = {
    trial, spec: options.spec, specDir: options.specDir, modelDir: trialModelDir(options.sweepDir, trial.id),
    dataCacheDir: datasetCacheDir(runsRootOfSweep(options.sweepDir)),
  };
  if (job.resume) return { type: 'resume', ...common, untilEpoch: job.untilEpoch!, checkpointDir: options.sweepDir };
  return { type: 'run', ...common, untilEpoch: job.untilEpoch, ...(job.checkpoint ? { checkpointDir: options.sweepDir } : {}) };
}

export class LocalTrainerPool implements Executor {
  private readonly trainers = new Set<Trainer>();
  /** Trainers that are up and have no job, longest waiting first: run() gives them work in that order. */
  private readonly free: Trainer[] = [];
  private spawned = 0;
  /** No more jobs will come: trainers go when they have none, and none is replaced. */
  private closed = false;
  /** Jobs that end because a trainer is stopped end `cancelled`, not `failed`. */
  private cancelled = false;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly memoryTimer: NodeJS.Timeout | undefined;
  private readonly env: NodeJS.ProcessEnv;

  /** Starts `options.size` trainers; `onEvent` hears from them from the next tick on. */
  constructor(private readonly options: LocalTrainerPoolOptions, private readonly onEvent: (event: ExecutorEvent) => void) {
    this.env = options.tfjsNodePath ? { ...process.env, [tfjsNodePathEnv]: options.tfjsNodePath } : process.env;
    if (options.maxMemoryMB !== undefined) this.memoryTimer = setInterval(() => this.checkMemory(options.maxMemoryMB!), options.memoryPollMs);
    for (let i = 0; i < options.size; i++) this.spawn();
  }

  get freeSlots(): number {
    return this.free.length;
  }

  run(job: SweepJob): void {
    const trainer = this.free.shift();
    if (!trainer) throw new Error(`no free trainer for ${job.trial.id}`);
    trainer.job = job;
    trainer.epochs = 0;
    this.send(trainer, trainerCommand(job, this.options));
  }

  close(): void {
    this.closed = true;
    for (const trainer of this.free.splice(0)) this.release(trainer);
  }

  cancel(): void {
    this.close();
    this.cancelled = true;
    for (const trainer of this.trainers) {
      if (trainer.job) this.send(trainer, { type: 'cancel' });
      else this.release(trainer); // still starting its backend
    }
    this.killTimer = setTimeout(() => this.killAll(), this.options.cancelGraceMs);
  }

  abort(): void {
    this.close();
    this.cancelled = true;
    this.killAll();
  }

  dispose(): void {
    clearTimeout(this.killTimer);
    clearInterval(this.memoryTimer);
    this.killAll();
  }

  private killAll(): void {
    for (const trainer of this.trainers) trainer.child.kill('SIGKILL');
  }

  /** The trainer exits when its IPC channel closes. */
  private release(trainer: Trainer): void {
    if (trainer.child.connected) trainer.child.disconnect();
  }

  private send(trainer: Trainer, command: TrainerCommand): void {
    if (trainer.child.connected) trainer.child.send(command);
  }

  /** A trainer without a job: it waits for run(), or goes when no job will come. */
  private becameFree(trainer: Trainer): void {
    if (this.closed) this.release(trainer);
    else this.free.push(trainer);
  }

  private spawn(): void {
    const trainer: Trainer = {
      index: this.spawned++,
      child: fork(this.options.trainerPath, [this.options.backend], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [], env: this.env }),
      ready: false,
      epochs: 0,
    };
    this.trainers.add(trainer);
    const log = (level: 'info' | 'warn') => (line: string) => line.trim() && this.onEvent({ type: 'log', level, message: `trainer ${trainer.index}: ${line}` });
    readline.createInterface({ input: trainer.child.stdout! }).on('line', log('info'));
    readline.createInterface({ input: trainer.child.stderr! }).on('line', log('warn'));
    trainer.child.on('message', (message: unknown) => {
      if (isTrainerEvent(message)) this.onTrainerEvent(trainer, message);
      else this.onEvent({ type: 'log', level: 'warn', message: `trainer ${trainer.index}: dropped a malformed event` });
    });
    trainer.child.on('error', (error) => { trainer.fatal ??= error.message; });
    trainer.child.on('exit', (code, signal) => this.onExit(trainer, code, signal));
  }

  private onTrainerEvent(trainer: Trainer, event: TrainerEvent): void {
    const pid = trainer.child.pid!;
    switch (event.type) {
      case 'ready':
        trainer.ready = true;
        // Free before it is announced, so the listener can give it a job straight away.
        this.becameFree(trainer);
        this.onEvent({ type: 'backendReady', worker: trainer.index, pid, backend: event.backend });
        return;
      case 'building': {
        if (trainer.job?.trial.id !== event.trialId) return;
        const timeoutMs = this.options.buildTimeoutMs ?? moduleBuildTimeoutMs;
        trainer.buildTimer = setTimeout(() => {
          const module = shownPath(this.options.spec.model.module ?? '');
          trainer.buildHung = `${module}: build() did not return within ${timeoutMs / 1000} s; its trainer was stopped`;
          this.onEvent({ type: 'log', level: 'error', message: `trainer ${trainer.index}: ${trainer.buildHung}` });
          trainer.child.kill('SIGKILL');
        }, timeoutMs);
        return;
      }
      case 'trialStarted':
        clearTimeout(trainer.buildTimer);
        // Events of a trial this trainer no longer runs (it was cancelled and given no other) are stale.
        if (trainer.job?.trial.id !== event.trialId) return;
        this.onEvent({ type: 'trialStarted', trialId: event.trialId, worker: trainer.index, pid, parameterCount: event.parameterCount });
        return;
      case 'epoch':
        if (trainer.job?.trial.id !== event.trialId) return;
        trainer.epochs = event.metrics.epoch;
        this.onEvent({ type: 'epoch', trialId: event.trialId, metrics: event.metrics, ...(event.endedAt !== undefined ? { endedAt: event.endedAt } : {}) });
        return;
      case 'trialEnded':
        clearTimeout(trainer.buildTimer);
        if (trainer.job?.trial.id !== event.trialId) return;
        trainer.job = undefined;
        this.becameFree(trainer);
        this.onEvent({ type: 'trialEnded', trialId: event.trialId, summary: event.summary });
        return;
      case 'fatal':
        trainer.fatal = event.message;
        this.onEvent({ type: 'log', level: 'error', message: `trainer ${trainer.index}: ${event.message}` });
        return;
      case 'discovered':
      case 'discoveryFailed':
        // Answers to `discover`, which only moduleDiscovery.ts sends (to a trainer of its own).
        this.onEvent({ type: 'log', level: 'warn', message: `trainer ${trainer.index}: dropped an unasked ${event.type} event` });
        return;
      default:
        assertNever(event, 'trainer event');
    }
  }

  private onExit(trainer: Trainer, code: number | null, signal: NodeJS.Signals | null): void {
    this.trainers.delete(trainer);
    clearTimeout(trainer.buildTimer);
    const at = this.free.indexOf(trainer);
    if (at >= 0) this.free.splice(at, 1);
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    if (trainer.job) {
      const { trial } = trainer.job;
      trainer.job = undefined;
      const crashed = !this.cancelled && !trainer.overMemory && !trainer.buildHung;
      this.onEvent({
        type: 'trialEnded', trialId: trial.id, ...(crashed ? { crashed } : {}),
        summary: {
          status: this.cancelled ? 'cancelled' : 'failed', epochs: trainer.epochs, stoppedEarly: false, durationMs: 0,
          error: trainer.overMemory ?? trainer.buildHung ?? `the trainer process ${how}${trainer.fatal ? `: ${trainer.fatal}` : ''}`,
        },
      });
    }
    // Read after the trial's end was heard: that end may have closed the pool (it was the last job) or not.
    if (!trainer.ready && !this.closed && ![...this.trainers].some((other) => other.ready)) {
      // The backend itself cannot start: every remaining trial would fail the same way.
      this.onEvent({ type: 'unavailable', reason: `the trainer could not start: ${trainer.fatal ?? how}` });
    } else if (trainer.ready && !this.closed) {
      this.spawn(); // replace a trainer that crashed (or was stopped for its memory) mid-sweep
    }
    if (this.trainers.size === 0) this.onEvent({ type: 'stopped' });
  }

  /** Kills every trainer whose resident memory is over the limit while it trains; its exit fails the trial. */
  private checkMemory(maxMemoryMB: number): void {
    const limitBytes = maxMemoryMB * 2 ** 20;
    for (const trainer of this.trainers) {
      const pid = trainer.child.pid;
      if (!trainer.job || pid === undefined || trainer.overMemory) continue;
      void residentBytes(pid).then((bytes) => {
        if (bytes === undefined || bytes <= limitBytes || !trainer.job || trainer.overMemory) return;
        trainer.overMemory = `trainer used ${formatBytes(bytes)}, limit ${formatBytes(limitBytes)}; `
          + 'it was stopped (raise --max-memory-mb or the setting dropoutLab.limits.maxMemoryMB)';
        this.onEvent({ type: 'log', level: 'error', message: `trainer ${trainer.index} (pid ${pid}): ${trainer.overMemory}` });
        trainer.child.kill('SIGKILL');
      });
    }
  }
}
