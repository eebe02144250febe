/**
 * Runs a sweep: starts a new one or resumes an interrupted one, and wires its parts together. The Scheduler says
 * which trials run next, the Executor runs them (a pool of trainer processes), the SweepRecorder writes what they
 * report to the run store and hands it to the listener, and sweepEnd.ts concludes the sweep once the last worker
 * has gone.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendChoice } from '../core/backend';
import type { SweepManifest, SweepRecord, TrialRecord } from '../core/records';
import type { ExperimentSpec } from '../core/spec';
import type { SweepStatus, TrialPlan, TrialSummary } from '../core/trial';
import { maxTrialEpochs, planHyperband, planTrials } from '../engine/sweep/plan';
import type { SweepEvent } from '../protocol/sweepEvents';
import { defaultRunsRoot, fileHash } from '../store/layout';
import { newManifest } from '../store/manifest';
import { loadSweep } from '../store/reader';
import { SweepWriter, type StoreFileSystem } from '../store/writer';
import { assertNever } from '../core/assertNever';
import { errorMessage } from '../core/errors';
import type { Executor, ExecutorEvent } from './executor';
import { HyperbandScheduler } from './hyperbandScheduler';
import { ResumedHyperband } from './resumedHyperband';
import { LocalTrainerPool } from './localTrainerPool';
import type * as QueueExecutorModule from './queueExecutor';
import { shownRedisUrl } from '../core/redisUrl';
import { TrialQueueScheduler, type Scheduler, type SweepJob } from './scheduler';
import { SweepBudget } from './sweepBudget';
import { endSweep } from './sweepEnd';
import { SweepRecorder, type StoredEpochs } from './sweepRecorder';
import { version as dropoutLabVersion } from '../../package.json';

/**
 * The queue executor, loaded on first use: BullMQ and its Redis client are not run when the extension activates
 * or a local sweep starts.
 */
function queueExecutorClass(): typeof QueueExecutorModule.QueueExecutor {
  return (require('./queueExecutor') as typeof QueueExecutorModule).QueueExecutor;
}

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
  /** How long a trial's builder module may take to build before its trainer is killed; default 30 s. */
  buildTimeoutMs?: number;
  /** Extra versions recorded in the manifest (e.g. the extension's). */
  versions?: Record<string, string>;
  onEvent?: (event: SweepEvent) => void;
  /** The run store's file system: Node's, or in tests one whose writes fail. */
  storeFileSystem?: StoreFileSystem;
  /**
   * Where trials run: undefined or '' for the local pool of trainers; a `redis://` URL for the BullMQ queue that
   * `dropout-lab worker` processes serve (a resumed sweep uses the one it ran on unless told otherwise).
   */
  executor?: string;
  /** Queue executor: attempts after the first when a worker's trainer dies under a trial; default 2. */
  maxRetries?: number;
  /** Queue executor: how long Redis may not answer, with trials in flight, before the sweep is interrupted; default 15 s. */
  lostAfterMs?: number;
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
  /** model.module: its path as the spec names it and its hash when its space was discovered (recorded in sweep.json). */
  module?: SweepManifest['module'];
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

/** What a run works on: a new sweep, or the unfinished trials of an interrupted one. */
interface SweepSetup {
  spec: ExperimentSpec;
  specPath: string;
  writer: SweepWriter;
  /** Every trial of the sweep, as the manifest lists them. */
  trials: TrialPlan[];
  scheduler: Scheduler;
  workerCount: number;
  storedEpochs: StoredEpochs;
  /** Trials an earlier run of the sweep started: they count towards sweep.maxTrials. */
  startedBefore: string[];
}

