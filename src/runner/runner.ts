/**
 * Runs a sweep: trials over a pool of trainer child processes, every event appended to the run store and handed
 * to the listener. A trainer that dies fails only its own trial; the sweep goes on with a fresh trainer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { configOf } from '../core/dropoutConfig';
import { formatBytes } from '../engine/model/estimate';
import { maxTrialEpochs, planHyperband, planTrials } from '../engine/sweep/plan';
import type { ExperimentSpec } from '../core/spec';
import { assertNever } from '../core/assertNever';
import { isTrainerEvent, type TrainerCommand, type TrainerEvent, tfjsNodePathEnv } from '../protocol/trainer';
import { type BackendChoice } from '../core/backend';
import { type EpochMetrics, type SweepStatus, type TrialPlan, type TrialSummary } from '../core/trial';
import { type SweepEvent } from '../protocol/sweepEvents';
import { chooseBestModel, publishBestModel } from '../store/bestModel';
import { checkpointPaths, defaultRunsRoot, modelsDir, trialModelDir } from '../store/layout';
import { newManifest } from '../store/manifest';
import { loadSweep } from '../store/reader';
import { bestRate, comparedTrials, objectiveOf, summarizeByRate } from '../core/summary';
import type { SweepRecord, TrialRecord } from '../core/records';
import { StoreWriteError, SweepWriter, type StoreFileSystem, type TrialWriter } from '../store/writer';
import { HyperbandScheduler, type RoundOutcome, type SweepJob } from './hyperbandScheduler';
import { residentBytes } from './memoryWatch';
import { version as dropoutLabVersion } from '../../package.json';

/** How a sweep's trainers run, whether it starts or resumes. */
export interface PoolOptions {
  backend?: BackendChoice;
  /** Trainer processes; default: the number of cores, capped by the number of trials. */
  workers?: number;
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
  /** The run store's file system: Node's, or in tests one whose writes fail. */
  storeFileSystem?: StoreFileSystem;
}

export interface SweepOptions extends PoolOptions {
  spec: ExperimentSpec;
  /** The spec file; CSV paths resolve against its folder, and runs go next to it by default. */
  specPath: string;
  /** The spec file's text, hashed into the manifest. */
  specText: string;
  runsRoot?: string;
  /** Run only these hidden rates of the sweep (with every input rate, when the sweep searches it). */
  rates?: number[];
}

