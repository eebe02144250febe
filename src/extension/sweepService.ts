/**
 * Runs sweeps for the extension: the engine's runner (trainer child processes, never TF.js in this process),
 * a progress notification with Cancel, a status bar item, the log, and one event stream for the views.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { progressText, ProgressTally, queueText, type QueueDepth } from '../core/progress';
import type { ExperimentSpec } from '../core/spec';
import { maxTrialEpochs } from '../engine/sweep/plan';
import type { SweepEvent } from '../protocol/sweepEvents';
import type { SweepStatus } from '../core/trial';
import { findInstalledTfjsNode } from '../runner/nativeBackend';
import { shownRedisUrl } from '../core/redisUrl';
import { resumeSweep, startSweep, type PoolOptions, type SweepOptions, type SweepRun } from '../runner/runner';
import { readManifest } from '../store/reader';
import { errorMessage } from '../core/errors';
import { DisposableObject } from './disposable';
import { redisPasswordSecret, resumeExecutor, withRedisPassword } from './executorSetting';
import { backendSetting, executorSetting, maxParallelTrainers, resourceLimits, runsRootFor } from './settings';

export interface LiveSweep {
  specPath: string;
  dir: string;
  experiment: string;
  run: SweepRun;
  /** The most epochs a trial runs. */
  epochsPlanned: number;
  /** The trials this run trains (a resumed sweep: its unfinished ones). */
  trialsTotal: number;
  /** Latest epoch reported by any trial. */
  epoch: number;
  /** How far it has got, counted as the webviews count a snapshot. */
  tally: ProgressTally;
  /** A queue executor's latest state (none for the local pool). */
  queue?: QueueDepth;
}

export interface SweepServiceEvent {
  specPath: string;
  dir: string;
  event: SweepEvent;
}

/** How long Stop waits for trainers to finish their batch before killing them. */
const stopGraceMs = 1500;

export class SweepService extends DisposableObject {
  private readonly live = new Map<string, LiveSweep>();
  private readonly emitter = this.push(new vscode.EventEmitter<SweepServiceEvent>());
  private readonly statusBar = this.push(vscode.window.createStatusBarItem('dropoutLab.sweep', vscode.StatusBarAlignment.Left, 10));
  /** Fired for every runner event of every sweep, after the run store has it on disk. */
  readonly onDidEvent = this.emitter.event;

  /** `nativeBackendRoot`: where "Install Native TensorFlow Backend" puts tfjs-node; `secrets`: the Redis password. */
  constructor(
    private readonly trainerPath: string, private readonly nativeBackendRoot: string, private readonly log: vscode.LogOutputChannel,
    private readonly secrets: vscode.SecretStorage,
  ) {
    super();
    this.statusBar.name = 'Dropout Lab sweep';
    this.statusBar.command = 'dropoutLab.showResults';
    this.push({ dispose: () => this.live.forEach((sweep) => sweep.run.cancel()) });
  }

  running(specPath: string): LiveSweep | undefined {
    return this.live.get(specPath);
  }

  runningDirs(): string[] {
    return [...this.live.values()].map((sweep) => sweep.dir);
  }

  /**
   * Starts a sweep; the caller has validated the spec. Resolves when it has started (not when it ends); rejects, and
   * starts nothing, when `dropoutLab.executor` names a Redis that cannot be used.
   */
  async start(specPath: string, spec: ExperimentSpec, specText: string, rates?: number[], module?: SweepOptions['module']): Promise<LiveSweep> {
    this.assertNotRunning(specPath);
    const executor = await this.usableExecutor(executorSetting());
    return this.track(specPath, spec, 'started', (onEvent) => startSweep({
      spec, specPath, specText, rates, ...(module ? { module } : {}), runsRoot: runsRootFor(specPath), ...this.poolOptions(onEvent, executor),
    }));
  }

  /** Runs the unfinished trials of an interrupted sweep into its folder, on the Redis it ran on if it ran on one. */
  async resume(dir: string): Promise<LiveSweep> {
    const manifest = readManifest(dir);
    this.assertNotRunning(manifest.specPath);
    const executor = await this.usableExecutor(resumeExecutor(manifest.executor, executorSetting()));
    return this.track(manifest.specPath, manifest.spec, 'resumed', (onEvent) => resumeSweep(dir, this.poolOptions(onEvent, executor)));
  }

