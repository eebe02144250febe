/**
 * The view's header: experiment, status, backend, progress with ETA, the sweep's verdict (the panel: its sentence; the
 * side view: its short form, the sentence as tooltip), and Run/Stop, Export CSV, Export Best Model (panel).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { SweepSnapshot } from '../../src/protocol/webview';
import { el } from '../dom';
import { formatDuration, formatStartTime } from '../model/format';
import { progressText } from '../../src/core/progress';
import { estimateRemainingMs, queueLine, sweepProgress } from '../model/progress';
import { verdictDisplay } from '../model/verdict';
import { stateLabel } from './statusText';

export interface HeaderActions {
  run(): void;
  stop(dir: string): void;
  exportCsv(dir: string): void;
  exportModel(dir: string): void;
}

export class Header {
  readonly element: HTMLElement;
  private readonly name = el('h1', { class: 'experiment-name' });
  private readonly status = el('span', { class: 'status-badge', attrs: { hidden: true } });
  private readonly meta = el('span', { class: 'header-meta' });
  private readonly progressBar = el('vscode-progress-bar', { attrs: { 'aria-label': 'Sweep progress' } });
  private readonly progressText = el('span', { class: 'progress-text', attrs: { role: 'status', 'aria-live': 'off' } });
  /** A queue executor's depth while the sweep runs (model/progress.ts: queueLine). */
  private readonly queue = el('span', { class: 'queue-depth muted', attrs: { hidden: true, title: 'Workers of the Redis queue, and its jobs' } });
  private readonly runStop = el('vscode-button', { class: 'run-stop', text: 'Run' });
  private readonly exportButton = el('vscode-button', { text: 'Export CSV', attrs: { secondary: true, disabled: true } });
  private readonly modelButton = el('vscode-button', {
    text: 'Export Best Model', attrs: { secondary: true, disabled: true, title: 'Save the best trial as a TF.js model (model.json + weights.bin)' },
  });
  /** The verdict (core/sweepVerdict.ts) on the shown sweep, as text only (textContent, never HTML). */
  private readonly verdict = el('p', { class: 'verdict', attrs: { id: 'verdict', role: 'status', 'aria-live': 'polite', hidden: true } });
  private sweep: SweepSnapshot | undefined;
  /** Set between a Run/Stop click and the host's answer, so a double click does not start two sweeps. */
  private pendingAction: 'run' | 'stop' | undefined;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly compact: boolean, actions?: HeaderActions) {
    const title = el('div', { class: 'header-title' }, [this.name, this.status, this.meta]);
    const top = el('div', { class: 'header-top' }, [title]);
    if (actions) {
      this.runStop.addEventListener('click', () => {
        if (this.pendingAction) return;
        if (this.sweep?.status === 'running') {
          this.setPending('stop');
          actions.stop(this.sweep.dir);
        } else {
          this.setPending('run');
          actions.run();
        }
      });
      this.exportButton.addEventListener('click', () => this.sweep && actions.exportCsv(this.sweep.dir));
      this.modelButton.addEventListener('click', () => this.sweep && actions.exportModel(this.sweep.dir));
      top.append(el('div', { class: 'header-actions' }, [this.runStop, this.exportButton, this.modelButton]));
    }
    const progress = el('div', { class: 'header-progress' }, [this.progressBar, this.progressText, this.queue]);
    this.element = el('header', { class: compact ? 'view-header compact' : 'view-header' }, [top, this.verdict, progress]);
  }

  update(experiment: string | undefined, sweep: SweepSnapshot | undefined, nowMs: number): void {
    const running = sweep?.status === 'running';
    if (running && sweep !== this.sweep) this.clearPending('run');
    if (!running) this.clearPending('stop');
    this.sweep = sweep;
    this.name.textContent = experiment ?? sweep?.experiment ?? 'Dropout Lab';
    this.status.hidden = !sweep;
    this.status.textContent = sweep ? stateLabel(sweep.status) : '';
    this.status.dataset.status = sweep?.status ?? '';
    this.meta.textContent = sweep
      ? [sweep.backend && `backend ${sweep.backend}`, sweep.executor && `workers of ${sweep.executor}`, `started ${formatStartTime(sweep.startedAt)}`]
        .filter(Boolean).join(' · ')
      : '';
    this.exportButton.toggleAttribute('disabled', !sweep);
    // The best model is published when a sweep ends.
    this.modelButton.toggleAttribute('disabled', !sweep || running);
    this.renderRunStop();
    this.renderVerdict(sweep);

    this.progressBar.hidden = !sweep;
    const queue = sweep && queueLine(sweep);
    this.queue.hidden = !queue;
    this.queue.textContent = queue ?? '';
    if (!sweep) {
      this.progressText.textContent = this.compact ? 'No sweep yet.' : 'No sweep yet. Run the experiment to watch its dropout sweep live.';
      return;
    }
    const progress = sweepProgress(sweep);
    this.progressBar.max = Math.max(1, progress.epochsPlanned);
    this.progressBar.value = progress.epochsDone;
    const parts = [progressText(progress)];
    const remaining = estimateRemainingMs(sweep, progress, nowMs);
    if (sweep.status === 'running') parts.push(remaining === undefined ? 'ETA …' : `ETA ${formatDuration(remaining)}`);
    else if (sweep.endedAt) parts.push(`took ${formatDuration(Date.parse(sweep.endedAt) - Date.parse(sweep.startedAt))}`);
    this.progressText.textContent = parts.join(' · ');
  }

  private renderVerdict(sweep: SweepSnapshot | undefined): void {
    const shown = verdictDisplay(sweep);
    const text = this.compact ? shown.lens : shown.text;
    if (this.verdict.textContent !== text) this.verdict.textContent = text;
    this.verdict.className = shown.className;
    this.verdict.hidden = shown.hidden;
    if (this.compact && !shown.hidden) this.verdict.title = shown.text;
    else this.verdict.removeAttribute('title');
  }

  private renderRunStop(): void {
    const running = this.sweep?.status === 'running';
    this.runStop.textContent = this.pendingAction === 'stop' ? 'Stopping…' : this.pendingAction === 'run' ? 'Starting…' : running ? 'Stop' : 'Run';
    this.runStop.toggleAttribute('secondary', running);
    this.runStop.toggleAttribute('disabled', this.pendingAction !== undefined);
    this.runStop.setAttribute('aria-label', running ? 'Stop the running sweep' : 'Run the experiment');
  }

  private setPending(action: 'run' | 'stop'): void {
    this.pendingAction = action;
    // The host may refuse (an invalid spec): give the button back after a while whatever happens.
    this.pendingTimer = setTimeout(() => this.clearPending(action), action === 'run' ? 4000 : 15000);
    this.renderRunStop();
  }

  private clearPending(action: 'run' | 'stop'): void {
    if (this.pendingAction !== action) return;
    clearTimeout(this.pendingTimer);
    this.pendingAction = undefined;
    this.renderRunStop();
  }
}
