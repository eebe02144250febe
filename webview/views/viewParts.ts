/**
 * What the panel and the side view draw alike: the sweeps drawn (the primary one, then the overlays), their rate
 * colours, the chart grid with its empty state, and the theme and clock that change a view without a message.
 */
import type { SweepSnapshot } from '../../src/protocol/webview';
import type { CurveChart, DrawnSweep } from '../charts/curveChart';
import type { SummarizedSweep } from '../charts/rateCharts';
import { readTheme, watchTheme, type ChartTheme } from '../charts/theme';
import { el } from '../dom';
import { trialColours, type TrialColours } from '../model/colours';
import { formatStartTime } from '../model/format';
import { summarizeSweep } from '../model/rates';
import type { LiveUpdate, RedrawPart } from '../model/viewData';
import { RedrawScheduler } from './redrawScheduler';

/** A view's way to the host: the messages of its own union. */
export interface ViewHost<Message> {
  post(message: Message): void;
}

/** A view's scheduler: `rebuild` (a new sweep, settings, theme, overlays) is urgent, live parts are spaced. */
export function redrawScheduler(redraw: (dirty: ReadonlySet<RedrawPart>) => void): RedrawScheduler<RedrawPart> {
  return new RedrawScheduler<RedrawPart>(redraw, ['rebuild']);
}

/** Whether `part` is to be redrawn: it was marked, or everything is rebuilt. */
export function isDirty(dirty: ReadonlySet<RedrawPart>, part: RedrawPart): boolean {
  return dirty.has('rebuild') || dirty.has(part);
}

/** Marks what a live message changed; the curve charts extend by its epochs (a `curves` redraw when any did). */
export function markLiveUpdate(scheduler: RedrawScheduler<RedrawPart>, update: LiveUpdate, curves: readonly CurveChart[]): void {
  let extended = false;
  for (const { dir, trial, metrics } of update.epochs) {
    for (const chart of curves) extended = chart.extend(dir, trial, metrics) || extended;
  }
  if (extended) scheduler.mark('curves');
  scheduler.mark(...update.parts);
}

/** VS Code changed its colour theme: the view takes the new one and rebuilds. */
export function followTheme(scheduler: RedrawScheduler<RedrawPart>, setTheme: (theme: ChartTheme) => void): void {
  watchTheme(() => {
    setTheme(readTheme());
    scheduler.mark('rebuild');
  });
}

/** While the view's primary sweep runs, its header is redrawn every second: the ETA and durations move with the clock. */
export function followClock(scheduler: RedrawScheduler<RedrawPart>, isRunning: () => boolean): void {
  setInterval(() => {
    if (isRunning()) scheduler.mark('header');
  }, 1000);
}

export function drawnSweeps(primary: SweepSnapshot | undefined, overlays: readonly SweepSnapshot[]): DrawnSweep[] {
  return [
    ...(primary ? [{ sweep: primary, overlay: false, prefix: '' }] : []),
    ...overlays.map((sweep) => ({ sweep, overlay: true, prefix: formatStartTime(sweep.startedAt) })),
  ];
}

export function summarizedSweeps(primary: SweepSnapshot | undefined, overlays: readonly SweepSnapshot[]): SummarizedSweep[] {
  return drawnSweeps(primary, overlays).map((drawn) => ({ ...drawn, summaries: summarizeSweep(drawn.sweep) }));
}

/**
 * One colour per rate drawn (or per value of the hyperparameter a space sweep is coloured by), low to high on the
 * theme's scale: every chart and the colour key use these.
 */
export function coloursOf(drawn: readonly DrawnSweep[], theme: ChartTheme): TrialColours {
  return trialColours(drawn.flatMap(({ sweep }) => sweep.trials.map((trial) => trial.plan)), theme.rateLow, theme.rateHigh);
}

/** The grid of chart cards, shown when there is a sweep, and the sentence shown instead when there is none. */
export class ChartGrid {
  readonly element: HTMLElement;
  readonly empty: HTMLElement;

  constructor(cards: HTMLElement[], emptyText: string) {
    this.element = el('div', { class: 'chart-grid' }, cards);
    this.empty = el('p', { class: 'empty-state', text: emptyText });
  }

  show(hasSweep: boolean): void {
    document.body.dataset.hasSweep = String(hasSweep);
    this.empty.hidden = hasSweep;
    this.element.hidden = !hasSweep;
  }
}
