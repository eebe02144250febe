/**
 * The experiment panel of one spec: its sweep's loss and accuracy curves; for a sweep of rates the per-rate and
 * Monte Carlo charts, for a sweep of a space the objective by each hyperparameter and (past two dimensions) the
 * parallel coordinates; the heatmap over any two dimensions; the trial and Hyperband tables; with Run/Stop,
 * exports, smoothing, log scale and stored sweeps overlaid.
 * It applies ToPanelMessages and posts FromPanelMessages; what changed is redrawn by part (viewParts.ts).
 */
import { assertNever } from '../../src/core/assertNever';
import type { FromPanelMessage, ToPanelMessage } from '../../src/protocol/panelView';
import type { LiveMessage, SweepSnapshot } from '../../src/protocol/webview';
import { CurveChart } from '../charts/curveChart';
import { HyperparameterCharts } from '../charts/hyperparameterCharts';
import { McChart, RateChart } from '../charts/rateCharts';
import { readTheme, type ChartTheme } from '../charts/theme';
import { noColours, type TrialColours } from '../model/colours';
import { dimensionsOf, searchesSpace } from '../model/dimensions';
import { heatmapOf } from '../model/heatmap';
import { parallelCoordinatesOf } from '../model/parallelCoordinates';
import { clampSmoothing } from '../model/series';
import { toggleSort } from '../model/table';
import type { UiState } from '../model/uiState';
import { applyLiveMessage, drawableOverlays, fromShow, overlayChoices, primaryOf, type RedrawPart, type ViewData } from '../model/viewData';
import { Controls } from './controls';
import { Header } from './header';
import { HeatmapCard } from './heatmapCard';
import { ParallelCoordinatesCard } from './parallelCoordinatesCard';
import { RateScale } from './rateScale';
import { RungTable } from './rungTable';
import { TrialTable } from './trialTable';
import {
  ChartGrid, coloursOf, drawnSweeps, followClock, followTheme, isDirty, markLiveUpdate, redrawScheduler, summarizedSweeps, type ViewHost,
} from './viewParts';

export class PanelView {
  private data: ViewData = { sweeps: new Map(), history: [] };
  private theme: ChartTheme = readTheme();
  private colours: TrialColours = noColours;
  private readonly scheduler = redrawScheduler((dirty) => this.redraw(dirty));
  private readonly header: Header;
  private readonly controls: Controls;
  private readonly rateScale = new RateScale();
  private readonly loss: CurveChart;
  private readonly accuracy: CurveChart;
  private readonly rates: RateChart;
  private readonly mc: McChart;
  private readonly heatmap: HeatmapCard;
  private readonly hyperparameters: HyperparameterCharts;
  private readonly parallel = new ParallelCoordinatesCard();
  private readonly grid: ChartGrid;
  private readonly table: TrialTable;
  private readonly rungs = new RungTable();

  constructor(root: HTMLElement, private readonly ui: UiState, private readonly host: ViewHost<FromPanelMessage> & { save(state: UiState): void }) {
    const save = (chart: string) => (dataUrl: string) => this.savePng(chart, dataUrl);
    this.header = new Header(false, {
      run: () => host.post({ type: 'run' }),
      stop: (dir) => host.post({ type: 'stop', dir }),
      exportCsv: (dir) => host.post({ type: 'exportCsv', dir }),
      exportModel: (dir) => host.post({ type: 'exportModel', dir }),
    });
    this.controls = new Controls(ui, {
      setSmoothing: (value) => this.changeSettings({ smoothing: clampSmoothing(value) }),
      setLogScale: (value) => this.changeSettings({ logScale: value }),
      setOverlay: (dir, on) => this.setOverlay(dir, on),
    });
    this.loss = new CurveChart({
      kind: 'loss', title: 'Loss per epoch', subtitle: 'val_loss solid · train_loss dashed · inference rule', curveKinds: ['val_loss', 'train_loss'],
      onSavePng: save('loss'),
    }, this.theme);
    this.accuracy = new CurveChart(
      { kind: 'accuracy', title: 'Validation accuracy', subtitle: 'val_acc per trial', curveKinds: ['val_acc'], onSavePng: save('accuracy') }, this.theme);
    this.rates = new RateChart(this.theme, save('rates'));
    this.mc = new McChart(this.theme, save('mc'));
    this.heatmap = new HeatmapCard((pick) => {
      this.ui.heatmap = pick;
      this.persist();
      this.scheduler.mark('rates');
    });
    this.hyperparameters = new HyperparameterCharts((name, dataUrl) => this.savePng(`hp-${name}`, dataUrl));
    this.grid = new ChartGrid(
      [
        this.loss.card.element, this.accuracy.card.element, this.rates.card.element, this.hyperparameters.element, this.parallel.element,
        this.heatmap.element, this.mc.card.element,
      ],
      'No sweep of this experiment yet. Run it to watch the loss of every dropout rate live.',
    );
    this.table = new TrialTable(ui.sort, ui.filter, {
      sort: (column) => {
        this.ui.sort = toggleSort(this.ui.sort, column);
        this.table.setSort(this.ui.sort);
        this.persist();
        this.scheduler.mark('table');
      },
      filter: (query) => {
        this.ui.filter = query;
        this.persist();
        this.scheduler.mark('table');
      },
    }, () => this.colours);
    root.classList.add('view-panel');
    root.replaceChildren(
      this.header.element, this.controls.element, this.grid.empty, this.rateScale.element, this.grid.element, this.table.element, this.rungs.element,
    );
    followTheme(this.scheduler, (theme) => (this.theme = theme));
    followClock(this.scheduler, () => primaryOf(this.data)?.status === 'running');
    this.scheduler.mark('rebuild');
  }