export function startSweep(options: SweepOptions): SweepRun {
  const specPath = path.resolve(options.specPath);
  const { spec } = options;
  const hyperband = spec.sweep.strategy === 'hyperband' ? planHyperband(spec) : undefined;
  if (hyperband && options.rates) throw new Error('a hyperband sweep cannot be narrowed to some rates; run it whole, or use strategy "grid"');
  const trials = hyperband?.trials ?? planTrials(spec, options.rates);
  const scheduler = hyperband ? new HyperbandScheduler(hyperband, spec.sweep.objective) : new TrialQueueScheduler(trials);
  const workerCount = poolSize(options, scheduler.maxParallel);
  const writer = SweepWriter.createUnique(options.runsRoot ?? defaultRunsRoot(specPath), spec.name, (id) => newManifest({
    id, specPath, specText: options.specText, spec, ...(options.module ? { module: options.module } : {}), trials, workers: workerCount,
    ...(options.executor ? { executor: shownRedisUrl(options.executor) } : {}),
    versions: { 'dropout-lab': dropoutLabVersion, node: process.versions.node, ...options.versions },
  }), options.storeFileSystem);
  return runSweep({ spec, specPath, writer, trials, scheduler, workerCount, storedEpochs: new Map(), startedBefore: [] }, options);
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
  const unfinished = unfinishedTrials(record);
  if (unfinished.length === 0) throw new Error(`${dir} has no unfinished trial to resume`);
  if (options.executor === undefined && manifest.executor) {
    // The recorded URL has no password: it comes from the environment, as for any run.
    options = { ...options, executor: manifest.executor };
  }
  const moduleChange = manifest.module && moduleChangeWarning(manifest.module, manifest.specPath);
  if (moduleChange) options.onEvent?.({ type: 'log', level: 'warn', message: moduleChange });
  const writer = SweepWriter.reopen(dir, {
    ...manifest, status: 'running', runnerPid: process.pid, endedAt: undefined, cancelRequestedAt: undefined, error: undefined,
    executor: options.executor ? shownRedisUrl(options.executor) : undefined,
    best: undefined, resumedAt: [...(manifest.resumedAt ?? []), new Date().toISOString()],
  }, options.storeFileSystem);
  for (const trial of unfinished) writer.trimTornLine(trial.plan);
  const hyperband = manifest.spec.sweep.strategy === 'hyperband';
  // Hyperband: every trial's stored epochs, since a stored trial may be promoted and trained on.
  const storedEpochs = new Map((hyperband ? record.trials : unfinished)
    .map((trial) => [trial.plan.id, new Map(trial.epochs.map((epoch) => [epoch.epoch, epoch]))]));
  const scheduler = hyperband ? resumedHyperband(record, dir) : new TrialQueueScheduler(unfinished.map((trial) => trial.plan));
  const workerCount = poolSize(options, scheduler.maxParallel);
  const startedBefore = record.trials.filter((trial) => trial.status !== 'pending').map((trial) => trial.plan.id);
  return runSweep(
    { spec: manifest.spec, specPath: manifest.specPath, writer, trials: manifest.trials, scheduler, workerCount, storedEpochs, startedBefore }, options);
}

/** The Hyperband scheduler planned again and fast-forwarded through the store (resumedHyperband.ts). */
function resumedHyperband(record: SweepRecord, dir: string): ResumedHyperband {
  const { manifest } = record;
  const plan = planHyperband(manifest.spec);
  if (JSON.stringify(plan.trials.map((t) => t.id)) !== JSON.stringify(manifest.trials.map((t) => t.id))) {
    throw new Error(`${dir}: its spec plans other Hyperband trials than the sweep ran (another version of Dropout Lab?); run the spec again`);
  }
  return new ResumedHyperband(new HyperbandScheduler(plan, manifest.spec.sweep.objective), new Map(record.trials.map((t) => [t.plan.id, t])),
    manifest.rungs ?? []);
}

/** Why the builder module the sweep ran is not the one a resume would build, or undefined when it is the same file. */
export function moduleChangeWarning(module: NonNullable<SweepManifest['module']>, specPath: string): string | undefined {
  const file = path.resolve(path.dirname(specPath), module.path);
  let now: string;
  try {
    now = fileHash(file);
  } catch (error) {
    return `${module.path} cannot be read (${errorMessage(error)}): the sweep ran it with sha256 ${module.sha256}`;
  }
  if (now === module.sha256) return undefined;
  return `${module.path} has changed since the sweep started (sha256 ${module.sha256} then, ${now} now): `
    + 'the resumed trials build the module as it is now';
}

