/** Which sweeps a view holds and draws: the primary sweep, the overlaid ones, and the history to pick from. */
import type { HostMessage, SweepSnapshot } from '../../src/protocol/webview';
import type { SweepListItem } from '../../src/core/records';
import { choosePrimary } from './sweeps';

type ShowMessage = Extract<HostMessage, { type: 'show' }>;

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

export function fromShow(message: ShowMessage, rememberedOverlays: readonly string[]): ShownData {
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
