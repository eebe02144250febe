/**
 * When a view redraws: what changed is marked dirty by part, and the view redraws the dirty parts at most once per
 * animation frame. Live redraws are spaced by twice the cost of the last one, so a large sweep (50 trials × 500
 * epochs redraws ~75,000 points) never takes more than a third of the main thread and input stays responsive;
 * urgent parts (user actions: settings, overlays, a new sweep) redraw on the next frame.
 */

/** The User Timing measure of each redraw, read by `npm run bench` (scripts/webview-preview.mjs --ui-bench). */
const redrawMeasure = 'dropout-lab:redraw';

export class RedrawScheduler<Part extends string> {
  private dirty = new Set<Part>();
  private frame: number | undefined;
  private throttle: ReturnType<typeof setTimeout> | undefined;
  /** performance.now() before which a live redraw waits. */
  private nextRedrawAt = 0;
  private redraws = 0;

  /** `redraw` gets the parts marked since the last one; `urgent` parts skip the spacing. */
  constructor(private readonly redraw: (dirty: ReadonlySet<Part>) => void, private readonly urgent: readonly Part[]) {}

  mark(...parts: Part[]): void {
    for (const part of parts) this.dirty.add(part);
    if (this.frame !== undefined || parts.length === 0) return;
    const wait = parts.some((part) => this.urgent.includes(part)) ? 0 : this.nextRedrawAt - performance.now();
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
    this.frame = undefined;
    const dirty = this.dirty;
    this.dirty = new Set();
    const started = performance.now();
    this.redraw(dirty);
    const ended = performance.now();
    this.nextRedrawAt = ended + 2 * (ended - started);
    // Bounded for long sessions.
    if (++this.redraws % 1000 === 0) performance.clearMeasures(redrawMeasure);
    performance.measure(redrawMeasure, { start: started, end: ended });
  }
}
