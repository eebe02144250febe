/**
 * Runs sweeps for the extension: the engine's runner (trainer child processes, never TF.js in this process),
 * a progress notification with Cancel, a status bar item, the log, and one event stream for the views.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentSpec } from '../core/spec';
import { maxTrialEpochs } from '../engine/sweep/plan';
import type { SweepEvent } from '../protocol/sweepEvents';
import type { SweepStatus } from '../core/trial';
import { findInstalledTfjsNode } from '../runner/nativeBackend';
import { resumeSweep, startSweep, type PoolOptions, type SweepRun } from '../runner/runner';
import { readManifest } from '../store/reader';
import { DisposableObject } from './disposable';
import { backendSetting, maxParallelTrainers, resourceLimits, runsRootFor } from './settings';

export interface LiveSweep {
  specPath: string;
  dir: string;
  experiment: string;
  run: SweepRun;
  epochsPlanned: number;
  trialsTotal: number;
  trialsDone: number;
  /** Latest epoch reported by any trial. */
  epoch: number;
  /** Epochs trained so far over all trials, a trial that ended counting as all its planned epochs. */
  epochsDone: number;
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

  /** `nativeBackendRoot`: where "Install Native TensorFlow Backend" puts tfjs-node. */
  constructor(private readonly trainerPath: string, private readonly nativeBackendRoot: string, private readonly log: vscode.LogOutputChannel) {
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

  /** Starts a sweep; the caller has validated the spec. Resolves when it has started (not when it ends). */
  start(specPath: string, spec: ExperimentSpec, specText: string, rates?: number[]): LiveSweep {
    return this.track(specPath, spec, 'started',
      (onEvent) => startSweep({ spec, specPath, specText, rates, runsRoot: runsRootFor(specPath), ...this.poolOptions(onEvent) }));
  }

  /** Runs the unfinished trials of an interrupted sweep into its folder. */
  resume(dir: string): LiveSweep {
    const manifest = readManifest(dir);
    return this.track(manifest.specPath, manifest.spec, 'resumed', (onEvent) => resumeSweep(dir, this.poolOptions(onEvent)));
  }

  private poolOptions(onEvent: PoolOptions['onEvent']): PoolOptions {
    return {
      backend: backendSetting(), workers: maxParallelTrainers(), maxMemoryMB: resourceLimits().maxMemoryMB, trainerPath: this.trainerPath,
      cancelGraceMs: stopGraceMs,
      tfjsNodePath: findInstalledTfjsNode(this.nativeBackendRoot)?.modulePath, versions: { vscode: vscode.version }, onEvent,
    };
  }

  private track(specPath: string, spec: ExperimentSpec, verb: string, begin: (onEvent: PoolOptions['onEvent']) => SweepRun): LiveSweep {
    if (this.live.has(specPath)) throw new Error(`a sweep of ${path.basename(specPath)} is already running`);
    // Runner events start on a later tick, when `sweep` below exists.
    const run = begin((event) => this.onRunnerEvent(sweep, event));
    const sweep: LiveSweep = {
      specPath, dir: run.dir, experiment: spec.name, run, epochsPlanned: maxTrialEpochs(spec),
      trialsTotal: run.trialsToRun, trialsDone: 0, epoch: 0, epochsDone: 0,
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
        this.log.debug(`trial ${event.trialId} started on trainer ${event.worker} (pid ${event.pid}), ${event.parameterCount} parameters`);
        break;
      case 'epoch':
        sweep.epoch = event.metrics.epoch;
        sweep.epochsDone++;
        break;
      case 'trialEnded':
        sweep.trialsDone++;
        sweep.epochsDone += sweep.epochsPlanned - event.summary.epochs;
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
        const total = sweep.trialsTotal * sweep.epochsPlanned;
        let reported = 0;
        const subscription = this.onDidEvent(({ dir, event }) => {
          if (dir !== sweep.dir) return;
          const percent = Math.min(100, (100 * sweep.epochsDone) / total);
          progress.report({
            increment: percent - reported,
            message: `trial ${Math.min(sweep.trialsDone + 1, sweep.trialsTotal)}/${sweep.trialsTotal} · epoch ${sweep.epoch}/${sweep.epochsPlanned}`,
          });
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
    this.statusBar.text = `$(beaker~spin) ${first.experiment}: `
      + `trial ${Math.min(first.trialsDone + 1, first.trialsTotal)}/${first.trialsTotal} · epoch ${first.epoch}/${first.epochsPlanned}${more}`;
    this.statusBar.tooltip = 'Dropout Lab: show the running sweep';
    this.statusBar.show();
  }
}