export interface SweepRun {
  readonly id: string;
  readonly dir: string;
  readonly trials: readonly TrialPlan[];
  /** How many of `trials` this run trains: all of them, or a resumed sweep's unfinished ones. */
  readonly trialsToRun: number;
  /** Graceful: trainers stop at the next batch and keep what they trained; stragglers are killed after a grace period. */
  cancel(): void;
  /** Resolves when every trainer has exited and the manifest holds the final status. */
  readonly finished: Promise<SweepStatus>;
  /** Set when the sweep failed as a whole: the run store could not be written (the folder and errno are named). */
  readonly error: string | undefined;
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

/** What the pool of trainers works on: a new sweep, or the unfinished trials of an interrupted one. */
interface PoolSetup {
  spec: ExperimentSpec;
  specPath: string;
  writer: SweepWriter;
  trials: TrialPlan[];
  queue: SweepJob[];
  scheduler?: HyperbandScheduler;
  workerCount: number;
  /**
   * Resume: the epochs an interrupted trial had stored, by epoch number. The trial is trained again from its seed
   * (training is deterministic for a seed and backend) and these epochs are not written again: the file keeps
   * them byte for byte and continues after them.
   */
  storedEpochs: Map<string, Map<number, EpochMetrics>>;
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
  const workerCount = poolSize(options, parallelTrials);
  const writer = SweepWriter.createUnique(options.runsRoot ?? defaultRunsRoot(specPath), spec.name, (id) => newManifest({
    id, specPath, specText: options.specText, spec, trials, workers: workerCount,
    versions: { 'dropout-lab': dropoutLabVersion, node: process.versions.node, ...options.versions },
  }), options.storeFileSystem);
  const queue: SweepJob[] = scheduler ? scheduler.start() : trials.map((trial) => ({ trial, resume: false, checkpoint: false }));
  return runPool({ spec, specPath, writer, trials, queue, scheduler, workerCount, storedEpochs: new Map() }, options);
}

/** Trainer processes for `trials` trials in flight: the option, else one per core; never more than the trials. */
function poolSize(options: PoolOptions, trials: number): number {
  return Math.max(1, Math.min(options.workers ?? os.availableParallelism(), trials));
}

/** The trials `resume` runs: all but the completed ones and those a budget kept from starting (the budget's decision). */
export function unfinishedTrials(record: SweepRecord): TrialRecord[] {
  return record.trials.filter((trial) => trial.status !== 'completed' && !(trial.status === 'pending' && record.manifest.budgetExhausted));
}

/**
 * Continues an interrupted (or cancelled, or partly failed) sweep in its own folder: only its unfinished trials run;
 * completed trial files are not touched; an interrupted trial's stored epochs are kept and its file continues after them.
 */
export function resumeSweep(dir: string, options: PoolOptions = {}): SweepRun {
  const record = loadSweep(dir);
  const { manifest } = record;
  if (record.status === 'running') throw new Error(`${dir} is still running (runner pid ${manifest.runnerPid}); it can be resumed once it has stopped`);
  if (manifest.spec.sweep.strategy === 'hyperband') {
    throw new Error(`${dir} is a hyperband sweep, which cannot be resumed: its rounds rank trials as they end; run the spec again`);
  }
  const unfinished = unfinishedTrials(record);
  if (unfinished.length === 0) throw new Error(`${dir} has no unfinished trial to resume`);
  const writer = SweepWriter.reopen(dir, {
    ...manifest, status: 'running', runnerPid: process.pid, endedAt: undefined, cancelRequestedAt: undefined, error: undefined,
    best: undefined, resumedAt: [...(manifest.resumedAt ?? []), new Date().toISOString()],
  }, options.storeFileSystem);
  for (const trial of unfinished) writer.trimTornLine(trial.plan);
  const storedEpochs = new Map(unfinished.map((trial) => [trial.plan.id, new Map(trial.epochs.map((epoch) => [epoch.epoch, epoch]))]));
  const workerCount = poolSize(options, unfinished.length);
  const queue = unfinished.map((trial): SweepJob => ({ trial: trial.plan, resume: false, checkpoint: false }));
  return runPool({ spec: manifest.spec, specPath: manifest.specPath, writer, trials: manifest.trials, queue, workerCount, storedEpochs }, options);
}

/** Whether a re-trained epoch matches the stored one, wall-clock time aside (JSON: NaN and null alike). */
function sameMetrics(stored: EpochMetrics, retrained: EpochMetrics): boolean {
  const { durationMs: _stored, ...a } = stored;
  const { durationMs: _retrained, ...b } = retrained;
  return JSON.stringify(a) === JSON.stringify(b);
}

function runPool(setup: PoolSetup, options: PoolOptions): SweepRun {
  const { spec, specPath, writer, trials, queue, scheduler, workerCount, storedEpochs } = setup;
  const { id } = writer.current;
  const { dir } = writer;
  const trainerPath = options.trainerPath ?? path.join(__dirname, 'trainer.js');
  const backend = options.backend ?? 'auto';
  const emit = (event: SweepEvent): void => options.onEvent?.(event);
  const trainerEnv = options.tfjsNodePath ? { ...process.env, [tfjsNodePathEnv]: options.tfjsNodePath } : process.env;
  // Hyperband queues each round as the last one ends; otherwise the queue starts with every trial this run trains.
  const trialsToRun = scheduler ? trials.length : queue.length;

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
  /** The first write the run store refused. After it nothing more is written: nothing half-written reads as complete. */
  let storeError: StoreWriteError | undefined;
  /** Resumed trials whose re-trained epochs differ from the stored ones (warned once each). */
  const divergedReplays = new Set<string>();

  /** A write to the run store. If it fails (disk full, read-only folder) the sweep stops: what trains could not be kept. */
  function store(write: () => void): void {
    if (storeError) return;
    try {
      write();
    } catch (error) {
      if (!(error instanceof StoreWriteError)) throw error;
      storeError = error;
      emit({ type: 'log', level: 'error', message: `${error.message}. The sweep is stopped.` });
      cancelled = true;
      queue.length = 0;
      scheduler?.stop();
      idle.clear();
      for (const worker of workers) worker.child.kill('SIGKILL');
    }
  }

  /** The trainer exits when its IPC channel closes. */
  function release(worker: Worker): void {
    if (worker.child.connected) worker.child.disconnect();
  }

  function send(worker: Worker, command: TrainerCommand): void {
    if (worker.child.connected) worker.child.send(command);
  }

  function endTrial(worker: Worker, summary: TrialSummary): void {
    const trial = worker.trial!;
    store(() => (worker.writer ?? writer.openTrial(trial)).finish(summary));
    worker.writer?.close();
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
      store(() => writer.update({ rungs: [...(writer.current.rungs ?? []), rung] }));
      for (const id of rung.stopped) {
        removeCheckpoint(id);
        const summary = ended.get(id);
        const trial = trials.find((plan) => plan.id === id);
        if (!summary || !trial) continue;
        const stoppedSummary: TrialSummary = { ...summary, stoppedByStrategy: true };
        store(() => writer.appendSummary(trial, stoppedSummary));
        ended.set(id, stoppedSummary);
        emit({ type: 'trialEnded', trialId: id, summary: stoppedSummary });
      }
      emit({ type: 'rung', rung });
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
        store(() => writer.update({ budgetExhausted: budget }));
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
    const common = { trial, spec, specDir: path.dirname(specPath), modelDir: trialModelDir(dir, trial.id) };
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
        if (!writer.current.backend) store(() => writer.update({ backend: event.backend }));
        emit({ type: 'backendReady', worker: worker.index, pid: worker.child.pid!, backend: event.backend });
        dispatch(worker);
        return;
      case 'trialStarted':
        if (worker.trial?.id !== event.trialId) return;
        store(() => { worker.writer = writer.openTrial(worker.trial!, event.parameterCount); });
        emit({ type: 'trialStarted', trialId: event.trialId, worker: worker.index, pid: worker.child.pid!, parameterCount: event.parameterCount });
        return;
      case 'epoch': {
        if (worker.trial?.id !== event.trialId) return;
        worker.epochs = event.metrics.epoch;
        const stored = storedEpochs.get(event.trialId)?.get(event.metrics.epoch);
        if (stored) {
          // Resume: the epoch is on disk already; re-training it only brings the trainer back to where it was.
          if (!sameMetrics(stored, event.metrics) && !divergedReplays.has(event.trialId)) {
            divergedReplays.add(event.trialId);
            emit({ type: 'log', level: 'warn', message: `trial ${event.trialId}: re-trained epoch ${event.metrics.epoch} differs from the stored one (another backend?); the stored epochs are kept` });
          }
          return;
        }
        store(() => worker.writer?.epoch(event.metrics));
        scheduler?.epoch(event.trialId, event.metrics);
        emit({ type: 'epoch', trialId: event.trialId, metrics: event.metrics, ...(event.endedAt !== undefined ? { endedAt: event.endedAt } : {}) });
        return;
      }
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
    let status: SweepStatus = 'failed';
    if (!storeError) {
      // Checkpoints only serve promotions within this sweep; the run keeps its JSONL curves.
      fs.rmSync(path.join(dir, 'checkpoints'), { recursive: true, force: true });
      const summaries = [...ended.values()];
      if (cancelled) status = 'cancelled';
      else if (summaries.length > 0 && summaries.every((summary) => summary.status === 'failed')) status = 'failed';
      else status = 'completed';
      const stored = loadSweep(dir).trials;
      const best = bestRate(summarizeByRate(comparedTrials(stored, spec)), spec.sweep.objective);
      const bestValue = best && objectiveOf(best, spec.sweep.objective)?.mean;
      const bestModel = chooseBestModel(stored, spec);
      const problem = bestModel ? publishBestModel(dir, writer.current, bestModel) : undefined;
      if (problem) emit({ type: 'log', level: 'warn', message: `no best model: ${problem}` });
      // Like checkpoints, the per-trial models serve the sweep only: best-model/ is what it keeps.
      fs.rmSync(modelsDir(dir), { recursive: true, force: true });
      store(() => writer.update({
        status, endedAt: new Date().toISOString(),
        ...(best ? { best: { ...configOf(best), val_loss: best.bestValLoss.mean, ...(bestValue !== undefined ? { objective: { name: spec.sweep.objective, value: bestValue } } : {}) } } : {}),
        ...(bestModel && !problem ? { bestModel } : {}),
      }));
    }
    if (storeError) {
      status = 'failed';
      // Said in the manifest if the folder still takes a write; else it stays `running` and reads back as interrupted.
      try {
        writer.update({ status, error: storeError.message, endedAt: new Date().toISOString() });
      } catch {
        // reported when the first write failed
      }
    }
    emit({ type: 'sweepEnded', status });
    resolveFinished(status);
  }

  setImmediate(() => {
    emit({ type: 'sweepStarted', sweepId: id, dir, experiment: spec.name, trials, epochs: maxTrialEpochs(spec), workers: workerCount });
    if (cancelled) finish();
    else for (let i = 0; i < workerCount; i++) spawnWorker();
  });

  return {
    id, dir, trials, trialsToRun, finished,
    get error() {
      return storeError?.message;
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      store(() => writer.update({ cancelRequestedAt: new Date().toISOString() }));
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
