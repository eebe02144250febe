/**
 * A view (experiment panel or side view): holds the sweeps, applies the host's messages, and redraws what changed
 * at most once per animation frame — live batches only mark parts dirty. Live redraws are spaced by twice the cost
 * of the last one, so a large sweep (50 trials × 500 epochs redraws ~75,000 points) never takes more than a third of
 * the main thread and input stays responsive; user actions (settings, overlays) redraw on the next frame.
 */
import { assertNever } from '../../src/core/assertNever';
import type { HostMessage, SweepSnapshot, ViewKind, WebviewMessage } from '../../src/protocol/webview';
import { CurveChart, type DrawnSweep } from '../charts/curveChart';
import { McChart, RateChart, type SummarizedSweep } from '../charts/rateCharts';
import { readTheme, watchTheme, type ChartTheme } from '../charts/theme';
import { el } from '../dom';
import { rateColours, type Rgb } from '../model/colours';
import { formatStartTime } from '../model/format';
import { heatmapOf } from '../model/heatmap';
import { summarizeSweep } from '../model/rates';
import { clampSmoothing, type CurveOptions } from '../model/series';
import { applySweepEvents } from '../model/sweeps';
import { toggleSort } from '../model/table';
import type { UiState } from '../model/uiState';
import { drawableOverlays, fromShow, overlayChoices, primaryOf, type ViewData } from '../model/viewData';
import { Controls } from './controls';
import { Header } from './header';
import { HeatmapCard } from './heatmapCard';
import { HistoryList } from './historyList';
import { RateScale } from './rateScale';
import { RungTable } from './rungTable';
import { TrialTable } from './trialTable';

/** The User Timing measure of each redraw. */
export const redrawMeasure = 'dropout-lab:redraw';

export interface Host {
  post(message: WebviewMessage): void;
  save(state: UiState): void;
}

interface Dirty {
  /** Datasets must be rebuilt: sweeps drawn, settings or theme changed. */
  rebuild: boolean;
  /** Points were appended to the curves. */
  curves: boolean;
  rates: boolean;
  table: boolean;
  header: boolean;
}

export class Dashboard {
  private data: ViewData = { sweeps: new Map(), history: [] };
  private theme: ChartTheme = readTheme();
  private colours: Map<number, Rgb> = new Map();
  private dirty: Dirty = { rebuild: true, curves: true, rates: true, table: true, header: true };
  private frame: number | undefined;
  private throttle: ReturnType<typeof setTimeout> | undefined;
  /** performance.now() before which a live redraw waits. */
  private nextRedrawAt = 0;
  private redraws = 0;
  private readonly header: Header;
  private readonly rateScale = new RateScale();
  private readonly loss: CurveChart;
  private readonly accuracy?: CurveChart;
  private readonly rates: RateChart;
  private readonly mc?: McChart;
  private readonly heatmap?: HeatmapCard;
  private readonly controls?: Controls;
  private readonly table?: TrialTable;
  private readonly rungs?: RungTable;
  private readonly history?: HistoryList;
  private readonly charts: HTMLElement;
  private readonly empty: HTMLElement;

