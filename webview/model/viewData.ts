/**
 * Which sweeps a view holds and draws — the primary sweep, the overlaid ones, and the history to pick from — and
 * how the host's messages change them.
 */
import { assertNever } from '../../src/core/assertNever';
import type { SweepListItem } from '../../src/core/records';
import type { EpochMetrics } from '../../src/core/trial';
import type { PanelShowMessage } from '../../src/protocol/panelView';
import type { LiveMessage, SweepSnapshot, TrialSnapshot } from '../../src/protocol/webview';
import { applySweepEvents, choosePrimary } from './sweeps';

/** A `show` of either view (the side view's names no experiment). */
type ShowPayload = Pick<PanelShowMessage, 'experiment' | 'specPath' | 'sweeps' | 'history'>;

export interface ViewData {
  experiment?: string;
  specPath?: string;
  /** Every sweep received, by dir, drawn or not. */
  sweeps: Map<string, SweepSnapshot>;
  /** The sweep the header, table and progress are about. */
  primaryDir?: string;
  /** Newest first, as the host sends it. */
  history: SweepListItem[];
}

export interface ShownData {
  data: ViewData;
  /** The overlays to draw: the other sweeps `show` sent, then the ones remembered from before a reload. */
  overlays: string[];
  /** Remembered overlays the view does not hold yet: ask the host for them with `loadSweep`. */
  toLoad: string[];
}

export function fromShow(message: ShowPayload, rememberedOverlays: readonly string[]): ShownData {
  const sweeps = new Map(message.sweeps.map((sweep) => [sweep.dir, sweep]));
  const primaryDir = choosePrimary(message.sweeps)?.dir;
  const known = new Set([...sweeps.keys(), ...message.history.map((item) => item.dir)]);
  // A remembered overlay whose sweep was deleted since is forgotten rather than asked for.
  const overlays = [...new Set([...sweeps.keys(), ...rememberedOverlays])].filter((dir) => dir !== primaryDir && known.has(dir));
  return {
    data: { experiment: message.experiment, specPath: message.specPath, sweeps, primaryDir, history: message.history },
    overlays,
    toLoad: overlays.filter((dir) => !sweeps.has(dir)),
  };
}

export function primaryOf(data: ViewData): SweepSnapshot | undefined {
  return data.primaryDir === undefined ? undefined : data.sweeps.get(data.primaryDir);
}

/** The stored sweeps of this experiment that can be drawn over the primary one, newest first. */
export function overlayChoices(data: ViewData): SweepListItem[] {
  const experiment = data.experiment ?? primaryOf(data)?.experiment;
  return data.history.filter((item) => item.dir !== data.primaryDir && (experiment === undefined || item.experiment === experiment));
}

/** The overlays that can be drawn now: loaded, not the primary, in pick order. */
export function drawableOverlays(data: ViewData, overlays: readonly string[]): SweepSnapshot[] {
  return overlays.flatMap((dir) => {
    const sweep = data.sweeps.get(dir);
    return sweep && dir !== data.primaryDir ? [sweep] : [];
  });
}

/** The parts of a view a change touches, redrawn together; `rebuild` is everything. */
export type RedrawPart = 'rebuild' | 'curves' | 'rates' | 'table' | 'header';

export interface LiveUpdate {
  parts: RedrawPart[];
  /** Epochs appended to a drawn sweep, for the curve charts to extend (a `curves` redraw when any does). */
  epochs: { dir: string; trial: TrialSnapshot; metrics: EpochMetrics }[];
}

/**
 * Applies a live message to what a view holds. `isDrawn(dir)`: whether the view draws that sweep (the primary
 * one, an overlay); events of a sweep it holds but does not draw change the sweep and nothing on screen.
 */
export function applyLiveMessage(data: ViewData, message: LiveMessage, isDrawn: (dir: string) => boolean, now: Date): LiveUpdate {
  switch (message.type) {
    case 'sweepStarted':
      data.sweeps.set(message.sweep.dir, message.sweep);
      data.primaryDir = message.sweep.dir;
      return { parts: ['rebuild'], epochs: [] };
    case 'sweepEvents': {
      const { dir } = message;
      const sweep = data.sweeps.get(dir);
      const changes = sweep ? applySweepEvents(sweep, message.events, now) : [];
      if (changes.length === 0 || !isDrawn(dir)) return { parts: [], epochs: [] };
      const epochs = changes.flatMap((change) => (change.kind === 'epoch' ? [{ dir, trial: change.trial, metrics: change.metrics }] : []));
      return { parts: dir === data.primaryDir ? ['rates', 'table', 'header'] : ['rates'], epochs };
    }
    case 'history':
      data.history = message.history;
      return { parts: ['header'], epochs: [] };
    default:
      return assertNever(message, 'live message');
  }
}
