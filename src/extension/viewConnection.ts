/**
 * One webview's end of the host↔webview protocol: nothing is posted before the webview says `ready` (its
 * onReady handler then sends the whole state), live sweep events go out in batches (at most one message per
 * sweep per 50 ms), and every message received is validated.
 */
import type * as vscode from 'vscode';
import { isWebviewMessage, type HostMessage, type WebviewMessage } from '../protocol/webview';
import { type SweepEvent } from '../protocol/sweepEvents';
import { DisposableObject } from './disposable';

const batchIntervalMs = 50;

export class ViewConnection extends DisposableObject {
  private ready = false;
  private readonly batches = new Map<string, SweepEvent[]>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly log: vscode.LogOutputChannel,
    private readonly handlers: { onReady(): void; onMessage(message: WebviewMessage): void },
  ) {
    super();
    this.push(webview.onDidReceiveMessage((message: unknown) => {
      if (!isWebviewMessage(message)) {
        this.log.warn(`dropped a malformed message from a webview: ${JSON.stringify(message)?.slice(0, 200)}`);
        return;
      }
      if (message.type === 'ready') {
        // A reloaded webview starts over: everything it needs comes with onReady.
        this.ready = true;
        this.batches.clear();
        this.handlers.onReady();
      } else this.handlers.onMessage(message);
    }));
    this.push({ dispose: () => clearTimeout(this.flushTimer) });
  }

  post(message: HostMessage): void {
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
    for (const [dir, events] of this.batches) void this.webview.postMessage({ type: 'sweepEvents', dir, events } satisfies HostMessage);
    this.batches.clear();
  }
}