  constructor(root: HTMLElement, private readonly kind: ViewKind, private readonly ui: UiState, private readonly host: Host) {
    const panel = kind === 'panel';
    const save = (chart: string) => (panel ? (dataUrl: string) => this.savePng(chart, dataUrl) : undefined);
    this.header = new Header(!panel, panel ? {
      run: () => host.post({ type: 'run' }),
      stop: (dir) => host.post({ type: 'stop', dir }),
      exportCsv: (dir) => host.post({ type: 'exportCsv', dir }),
      exportModel: (dir) => host.post({ type: 'exportModel', dir }),
    } : undefined);
    this.loss = new CurveChart(panel
      ? {
        kind: 'loss', title: 'Loss per epoch', subtitle: 'val_loss solid · train_loss dashed · inference rule', curveKinds: ['val_loss', 'train_loss'],
        onSavePng: save('loss'),
      }
      : { kind: 'loss', title: 'Validation loss', subtitle: 'val_loss per trial', curveKinds: ['val_loss'] }, this.theme);
    this.rates = new RateChart(this.theme, save('rates'));
    const cards = [this.loss.card.element];
    if (panel) {
      this.accuracy = new CurveChart(
        { kind: 'accuracy', title: 'Validation accuracy', subtitle: 'val_acc per trial', curveKinds: ['val_acc'], onSavePng: save('accuracy') }, this.theme);
      this.mc = new McChart(this.theme, save('mc'));
      this.heatmap = new HeatmapCard();
      cards.push(this.accuracy.card.element, this.rates.card.element, this.heatmap.element, this.mc.card.element);
      this.controls = new Controls(ui, {
        setSmoothing: (value) => this.changeSettings({ smoothing: clampSmoothing(value) }),
        setLogScale: (value) => this.changeSettings({ logScale: value }),
        setOverlay: (dir, on) => this.setOverlay(dir, on),
      });
      this.table = new TrialTable(ui.sort, (column) => {
        this.ui.sort = toggleSort(this.ui.sort, column);
        this.table?.setSort(this.ui.sort);
        this.persist();
        this.mark('table');
      }, () => this.colours);
      this.rungs = new RungTable();
    } else {
      cards.push(this.rates.card.element);
      this.history = new HistoryList((dir) => host.post({ type: 'openSweep', dir }), (dir) => host.post({ type: 'resumeSweep', dir }));
    }
    this.charts = el('div', { class: 'chart-grid' }, cards);
    this.empty = el('p', {
      class: 'empty-state', text: panel ? 'No sweep of this experiment yet. Run it to watch the loss of every dropout rate live.' : 'No sweep to show yet.',
    });
    root.classList.add(`view-${kind}`);
    root.replaceChildren(...[
      this.header.element, this.controls?.element, this.empty, this.rateScale.element, this.charts, this.table?.element, this.rungs?.element,
      this.history?.element,
    ].filter((node): node is HTMLElement => node !== undefined));

    watchTheme(() => {
      this.theme = readTheme();
      this.mark('rebuild');
    });
    // The ETA and "running" durations move with the clock, not only with events.
    setInterval(() => {
      if (primaryOf(this.data)?.status === 'running') this.mark('header');
    }, 1000);
    this.mark('rebuild');
  }

  receive(message: HostMessage): void {
    switch (message.type) {
      case 'show': {
        const shown = fromShow(message, this.kind === 'panel' ? this.ui.overlays : []);
        this.data = shown.data;
        this.ui.overlays = this.kind === 'panel' ? shown.overlays : [];
        this.ui.experiment = message.experiment ?? primaryOf(this.data)?.experiment ?? this.ui.experiment;
        this.ui.specPath = message.specPath ?? primaryOf(this.data)?.specPath ?? this.ui.specPath;
        for (const dir of shown.toLoad) this.host.post({ type: 'loadSweep', dir });
        this.persist();
        this.mark('rebuild');
        return;
      }
      case 'sweepStarted':
        this.data.sweeps.set(message.sweep.dir, message.sweep);
        this.data.primaryDir = message.sweep.dir;
        this.ui.overlays = this.ui.overlays.filter((dir) => dir !== message.sweep.dir);
        this.mark('rebuild');
        return;
      case 'sweepEvents':
        this.applyEvents(message.dir, message.events);
        return;
      case 'sweepLoaded':
        this.data.sweeps.set(message.sweep.dir, message.sweep);
        if (message.sweep.dir === this.data.primaryDir || this.ui.overlays.includes(message.sweep.dir)) this.mark('rebuild');
        return;
      case 'history':
        this.data.history = message.history;
        this.mark('header');
        return;
      default:
        assertNever(message, 'host message');
    }
  }

  private applyEvents(dir: string, events: readonly unknown[]): void {
    const sweep = this.data.sweeps.get(dir);
    if (!sweep) return;
    const changes = applySweepEvents(sweep, events, new Date());
    if (changes.length === 0) return;
    const primary = dir === this.data.primaryDir;
    const drawn = primary || this.overlays().some((overlay) => overlay.dir === dir);
    if (!drawn) return;
    for (const change of changes) {
      if (change.kind !== 'epoch') continue;
      const added = [this.loss, this.accuracy].map((chart) => chart?.extend(dir, change.trial, change.metrics) ?? false);
      if (added.some(Boolean)) this.mark('curves');
    }
    this.mark('rates');
    if (primary) {
      this.mark('table');
      this.mark('header');
    }
  }

  private overlays(): SweepSnapshot[] {
    return this.kind === 'panel' ? drawableOverlays(this.data, this.ui.overlays) : [];
  }

