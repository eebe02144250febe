/**
 * Live progress on stderr. On a terminal: the sweep's progress and one line per running trial, redrawn in place at
 * most 10 times a second. Elsewhere (CI logs, pipes): one line per finished trial.
 */
import { configLabel } from '../core/dropoutConfig';
import { progressText, ProgressTally, queueText, type QueueDepth } from '../core/progress';
import { rungLine } from './report';
import type { SweepEvent } from '../protocol/sweepEvents';
import type { TrialPlan } from '../core/trial';

interface Running {
  plan: TrialPlan;
  text: string;
}

export class ProgressReporter {
  private trials = new Map<string, TrialPlan>();
  private running = new Map<string, Running>();
  private tally = new ProgressTally(0, 0);
  private epochs = 0;
  private drawnLines = 0;
  private lastDraw = 0;
  private queue: QueueDepth | undefined;

  constructor(private readonly out: NodeJS.WriteStream, private readonly live = Boolean(out.isTTY)) {}

  handle(event: SweepEvent): void {
    switch (event.type) {
      case 'sweepStarted':
        this.epochs = event.epochs;
        this.tally = new ProgressTally(event.trials.length, event.epochs);
        for (const trial of event.trials) this.trials.set(trial.id, trial);
        this.print(`${event.experiment}: ${event.trials.length} trials on `
          + `${event.executor ? `the workers of ${event.executor}` : `${event.workers} trainer${event.workers > 1 ? 's' : ''}`} → ${event.dir}`);
        return;
      case 'backendReady':
        if (event.worker === 0) {
          const fallbacks = event.backend.fallbacks.length ? ` (passed over: ${event.backend.fallbacks.join('; ')})` : '';
          this.print(`backend: ${event.backend.name}${fallbacks}`);
        }
        return;
      case 'trialStarted': {
        const plan = this.trials.get(event.trialId);
        if (plan) this.running.set(event.trialId, { plan, text: 'starting' });
        this.tally.trialStarted(event.trialId);
        this.draw();
        return;
      }
      case 'epoch': {
        this.tally.epoch(event.trialId);
        const running = this.running.get(event.trialId);
        if (!running) return;
        const m = event.metrics;
        running.text = `epoch ${m.epoch}/${this.epochs}  loss ${m.loss.toFixed(4)}  val_loss ${m.val_loss.toFixed(4)}`
          + (m.val_acc !== undefined ? `  val_acc ${m.val_acc.toFixed(3)}` : '');
        this.draw();
        return;
      }
      case 'trialEnded': {
        const plan = this.trials.get(event.trialId);
        this.running.delete(event.trialId);
        this.tally.trialEnded(event.trialId);
        // Trials ended now, each once: a Hyperband trial ends every round it plays, and its stop by a round is told again.
        const done = this.tally.progress.trialsDone;
        const s = event.summary;
        const test = s.selected?.test && typeof s.selected.test.loss === 'number' ? `, test loss ${s.selected.test.loss.toFixed(4)}` : '';
        const best = s.selected ? `${s.selected.objective} ${s.selected.value.toFixed(4)} @ epoch ${s.selected.epoch}${test}` : '';
        const detail = s.status === 'failed' ? `FAILED: ${s.error}`
          : `${s.status}${s.stoppedEarly ? ' (early stop)' : ''}, ${s.epochs} epochs${best ? `, ${best}` : ''}`;
        const name = plan ? `${configLabel(plan)} seed ${plan.seed}` : event.trialId;
        const stopped = s.stoppedByStrategy ? ', stopped by its round' : '';
        this.print(`[${done}/${this.trials.size}] ${name}: ${detail}${stopped} (${(s.durationMs / 1000).toFixed(1)} s)`);
        return;
      }
      case 'rung':
        // The runner's own line for a round is an info log, which this reporter leaves out.
        this.print(`hyperband ${rungLine(event.rung)}`);
        return;
      case 'log':
        if (event.level !== 'info') this.print(`${event.level}: ${event.message}`);
        return;
      case 'queue':
        this.queue = event;
        this.draw();
        return;
      case 'sweepEnded':
        this.clear();
        return;
    }
  }

  /** A permanent line above the live block. */
  private print(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    this.draw(true);
  }

  private clear(): void {
    if (!this.live || this.drawnLines === 0) return;
    this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(force = false): void {
    if (!this.live) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.clear();
    const width = this.out.columns ?? 120;
    const trials = [...this.running.values()].map(({ plan, text }) => `  ${configLabel(plan)} seed ${plan.seed}: ${text}`);
    const summary = progressText(this.tally.progress) + (this.queue ? ` · ${queueText(this.queue)}` : '');
    const lines = (trials.length ? [summary, ...trials] : []).map((line) => line.slice(0, width - 1));
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
