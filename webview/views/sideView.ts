/**
 * The side view: compact charts of the running (or last) sweep of the workspace, and the recent sweeps, each of
 * which opens in its experiment panel (an interrupted one can be resumed). It applies ToSideViewMessages and posts
 * FromSideViewMessages; what changed is redrawn by part (viewParts.ts).
 */
import { assertNever } from '../../src/core/assertNever';
import type { FromSideViewMessage, ToSideViewMessage } from '../../src/protocol/sideView';
import { CurveChart } from '../charts/curveChart';
import { RateChart, type SummarizedSweep } from '../charts/rateCharts';
import { readTheme, type ChartTheme } from '../charts/theme';
import { noColours, type TrialColours } from '../model/colours';
import { bestRate } from '../../src/core/summary';
import { el } from '../dom';
import { searchesSpace } from '../model/dimensions';
import { configRateLabel, formatMetric } from '../model/format';
import { formatObjective } from '../model/heatmap';
import { defaultUiState } from '../model/uiState';
import { applyLiveMessage, fromShow, primaryOf, type RedrawPart, type ViewData } from '../model/viewData';
import { Header } from './header';
import { HistoryList } from './historyList';
import { RateScale } from './rateScale';
import {
  ChartGrid, coloursOf, drawnSweeps, followClock, followTheme, isDirty, markLiveUpdate, redrawScheduler, summarizedSweeps, type ViewHost,
} from './viewParts';

/** The side view has no settings: its curves take the defaults. */
const curveOptions = { smoothing: defaultUiState.smoothing, logScale: defaultUiState.logScale };

export class SideView {
  private data: ViewData = { sweeps: new Map(), history: [] };
  private theme: ChartTheme = readTheme();
  private colours: TrialColours = noColours;
  private readonly scheduler = redrawScheduler((dirty) => this.redraw(dirty));
  private readonly header = new Header(true);
  private readonly rateScale = new RateScale();
  private readonly loss: CurveChart;
  private readonly rates: RateChart;
  private readonly grid: ChartGrid;
  private readonly history: HistoryList;
  /** A space sweep's best configuration so far, in place of the per-rate chart (its configurations share rates). */
  private readonly best = el('p', { class: 'side-best', attrs: { 'data-best': '', hidden: true } });

  constructor(root: HTMLElement, host: ViewHost<FromSideViewMessage>) {
    this.loss = new CurveChart({ kind: 'loss', title: 'Validation loss', subtitle: 'val_loss per trial', curveKinds: ['val_loss'] }, this.theme);
    this.rates = new RateChart(this.theme);
    this.grid = new ChartGrid([this.loss.card.element, this.best, this.rates.card.element], 'No sweep to show yet.');
    this.history = new HistoryList((dir) => host.post({ type: 'openSweep', dir }), (dir) => host.post({ type: 'resumeSweep', dir }));
    root.classList.add('view-side');
    root.replaceChildren(this.header.element, this.grid.empty, this.rateScale.element, this.grid.element, this.history.element);
    followTheme(this.scheduler, (theme) => (this.theme = theme));
    followClock(this.scheduler, () => primaryOf(this.data)?.status === 'running');
    this.scheduler.mark('rebuild');
  }

  receive(message: ToSideViewMessage): void {
    switch (message.type) {
      case 'show':
        this.data = fromShow(message, []).data;
        this.scheduler.mark('rebuild');
        return;
      case 'sweepStarted':
      case 'sweepEvents':
      case 'history': {
        const update = applyLiveMessage(this.data, message, (dir) => dir === this.data.primaryDir, new Date());
        markLiveUpdate(this.scheduler, update, [this.loss]);
        return;
      }
      default:
        assertNever(message, 'side view message');
    }
  }

  private showBest(shown: SummarizedSweep | undefined): void {
    const best = shown && bestRate(shown.summaries, shown.sweep.objective);
    this.best.hidden = !best;
    if (!shown || !best) return;
    const { mean, std, n } = best.selected;
    const spread = n > 1 ? ` ± ${formatMetric(std)} over ${n} seeds` : ' (1 seed)';
    this.best.dataset.best = configRateLabel(best);
    this.best.replaceChildren(
      el('span', { class: 'side-best-title', text: 'Best configuration so far' }),
      el('span', { class: 'side-best-config', text: configRateLabel(best) }),
      el('span', { class: 'muted', text: `${shown.sweep.objective} ${formatObjective(shown.sweep.objective, mean)}${spread}` }),
    );
  }

  private redraw(dirty: ReadonlySet<RedrawPart>): void {
    const primary = primaryOf(this.data);
    if (dirty.has('rebuild')) {
      const drawn = drawnSweeps(primary, []);
      this.colours = coloursOf(drawn, this.theme);
      this.loss.rebuild(drawn, curveOptions, this.theme, this.colours);
      this.grid.show(primary !== undefined);
    }
    if (isDirty(dirty, 'curves')) this.loss.refresh();
    if (isDirty(dirty, 'rates')) {
      // A space sweep's configurations share rates: the verdict above names its best configuration instead.
      const space = searchesSpace(primary?.trials.map((trial) => trial.plan) ?? []);
      this.rates.card.element.hidden = space;
      const summarized = summarizedSweeps(primary, []);
      if (!space) this.rates.update(summarized, this.theme, this.colours);
      this.showBest(space ? summarized[0] : undefined);
    }
    if (isDirty(dirty, 'header')) {
      this.header.update(primary?.experiment, primary, Date.now());
      this.history.update(this.data.history, this.data.primaryDir);
      this.rateScale.update(this.colours);
    }
  }
}