  private changeSettings(change: Partial<Pick<UiState, 'smoothing' | 'logScale'>>): void {
    Object.assign(this.ui, change);
    this.persist();
    this.mark('rebuild');
  }

  private setOverlay(dir: string, on: boolean): void {
    this.ui.overlays = on ? [...new Set([...this.ui.overlays, dir])] : this.ui.overlays.filter((overlay) => overlay !== dir);
    if (on && !this.data.sweeps.has(dir)) this.host.post({ type: 'loadSweep', dir });
    this.persist();
    this.mark('rebuild');
  }

  private savePng(chart: string, dataUrl: string): void {
    const experiment = (this.ui.experiment ?? primaryOf(this.data)?.experiment ?? 'sweep').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    this.host.post({ type: 'savePng', name: `${experiment || 'sweep'}-${chart}.png`, dataUrl });
  }

  private persist(): void {
    this.host.save(this.ui);
  }

  private mark(part: keyof Dirty): void {
    this.dirty[part] = true;
    if (this.frame !== undefined) return;
    const wait = part === 'rebuild' ? 0 : this.nextRedrawAt - performance.now();
    if (wait <= 0) {
      clearTimeout(this.throttle);
      this.throttle = undefined;
      this.frame = requestAnimationFrame(() => this.flush());
    } else {
      this.throttle ??= setTimeout(() => {
        this.throttle = undefined;
        this.frame ??= requestAnimationFrame(() => this.flush());
      }, wait);
    }
  }

  private flush(): void {
    const started = performance.now();
    this.redraw();
    const ended = performance.now();
    this.nextRedrawAt = ended + 2 * (ended - started);
    // User Timing, read by `npm run bench` (scripts/webview-preview.mjs --ui-bench); bounded for long sessions.
    if (++this.redraws % 1000 === 0) performance.clearMeasures(redrawMeasure);
    performance.measure(redrawMeasure, { start: started, end: ended });
  }

  private redraw(): void {
    this.frame = undefined;
    const dirty = this.dirty;
    this.dirty = { rebuild: false, curves: false, rates: false, table: false, header: false };
    const primary = primaryOf(this.data);
    const overlays = this.overlays();
    if (dirty.rebuild) {
      const drawn: DrawnSweep[] = [
        ...(primary ? [{ sweep: primary, overlay: false, prefix: '' }] : []),
        ...overlays.map((sweep) => ({ sweep, overlay: true, prefix: formatStartTime(sweep.startedAt) })),
      ];
      this.colours = rateColours(drawn.flatMap(({ sweep }) => sweep.trials.map((trial) => trial.plan.rate)), this.theme.rateLow, this.theme.rateHigh);
      const options: CurveOptions = { smoothing: this.ui.smoothing, logScale: this.ui.logScale };
      this.loss.rebuild(drawn, options, this.theme, this.colours);
      this.accuracy?.rebuild(drawn, options, this.theme, this.colours);
      document.body.dataset.hasSweep = String(primary !== undefined);
      this.empty.hidden = primary !== undefined;
      this.charts.hidden = primary === undefined;
      if (this.accuracy) this.accuracy.card.element.hidden = primary?.task === 'regression';
    }
    if (dirty.rebuild || dirty.curves) {
      this.loss.refresh();
      this.accuracy?.refresh();
    }
    if (dirty.rebuild || dirty.rates) {
      const summarized: SummarizedSweep[] = [
        ...(primary ? [{ sweep: primary, summaries: summarizeSweep(primary), overlay: false, prefix: '' }] : []),
        ...overlays.map((sweep) => ({ sweep, summaries: summarizeSweep(sweep), overlay: true, prefix: formatStartTime(sweep.startedAt) })),
      ];
      this.rates.update(summarized, this.theme, this.colours);
      this.mc?.update(summarized[0]?.overlay === false ? summarized[0] : undefined, this.theme);
      this.heatmap?.update(primary && heatmapOf(primary, summarized[0]!.summaries));
    }
    if (dirty.rebuild || dirty.table) {
      this.table?.update(primary);
      this.rungs?.update(primary);
    }
    if (dirty.rebuild || dirty.header) {
      this.header.update(this.ui.experiment ?? primary?.experiment, primary, Date.now());
      this.controls?.setOverlayChoices(overlayChoices(this.data), this.ui.overlays);
      this.history?.update(this.data.history, this.data.primaryDir);
      this.rateScale.update(this.colours);
    }
  }
}