  receive(message: ToPanelMessage): void {
    switch (message.type) {
      case 'show': {
        const shown = fromShow(message, this.ui.overlays);
        this.data = shown.data;
        this.ui.overlays = shown.overlays;
        this.ui.experiment = message.experiment ?? primaryOf(this.data)?.experiment ?? this.ui.experiment;
        this.ui.specPath = message.specPath ?? primaryOf(this.data)?.specPath ?? this.ui.specPath;
        for (const dir of shown.toLoad) this.host.post({ type: 'loadSweep', dir });
        this.persist();
        this.scheduler.mark('rebuild');
        return;
      }
      case 'sweepLoaded':
        this.data.sweeps.set(message.sweep.dir, message.sweep);
        if (message.sweep.dir === this.data.primaryDir || this.ui.overlays.includes(message.sweep.dir)) this.scheduler.mark('rebuild');
        return;
      case 'sweepStarted':
        // The new sweep is primary: no longer an overlay.
        this.ui.overlays = this.ui.overlays.filter((dir) => dir !== message.sweep.dir);
        this.applyLive(message);
        return;
      case 'sweepEvents':
      case 'history':
        this.applyLive(message);
        return;
      default:
        assertNever(message, 'panel message');
    }
  }

  private applyLive(message: LiveMessage): void {
    const isDrawn = (dir: string) => dir === this.data.primaryDir || this.overlays().some((overlay) => overlay.dir === dir);
    markLiveUpdate(this.scheduler, applyLiveMessage(this.data, message, isDrawn, new Date()), [this.loss, this.accuracy]);
  }

  private overlays(): SweepSnapshot[] {
    return drawableOverlays(this.data, this.ui.overlays);
  }

  private changeSettings(change: Partial<Pick<UiState, 'smoothing' | 'logScale'>>): void {
    Object.assign(this.ui, change);
    this.persist();
    this.scheduler.mark('rebuild');
  }

  private setOverlay(dir: string, on: boolean): void {
    this.ui.overlays = on ? [...new Set([...this.ui.overlays, dir])] : this.ui.overlays.filter((overlay) => overlay !== dir);
    if (on && !this.data.sweeps.has(dir)) this.host.post({ type: 'loadSweep', dir });
    this.persist();
    this.scheduler.mark('rebuild');
  }

  private savePng(chart: string, dataUrl: string): void {
    const experiment = (this.ui.experiment ?? primaryOf(this.data)?.experiment ?? 'sweep').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    this.host.post({ type: 'savePng', name: `${experiment || 'sweep'}-${chart}.png`, dataUrl });
  }

  private persist(): void {
    this.host.save(this.ui);
  }

  private redraw(dirty: ReadonlySet<RedrawPart>): void {
    const primary = primaryOf(this.data);
    const overlays = this.overlays();
    if (dirty.has('rebuild')) {
      const drawn = drawnSweeps(primary, overlays);
      this.colours = coloursOf(drawn, this.theme);
      const options = { smoothing: this.ui.smoothing, logScale: this.ui.logScale };
      this.loss.rebuild(drawn, options, this.theme, this.colours);
      this.accuracy.rebuild(drawn, options, this.theme, this.colours);
      this.grid.show(primary !== undefined);
      this.accuracy.card.element.hidden = primary?.task === 'regression';
    }
    if (isDirty(dirty, 'curves')) {
      this.loss.refresh();
      this.accuracy.refresh();
    }
    if (isDirty(dirty, 'rates')) {
      const summarized = summarizedSweeps(primary, overlays);
      const shown = summarized[0]?.overlay === false ? summarized[0] : undefined;
      const plans = primary?.trials.map((trial) => trial.plan) ?? [];
      const dimensions = dimensionsOf(plans);
      // A space's configurations share rates: the per-rate charts would mix them, the per-hyperparameter ones do not.
      const space = searchesSpace(plans);
      this.rates.update(summarized, this.theme, this.colours);
      this.mc.update(shown, this.theme);
      if (space) this.rates.card.element.hidden = this.mc.card.element.hidden = true;
      else this.rates.card.element.hidden = false;
      this.hyperparameters.update(shown, space, this.theme);
      // Past two dimensions that vary (a `fixed` entry does not), one heatmap no longer shows every configuration.
      const varying = dimensions.filter((dimension) => dimension.values.length > 1).length;
      this.parallel.update(shown && parallelCoordinatesOf(shown.sweep, shown.summaries), varying > 2, this.theme);
      this.heatmap.update(shown && heatmapOf(shown.sweep, shown.summaries, this.ui.heatmap), dimensions);
    }
    if (isDirty(dirty, 'table')) {
      this.table.update(primary, this.ui.filter);
      this.rungs.update(primary);
    }
    if (isDirty(dirty, 'header')) {
      this.header.update(this.ui.experiment ?? primary?.experiment, primary, Date.now());
      this.controls.setOverlayChoices(overlayChoices(this.data), this.ui.overlays);
      this.rateScale.update(this.colours);
    }
  }
}