  /**
   * '' for the local pool; for a Redis, its URL with the password of SecretStorage (unless the URL has one), once
   * Redis has answered: a Redis that cannot be used throws, naming its URL without the password.
   */
  private async usableExecutor(configured: string): Promise<string> {
    if (!configured) return '';
    const url = withRedisPassword(configured, await this.secrets.get(redisPasswordSecret));
    const shown = shownRedisUrl(url);
    try {
      // Loaded here: the Redis client stays out of activation and out of sweeps on the local pool.
      const { checkRedis } = await import('../runner/redisConnection');
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Dropout Lab: connecting to ${shown}` }, () => checkRedis(url));
    } catch (error) {
      this.log.error(errorMessage(error));
      throw new Error(`${errorMessage(error)}. Nothing was started (the Redis is the setting dropoutLab.executor; `
        + 'its password is set with Dropout Lab: Set Redis Password)');
    }
    this.log.info(`sweep trials go to the workers of ${shown}`);
    return url;
  }

  private assertNotRunning(specPath: string): void {
    if (this.live.has(specPath)) throw new Error(`a sweep of ${path.basename(specPath)} is already running`);
  }

  private poolOptions(onEvent: PoolOptions['onEvent'], executor: string): PoolOptions {
    return {
      backend: backendSetting(), workers: maxParallelTrainers(), maxMemoryMB: resourceLimits().maxMemoryMB, trainerPath: this.trainerPath,
      cancelGraceMs: stopGraceMs, ...(executor ? { executor } : {}),
      tfjsNodePath: findInstalledTfjsNode(this.nativeBackendRoot)?.modulePath, versions: { vscode: vscode.version }, onEvent,
    };
  }

  private track(specPath: string, spec: ExperimentSpec, verb: string, begin: (onEvent: PoolOptions['onEvent']) => SweepRun): LiveSweep {
    this.assertNotRunning(specPath);
    // Runner events start on a later tick, when `sweep` below exists.
    const run = begin((event) => this.onRunnerEvent(sweep, event));
    const epochsPlanned = maxTrialEpochs(spec);
    const sweep: LiveSweep = {
      specPath, dir: run.dir, experiment: spec.name, run, epochsPlanned,
      trialsTotal: run.trialsToRun, epoch: 0, tally: new ProgressTally(run.trialsToRun, epochsPlanned),
    };
    this.live.set(specPath, sweep);
    this.log.info(`${spec.name}: sweep ${run.id} ${verb}, ${run.trials.length} trials → ${run.dir}`);
    this.showProgress(sweep);
    this.updateStatusBar();
    return sweep;
  }

  stop(specPath: string): boolean {
    const sweep = this.live.get(specPath);
    if (!sweep) return false;
    this.log.info(`${sweep.experiment}: stop requested`);
    sweep.run.cancel();
    return true;
  }

  private onRunnerEvent(sweep: LiveSweep, event: SweepEvent): void {
    switch (event.type) {
      case 'backendReady': {
        const fallbacks = event.backend.fallbacks.length ? ` (passed over: ${event.backend.fallbacks.join('; ')})` : '';
        this.log.info(`trainer ${event.worker} (pid ${event.pid}) ready on backend ${event.backend.name}${fallbacks}`);
        break;
      }
      case 'trialStarted':
        sweep.tally.trialStarted(event.trialId);
        this.log.debug(`trial ${event.trialId} started on trainer ${event.worker} (pid ${event.pid}), ${event.parameterCount} parameters`);
        break;
      case 'epoch':
        sweep.epoch = event.metrics.epoch;
        sweep.tally.epoch(event.trialId);
        break;
      case 'trialEnded':
        sweep.tally.trialEnded(event.trialId);
        const { selected } = event.summary;
        this.log.info(`trial ${event.trialId}: ${event.summary.status}, ${event.summary.epochs} epochs`
          + (selected ? `, ${selected.objective} ${selected.value.toFixed(4)} @ epoch ${selected.epoch}` : ''));
        if (event.summary.status === 'failed') this.reportFailure(sweep, event.trialId, event.summary.error ?? 'unknown error');
        break;
      case 'rung':
        // The runner logs the round's counts (a `log` event); here: which trials, for the output channel's debug level.
        this.log.debug(`hyperband bracket ${event.rung.bracket} round ${event.rung.round}: promoted [${event.rung.promoted.join(', ')}], `
          + `stopped [${event.rung.stopped.join(', ')}], not ranked [${event.rung.unranked.join(', ')}]`);
        break;
      case 'queue':
        sweep.queue = event;
        break;
      case 'log':
        this.log[event.level](event.message);
        break;
      case 'sweepEnded':
        this.live.delete(sweep.specPath);
        this.log.info(`${sweep.experiment}: sweep ended (${event.status})`);
        if (sweep.run.error) {
          void vscode.window.showErrorMessage(`Dropout Lab: ${sweep.experiment} stopped: ${sweep.run.error}`, 'Show Log')
            .then((choice) => choice && this.log.show());
        }
        break;
      case 'sweepStarted':
        break;
    }
    this.updateStatusBar();
    this.emitter.fire({ specPath: sweep.specPath, dir: sweep.dir, event });
  }

  private reportFailure(sweep: LiveSweep, trialId: string, error: string): void {
    this.log.error(`trial ${trialId} failed: ${error}`);
    void vscode.window.showErrorMessage(`Dropout Lab: trial ${trialId} of ${sweep.experiment} failed: ${error}. The other trials go on.`, 'Show Log')
      .then((choice) => choice && this.log.show());
  }

  private showProgress(sweep: LiveSweep): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Dropout Lab: ${sweep.experiment}`, cancellable: true },
      (progress, token) => new Promise<SweepStatus>((resolve) => {
        token.onCancellationRequested(() => sweep.run.cancel());
        let reported = 0;
        const subscription = this.onDidEvent(({ dir, event }) => {
          if (dir !== sweep.dir) return;
          const done = sweep.tally.progress;
          // The bar never goes back (a promoted Hyperband trial plans more epochs again).
          const percent = Math.max(reported, 100 * done.fraction);
          progress.report({ increment: percent - reported, message: progressText(done) });
          reported = percent;
          if (event.type === 'sweepEnded') {
            subscription.dispose();
            resolve(event.status);
          }
        });
      }),
    );
  }

  private updateStatusBar(): void {
    const sweeps = [...this.live.values()];
    if (sweeps.length === 0) {
      this.statusBar.hide();
      return;
    }
    const [first] = sweeps;
    const more = sweeps.length > 1 ? ` (+${sweeps.length - 1})` : '';
    const queue = first.queue ? ` · ${queueText(first.queue)}` : '';
    this.statusBar.text = `$(beaker~spin) ${first.experiment}: ${progressText(first.tally.progress)}${queue}${more}`;
    this.statusBar.tooltip = 'Dropout Lab: show the running sweep';
    this.statusBar.show();
  }
}
