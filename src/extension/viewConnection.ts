/**
 * One webview's end of the host↔webview protocol, typed by the view's own message unions: nothing is posted
 * before the webview says `ready` (its onReady handler then sends the whole state), live sweep events go out in
 * batches (at most one message per sweep per 50 ms), and every message received is validated with the view's guard.
 */
import type * as vscode from 'vscode';
import type { SweepEvent } from '../protocol/sweepEvents';
import type { ReadyMessage, SweepEventsMessage } from '../protocol/webview';
import { DisposableObject } from './disposable';

const batchIntervalMs = 50;

/**
 * `To`: what the host posts to this view (its union includes the batched `sweepEvents`); `From`: what the view may
 * send, as its guard `accepts` checks it.
 */
export class ViewConnection<To extends { type: string }, From extends { type: string }> extends DisposableObject {
  private ready = false;
  private readonly batches = new Map<string, SweepEvent[]>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly log: vscode.LogOutputChannel,
    accepts: (value: unknown) => value is From,
    private readonly handlers: { onReady(): void; onMessage(message: Exclude<From, ReadyMessage>): void },
  ) {
    super();
    this.push(webview.onDidReceiveMessage((message: unknown) => {
      if (!accepts(message)) {
        this.log.warn(`dropped a malformed message from a webview: ${JSON.stringify(message)?.slice(0, 200)}`);
        return;
      }
      if (message.type === 'ready') {
        // A reloaded webview starts over: everything it needs comes with onReady.
        this.ready = true;
        this.batches.clear();
        this.handlers.onReady();
      } else this.handlers.onMessage(message as Exclude<From, ReadyMessage>); // TS does not narrow a generic union by exclusion
    }));
    this.push({ dispose: () => clearTimeout(this.flushTimer) });
  }

  post(message: To): void {
    if (!this.ready) return;
    this.flush();
    void this.webview.postMessage(message);
  }

  /** Live events go out in batches; `sweepEnded` flushes at once so the end is never late. */
  postEvent(dir: string, event: SweepEvent): void {
    if (!this.ready) return; // the snapshot sent on ready will include it
    const batch = this.batches.get(dir) ?? [];
    batch.push(event);
    this.batches.set(dir, batch);
    if (event.type === 'sweepEnded') this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), batchIntervalMs);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [dir, events] of this.batches) void this.webview.postMessage({ type: 'sweepEvents', dir, events } satisfies SweepEventsMessage);
    this.batches.clear();
  }
}

