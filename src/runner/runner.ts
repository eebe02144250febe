/**
 * Runs a sweep: trials over a pool of trainer child processes, every event appended to the run store and handed
 * to the listener. A trainer that dies fails only its own trial; the sweep goes on with a fresh trainer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { formatBytes } from '../engine/model/estimate';
import { maxTrialEpochs, planHyperband, planTrials } from '../engine/sweep/plan';
import type { ExperimentSpec } from '../engine/spec/types';
import { assertNever } from '../protocol/assertNever';
import {
  isTrainerEvent, type BackendChoice, type SweepEvent, type SweepStatus, type TrainerCommand, type TrainerEvent,
  type TrialPlan, type TrialSummary, tfjsNodePathEnv,
} from '../protocol/messages';
import { checkpointPaths, defaultRunsRoot, newSweepId, specHash, sweepDir } from '../store/layout';
import { loadSweep } from '../store/reader';
import { bestRate, comparedTrials, summarizeByRate } from '../store/summary';
import { storeFormat } from '../store/types';
import { SweepWriter, type TrialWriter } from '../store/writer';
import { HyperbandScheduler, type RoundOutcome, type SweepJob } from './hyperbandScheduler';
import { residentBytes } from './memoryWatch';
import { version as dropoutLabVersion } from '../../package.json';

export interface SweepOptions {
  spec: ExperimentSpec;
  /** The spec file; CSV paths resolve against its folder, and runs go next to it by default. */
  specPath: string;
  /** The spec file's text, hashed into the manifest. */
  specText: string;
  runsRoot?: string;
  backend?: BackendChoice;
  /** Trainer processes; default: the number of cores, capped by the number of trials. */
  workers?: number;
  /** Run only these rates of the sweep. */
  rates?: number[];
  /** A tfjs-node installed outside node_modules (see nativeBackend.ts), handed to the trainers. */
  tfjsNodePath?: string;
  /** The bundled trainer entry; default: `trainer.js` next to this bundle. */
  trainerPath?: string;
  /** How long cancel waits for trainers to stop at a batch boundary before killing them. */
  cancelGraceMs?: number;
  /** A trainer whose resident memory exceeds this while it trains is killed and its trial fails; default: no limit. */
  maxMemoryMB?: number;
  /** How often the trainers' memory is sampled. */
  memoryPollMs?: number;
  /** Extra versions recorded in the manifest (e.g. the extension's). */
  versions?: Record<string, string>;
  onEvent?: (event: SweepEvent) => void;
}

export interface SweepRun {
  readonly id: string;
  readonly dir: string;
  readonly trials: readonly TrialPlan[];
  /** Graceful: trainers stop at the next batch and keep what they trained; stragglers are killed after a grace period. */
  cancel(): void;
  /** Resolves when every trainer has exited and the manifest holds the final status. */
  readonly finished: Promise<SweepStatus>;
}

interface Worker {
  index: number;
  child: ChildProcess;
  ready: boolean;
  trial?: TrialPlan;
  job?: SweepJob;
  writer?: TrialWriter;
  /** Epochs of the current trial stored so far. */
  epochs: number;
  /** The last error a trainer reported before exiting. */
  fatal?: string;
  /** Why the runner killed it for its memory: the failed trial's error. */
  overMemory?: string;
}