/** Runs the scheduler's jobs on a local trainer pool until it has none left, recording everything, then ends the sweep. */
function runSweep(setup: SweepSetup, options: PoolOptions): SweepRun {
  const { spec, writer, trials, scheduler, workerCount } = setup;
  const { id } = writer.current;
  const { dir } = writer;
  const emit = (event: SweepEvent): void => options.onEvent?.(event);
  const recorder = new SweepRecorder({ writer, trials, storedEpochs: setup.storedEpochs, emit, onStoreFailure: stopNow });
  if (scheduler instanceof ResumedHyperband) {
    scheduler.onMismatch = (message) => recorder.log('warn', message);
    // A round the interrupted run ranked is in the manifest already; one it had not ranked yet is recorded now.
    scheduler.onRung = (rung, stored, unmarked) => {
      if (!stored) return recorder.rungDecided(rung);
      for (const record of unmarked) recorder.store(() => writer.appendSummary(record.plan, { ...record.summary!, stoppedByStrategy: true }));
    };
  }
  const budget = new SweepBudget(spec.sweep, setup.startedBefore);
  /** Created on the first tick (unless the sweep was cancelled before it). */
  let executor: Executor | undefined;
  /** Cancel was asked for, or the store failed: no job starts any more. */
  let cancelled = false;
  /** The manifest holds the final status: a cancel now would only write a stop request into a finished sweep. */
  let ended = false;
  /** The executor lost its workers (Redis went away): the sweep ends interrupted, not cancelled. */
  let interrupted = false;
  let resolveFinished!: (status: SweepStatus) => void;
  const finished = new Promise<SweepStatus>((resolve) => (resolveFinished = resolve));

  /** The store failed: nothing more can be kept, so the trainers are killed rather than let finish. */
  function stopNow(): void {
    cancelled = true;
    scheduler.stop();
    executor?.abort();
  }

  /** Tells the scheduler a job ended; a round that decides (Hyperband) is recorded, and its promoted trials are then ready. */
  function jobEnded(trialId: string, completed: boolean): void {
    const rung = scheduler.jobEnded(trialId, completed);
    if (rung) recorder.rungDecided(rung);
  }

  /** The next job a budget allows. A job a budget refuses stays pending in the store; Hyperband ranks its round without it. */
  function takeJob(): SweepJob | undefined {
    while (!cancelled) {
      const job = scheduler.next();
      if (!job) return undefined;
      const refused = budget.refuses(job);
      if (!refused) {
        budget.started(job);
        return job;
      }
      recorder.budgetExhausted(refused);
      if (refused === 'maxMinutes') scheduler.stop();
      jobEnded(job.trial.id, false);
    }
    return undefined;
  }

  /**
   * Gives ready jobs to free workers, and lets the executor's workers go once no job will come. Called whenever a
   * worker may have become free or a job ready: a worker came up, a job ended, the backend could not start.
   */
  function dispatch(to: Executor): void {
    while (to.freeSlots > 0) {
      const job = takeJob();
      if (!job) break;
      to.run(job);
    }
    if (cancelled || scheduler.exhausted) to.close();
  }

  /** No worker could start: each job left would fail the same way, so each fails now with the reason, and no round follows. */
  function failRemainingJobs(reason: string): void {
    scheduler.stop();
    for (let job = scheduler.next(); job; job = scheduler.next()) {
      const summary: TrialSummary = { status: 'failed', epochs: 0, stoppedEarly: false, durationMs: 0, error: reason };
      recorder.trialEnded(job.trial.id, summary);
      jobEnded(job.trial.id, false);
    }
  }

  function onExecutorEvent(from: Executor, event: ExecutorEvent): void {
    switch (event.type) {
      case 'backendReady':
        recorder.backendReady(event);
        dispatch(from);
        return;
      case 'trialStarted':
        recorder.trialStarted(event);
        return;
      case 'epoch':
        if (recorder.epoch(event)) scheduler.epoch(event.trialId, event.metrics);
        return;
      case 'trialEnded':
        recorder.trialEnded(event.trialId, event.summary);
        jobEnded(event.trialId, event.summary.status === 'completed');
        dispatch(from);
        return;
      case 'log':
        recorder.emit(event);
        return;
      case 'unavailable':
        failRemainingJobs(event.reason);
        dispatch(from);
        return;
      case 'queue':
        emit(event);
        return;
      case 'lost':
        // What workers do from now on cannot be kept: the sweep is interrupted, and resume collects or re-runs it.
        recorder.log('error', `${event.reason}: the sweep is interrupted; trials already stored are kept. Resume it once Redis is back.`);
        cancelled = true;
        interrupted = true;
        scheduler.stop();
        finish();
        return;
      case 'stopped':
        finish();
        return;
      default:
        assertNever(event, 'executor event');
    }
  }

  function finish(): void {
    if (ended) return;
    executor?.dispose();
    const status = endSweep(recorder, spec, interrupted ? 'interrupted' : cancelled ? 'cancelled' : 'ran');
    ended = true;
    emit({ type: 'sweepEnded', status });
    resolveFinished(status);
  }

  // Listeners attach after startSweep returns: the first event comes on the next tick.
  setImmediate(() => {
    emit({
      type: 'sweepStarted', sweepId: id, dir, experiment: spec.name, trials, epochs: maxTrialEpochs(spec), workers: workerCount,
      ...(options.executor ? { executor: shownRedisUrl(options.executor) } : {}),
    });
    if (cancelled) return finish();
    const specDir = path.dirname(setup.specPath);
    const cancelGraceMs = options.cancelGraceMs ?? 5000;
    const created: Executor = options.executor
      ? new (queueExecutorClass())({
        redisUrl: options.executor, sweepId: id, spec, specDir, sweepDir: dir, maxRetries: options.maxRetries ?? 2, cancelGraceMs,
        ...(options.lostAfterMs !== undefined ? { lostAfterMs: options.lostAfterMs } : {}),
      }, (event) => onExecutorEvent(created, event))
      : new LocalTrainerPool({
        size: workerCount, trainerPath: options.trainerPath ?? path.join(__dirname, 'trainer.js'), backend: options.backend ?? 'auto',
        tfjsNodePath: options.tfjsNodePath, cancelGraceMs, maxMemoryMB: options.maxMemoryMB,
        memoryPollMs: options.memoryPollMs ?? 500, buildTimeoutMs: options.buildTimeoutMs, spec, specDir, sweepDir: dir,
      }, (event) => onExecutorEvent(created, event));
    executor = created;
    // The local pool's trainers ask for work when their backend is up; a queue takes every ready job at once.
    dispatch(created);
  });

  return {
    id, dir, trials, trialsToRun: scheduler.trialCount, finished,
    get error() {
      return recorder.storeError?.message;
    },
    cancel() {
      if (cancelled || ended) return;
      cancelled = true;
      recorder.cancelRequested();
      scheduler.stop();
      executor?.cancel();
    },
  };
}