export function startSweep(options: SweepOptions): SweepRun {
  const specPath = path.resolve(options.specPath);
  const { spec } = options;
  const hyperband = spec.sweep.strategy === 'hyperband' ? planHyperband(spec) : undefined;
  if (hyperband && options.rates) throw new Error('a hyperband sweep cannot be narrowed to some rates; run it whole, or use strategy "grid"');
  const trials = hyperband?.trials ?? planTrials(spec, options.rates);
  const scheduler = hyperband ? new HyperbandScheduler(hyperband, spec.sweep.objective) : undefined;
  // Hyperband never has more trials in flight than its largest round.
  const parallelTrials = hyperband ? Math.max(...hyperband.brackets.map((bracket) => bracket.rounds[0]!.trials)) : trials.length;
  const workerCount = Math.max(1, Math.min(options.workers ?? os.availableParallelism(), parallelTrials));
  const id = newSweepId();
  const dir = sweepDir(options.runsRoot ?? defaultRunsRoot(specPath), options.spec.name, id);
  const trainerPath = options.trainerPath ?? path.join(__dirname, 'trainer.js');
  const backend = options.backend ?? 'auto';
  const emit = (event: SweepEvent): void => options.onEvent?.(event);
  const trainerEnv = options.tfjsNodePath ? { ...process.env, [tfjsNodePathEnv]: options.tfjsNodePath } : process.env;

  const writer = SweepWriter.create(dir, {
    format: storeFormat, id, experiment: options.spec.name, specPath, specHash: specHash(options.specText),
    spec: options.spec, trials, workers: workerCount,
    versions: { 'dropout-lab': dropoutLabVersion, node: process.versions.node, ...options.versions },
    runnerPid: process.pid, status: 'running', startedAt: new Date().toISOString(), strategy: spec.sweep.strategy,
    ...(scheduler ? { rungs: [] } : {}),
  });

  const queue: SweepJob[] = scheduler ? scheduler.start() : trials.map((trial) => ({ trial, resume: false, checkpoint: false }));
  const workers = new Set<Worker>();
  /** Hyperband: trainers waiting for the round in flight to end before there is more to do. */
  const idle = new Set<Worker>();
  const startedTrials = new Set<string>();
  const startedAt = Date.now();
  const deadline = spec.sweep.maxMinutes === undefined ? Infinity : startedAt + spec.sweep.maxMinutes * 60_000;
  const ended = new Map<string, TrialSummary>();
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const memoryTimer = options.maxMemoryMB === undefined ? undefined : setInterval(checkMemory, options.memoryPollMs ?? 500);
  let spawned = 0;
  let resolveFinished!: (status: SweepStatus) => void;
  const finished = new Promise<SweepStatus>((resolve) => (resolveFinished = resolve));

  /** The trainer exits when its IPC channel closes. */
  function release(worker: Worker): void {
    if (worker.child.connected) worker.child.disconnect();
  }

  function send(worker: Worker, command: TrainerCommand): void {
    if (worker.child.connected) worker.child.send(command);
  }

  function endTrial(worker: Worker, summary: TrialSummary): void {
    const trial = worker.trial!;
    (worker.writer ?? writer.openTrial(trial)).finish(summary);
    worker.trial = undefined;
    worker.job = undefined;
    worker.writer = undefined;
    ended.set(trial.id, summary);
    emit({ type: 'trialEnded', trialId: trial.id, summary });
    if (summary.status === 'failed') emit({ type: 'log', level: 'error', message: `trial ${trial.id} failed: ${summary.error}` });
    if (scheduler) onRoundOutcome(scheduler.jobEnded(trial.id, summary.status === 'completed'));
  }

  /** Hyperband: records a decided rung, marks the trials it stops, queues the next round and wakes idle trainers. */
  function onRoundOutcome({ jobs, rung }: RoundOutcome): void {
    if (rung) {
      writer.update({ rungs: [...(writer.current.rungs ?? []), rung] });
      for (const id of rung.stopped) {
        removeCheckpoint(id);
        const summary = ended.get(id);
        const trial = trials.find((plan) => plan.id === id);
        if (!summary || !trial) continue;
        const stoppedSummary: TrialSummary = { ...summary, stoppedByStrategy: true };
        writer.appendSummary(trial, stoppedSummary);
        ended.set(id, stoppedSummary);
        emit({ type: 'trialEnded', trialId: id, summary: stoppedSummary });
      }
      emit({
        type: 'log', level: 'info',
        message: `hyperband bracket ${rung.bracket} round ${rung.round} (${rung.epochs} epochs): ${rung.promoted.length} promoted, ${rung.stopped.length} stopped`,
      });
    }
    queue.push(...jobs);
    for (const worker of [...idle]) {
      idle.delete(worker);
      dispatch(worker);
    }
  }

  /** A stopped trial is never resumed: its checkpoint (weights and optimizer slots, megabytes for MNIST) goes. */
  function removeCheckpoint(trialId: string): void {
    const { json, bin } = checkpointPaths(dir, trialId);
    fs.rmSync(json, { force: true });
    fs.rmSync(bin, { force: true });
  }

  /** Kills every trainer whose resident memory is over the limit while it trains; its exit fails the trial. */
  function checkMemory(): void {
    const limitBytes = options.maxMemoryMB! * 2 ** 20;
    for (const worker of workers) {
      const pid = worker.child.pid;
      if (!worker.trial || pid === undefined || worker.overMemory) continue;
      void residentBytes(pid).then((bytes) => {
        if (bytes === undefined || bytes <= limitBytes || !worker.trial || worker.overMemory) return;
        worker.overMemory = `trainer used ${formatBytes(bytes)}, limit ${formatBytes(limitBytes)}; it was stopped (raise --max-memory-mb or the setting dropoutLab.limits.maxMemoryMB)`;
        emit({ type: 'log', level: 'error', message: `trainer ${worker.index} (pid ${pid}): ${worker.overMemory}` });
        worker.child.kill('SIGKILL');
      });
    }
  }

  /** Whether a budget forbids this job now; a trial already started may always be resumed under maxTrials. */
  function overBudget(job: SweepJob): 'maxTrials' | 'maxMinutes' | undefined {
    if (Date.now() >= deadline) return 'maxMinutes';
    const { maxTrials } = spec.sweep;
    if (!job.resume && maxTrials !== undefined && startedTrials.size >= maxTrials) return 'maxTrials';
    return undefined;
  }

  function nextJob(): SweepJob | undefined {
    while (!cancelled && queue.length > 0) {
      const job = queue.shift()!;
      const budget = overBudget(job);
      if (!budget) return job;
      if (!writer.current.budgetExhausted) {
        writer.update({ budgetExhausted: budget });
        emit({ type: 'log', level: 'warn', message: `sweep.${budget} reached: no more trials are started` });
      }
      if (budget === 'maxMinutes') scheduler?.stop();
      // The skipped trial stays pending in the store; Hyperband ranks its round without it.
      if (scheduler) onRoundOutcome(scheduler.jobEnded(job.trial.id, false));
    }
    return undefined;
  }

  function dispatch(worker: Worker): void {
    const job = nextJob();
    if (!job) {
      if (scheduler && !scheduler.done && !cancelled) idle.add(worker);
      else release(worker);
      return;
    }
    const { trial } = job;
    startedTrials.add(trial.id);
    worker.trial = trial;
    worker.job = job;
    worker.epochs = 0;
    const common = { trial, spec, specDir: path.dirname(specPath) };
    if (job.resume) send(worker, { type: 'resume', ...common, untilEpoch: job.untilEpoch!, checkpointDir: dir });
    else send(worker, { type: 'run', ...common, untilEpoch: job.untilEpoch, ...(job.checkpoint ? { checkpointDir: dir } : {}) });
  }

  /** Work left for a trainer: queued jobs, or Hyperband rounds still to come. */
  function moreToDo(): boolean {
    return !cancelled && (queue.length > 0 || (scheduler !== undefined && !scheduler.done));
  }

  function onTrainerEvent(worker: Worker, event: TrainerEvent): void {
    switch (event.type) {
      case 'ready':
        worker.ready = true;
        if (!writer.current.backend) writer.update({ backend: event.backend });
        emit({ type: 'backendReady', worker: worker.index, pid: worker.child.pid!, backend: event.backend });
        dispatch(worker);
        return;
      case 'trialStarted':
        if (worker.trial?.id !== event.trialId) return;
        worker.writer = writer.openTrial(worker.trial, event.parameterCount);
        emit({ type: 'trialStarted', trialId: event.trialId, worker: worker.index, pid: worker.child.pid!, parameterCount: event.parameterCount });
        return;
      case 'epoch':
        if (worker.trial?.id !== event.trialId) return;
        worker.writer?.epoch(event.metrics);
        worker.epochs = event.metrics.epoch;
        scheduler?.epoch(event.trialId, event.metrics);
        emit({ type: 'epoch', trialId: event.trialId, metrics: event.metrics, ...(event.endedAt !== undefined ? { endedAt: event.endedAt } : {}) });
        return;
      case 'trialEnded':
        if (worker.trial?.id !== event.trialId) return;
        endTrial(worker, event.summary);
        dispatch(worker);
        return;
      case 'fatal':
        worker.fatal = event.message;
        emit({ type: 'log', level: 'error', message: `trainer ${worker.index}: ${event.message}` });
        return;
      default:
        assertNever(event, 'trainer event');
    }
  }

  function spawnWorker(): void {
    const worker: Worker = {
      index: spawned++,
      child: fork(trainerPath, [backend], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [], env: trainerEnv }),
      ready: false,
      epochs: 0,
    };
    workers.add(worker);
    const log = (level: 'info' | 'warn') => (line: string) => line.trim() && emit({ type: 'log', level, message: `trainer ${worker.index}: ${line}` });
    readline.createInterface({ input: worker.child.stdout! }).on('line', log('info'));
    readline.createInterface({ input: worker.child.stderr! }).on('line', log('warn'));
    worker.child.on('message', (message: unknown) => {
      if (isTrainerEvent(message)) onTrainerEvent(worker, message);
      else emit({ type: 'log', level: 'warn', message: `trainer ${worker.index}: dropped a malformed event` });
    });
    worker.child.on('error', (error) => { worker.fatal ??= error.message; });
    worker.child.on('exit', (code, signal) => onWorkerExit(worker, code, signal));
  }

  function onWorkerExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    workers.delete(worker);
    idle.delete(worker);
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    if (worker.trial) {
      endTrial(worker, {
        status: cancelled ? 'cancelled' : 'failed', epochs: worker.epochs, stoppedEarly: false, durationMs: 0,
        error: worker.overMemory ?? `the trainer process ${how}${worker.fatal ? `: ${worker.fatal}` : ''}`,
      });
    }
    if (!worker.ready && moreToDo() && ![...workers].some((other) => other.ready)) {
      // The backend itself cannot start: every remaining trial would fail the same way.
      scheduler?.stop();
      while (queue.length > 0) {
        worker.trial = queue.shift()!.trial;
        endTrial(worker, { status: 'failed', epochs: 0, stoppedEarly: false, durationMs: 0, error: `the trainer could not start: ${worker.fatal ?? how}` });
      }
    } else if (worker.ready && moreToDo()) {
      spawnWorker(); // replace a trainer that crashed (or was stopped for its memory) mid-sweep
    }
    if (workers.size === 0) finish();
  }

  function finish(): void {
    clearTimeout(killTimer);
    clearInterval(memoryTimer);
    // Checkpoints only serve promotions within this sweep; the run keeps its JSONL curves.
    fs.rmSync(path.join(dir, 'checkpoints'), { recursive: true, force: true });
    const summaries = [...ended.values()];
    let status: SweepStatus;
    if (cancelled) status = 'cancelled';
    else if (summaries.length > 0 && summaries.every((summary) => summary.status === 'failed')) status = 'failed';
    else status = 'completed';
    const best = bestRate(summarizeByRate(comparedTrials(loadSweep(dir).trials, spec)), spec.sweep.objective);
    writer.update({ status, endedAt: new Date().toISOString(), ...(best ? { best: { rate: best.rate, val_loss: best.bestValLoss.mean } } : {}) });
    emit({ type: 'sweepEnded', status });
    resolveFinished(status);
  }

  setImmediate(() => {
    emit({ type: 'sweepStarted', sweepId: id, dir, experiment: spec.name, trials, epochs: maxTrialEpochs(spec), workers: workerCount });
    if (cancelled) finish();
    else for (let i = 0; i < workerCount; i++) spawnWorker();
  });

  return {
    id, dir, trials, finished,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      writer.update({ cancelRequestedAt: new Date().toISOString() });
      queue.length = 0;
      scheduler?.stop();
      idle.clear();
      for (const worker of workers) {
        if (worker.trial) send(worker, { type: 'cancel' });
        else release(worker);
      }
      killTimer = setTimeout(() => {
        for (const worker of workers) worker.child.kill('SIGKILL');
      }, options.cancelGraceMs ?? 5000);
    },
  };
}
