/**
 * The two webviews — the experiment panel (one per spec) and the side view — each with its own messages
 * (protocol/panelView.ts, protocol/sideView.ts), and what they share: turning the run store and the live sweeps
 * into snapshots and live messages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { assertNever } from '../core/assertNever';
import { isFromPanelMessage, type FromPanelMessage, type ToPanelMessage } from '../protocol/panelView';
import { isFromSideViewMessage, type FromSideViewMessage, type ToSideViewMessage } from '../protocol/sideView';
import type { SweepEvent } from '../protocol/sweepEvents';
import type { LiveMessage, ReadyMessage, SweepSnapshot } from '../protocol/webview';
import { sweepToCsv } from '../store/csv';
import { loadSweep } from '../store/reader';
import { toSnapshot } from '../store/snapshot';
import { DisposableObject } from './disposable';
import type { SweepHistory } from './history';
import type { SweepService } from './sweepService';
import { ViewConnection } from './viewConnection';
import { webviewHtml, webviewResourceRoots } from './webviewHtml';

export const panelViewType = 'dropoutLab.experiment';
export const sideViewId = 'dropoutLab.sweeps';

export interface ViewContext {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  sweeps: SweepService;
  history: SweepHistory;
  /** Opens (or reveals) the panel of a spec, optionally on one of its sweeps. */
  openPanel(specPath: string, dir?: string): void;
  runSpec(specPath: string): Promise<void>;
  resumeSweep(dir: string): Promise<void>;
}

type PanelConnection = ViewConnection<ToPanelMessage, FromPanelMessage>;
type SideViewConnection = ViewConnection<ToSideViewMessage, FromSideViewMessage>;
/** What both views' connections take: the live messages. */
type LiveView = Pick<ViewConnection<LiveMessage, never>, 'post' | 'postEvent'>;

/** A stored sweep as the webviews draw it; lines of it that could not be read are logged with file and line. */
function snapshot(log: vscode.LogOutputChannel, dir: string): SweepSnapshot | undefined {
  try {
    const record = loadSweep(dir);
    for (const warning of record.warnings) log.warn(warning);
    return toSnapshot(record);
  } catch {
    return undefined; // deleted or unreadable: the history will drop it
  }
}

/** A sweep as a view is first shown it: a running one with what only its runner knows, its queue's latest state. */
function shownSnapshot(context: ViewContext, dir: string): SweepSnapshot | undefined {
  const sweep = snapshot(context.log, dir);
  const live = sweep ? context.sweeps.running(sweep.specPath) : undefined;
  if (!sweep || live?.dir !== dir || !live.queue) return sweep;
  const { workers, waiting, active } = live.queue;
  return { ...sweep, queue: { workers, waiting, active } };
}

/** Sends a runner event to a view: a sweep that starts as its snapshot, the others in the connection's batches. */
function forwardEvent(view: LiveView, log: vscode.LogOutputChannel, dir: string, event: SweepEvent): void {
  if (event.type !== 'sweepStarted') {
    view.postEvent(dir, event);
    return;
  }
  const sweep = snapshot(log, dir);
  if (sweep) view.post({ type: 'sweepStarted', sweep });
}

/** A `dir` always comes from a webview: acted on only when it is a sweep the host knows (stored or running). */
async function isKnownSweep(context: ViewContext, dir: string): Promise<boolean> {
  if ((await context.history.isKnown(dir)) || context.sweeps.runningDirs().includes(dir)) return true;
  context.log.warn(`a webview named an unknown sweep folder, ignored: ${dir}`);
  return false;
}

async function handlePanelMessage(
  context: ViewContext, connection: PanelConnection, specPath: string, message: Exclude<FromPanelMessage, ReadyMessage>,
): Promise<void> {
  if ('dir' in message && !(await isKnownSweep(context, message.dir))) return;
  switch (message.type) {
    case 'run':
      await context.runSpec(specPath);
      return;
    case 'stop': {
      const sweep = snapshot(context.log, message.dir);
      if (sweep) context.sweeps.stop(sweep.specPath);
      return;
    }
    case 'loadSweep': {
      const sweep = snapshot(context.log, message.dir);
      if (sweep) connection.post({ type: 'sweepLoaded', sweep });
      return;
    }
    case 'exportCsv':
      await exportCsv(message.dir);
      return;
    case 'exportModel':
      await vscode.commands.executeCommand('dropoutLab.exportBestModel', message.dir);
      return;
    case 'savePng':
      await savePng(message.name, message.dataUrl);
      return;
    default:
      assertNever(message, 'panel message');
  }
}

async function handleSideViewMessage(context: ViewContext, message: Exclude<FromSideViewMessage, ReadyMessage>): Promise<void> {
  if (!(await isKnownSweep(context, message.dir))) return;
  switch (message.type) {
    case 'openSweep': {
      const sweep = snapshot(context.log, message.dir);
      if (sweep) context.openPanel(sweep.specPath, sweep.dir);
      return;
    }
    case 'resumeSweep':
      await context.resumeSweep(message.dir);
      return;
    default:
      assertNever(message, 'side view message');
  }
}

export async function exportCsv(dir: string): Promise<void> {
  const record = loadSweep(dir);
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(path.dirname(record.manifest.specPath), `${record.manifest.experiment}-${record.manifest.id}.csv`)),
    filters: { CSV: ['csv'] },
    title: 'Export sweep as CSV',
  });
  if (!target) return;
  fs.writeFileSync(target.fsPath, sweepToCsv(record));
  void vscode.window.showInformationMessage(`Exported ${record.trials.length} trials to ${path.basename(target.fsPath)}.`);
}

async function savePng(name: string, dataUrl: string): Promise<void> {
  const safeName = name.replace(/[^\w.-]+/g, '-').slice(0, 80) || 'chart';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(folder, `${safeName}.png`)), filters: { PNG: ['png'] } });
  if (!target) return;
  fs.writeFileSync(target.fsPath, Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'));
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: webviewResourceRoots(extensionUri) };
}

/** The experiment panel of one spec: its sweeps' charts, live while one runs. */
export class ExperimentPanel extends DisposableObject {
  private readonly connection: PanelConnection;
  private focusDir: string | undefined;
  /** The sweep the panel shows (what Export Best Model exports when the panel is active). */
  shownDir: string | undefined;

  constructor(readonly panel: vscode.WebviewPanel, readonly specPath: string, private readonly context: ViewContext, focusDir?: string) {
    super();
    this.focusDir = focusDir;
    this.push(panel);
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'dropout.svg');
    this.connection = this.push(new ViewConnection<ToPanelMessage, FromPanelMessage>(panel.webview, context.log, isFromPanelMessage, {
      onReady: () => void this.sendAll(),
      onMessage: (message) => void handlePanelMessage(context, this.connection, specPath, message),
    }));
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'panel', panel.title);
    this.push(context.sweeps.onDidEvent(({ specPath: eventSpec, dir, event }) => {
      if (path.resolve(eventSpec) !== path.resolve(specPath)) return;
      if (event.type === 'sweepStarted') this.focusDir = dir;
      forwardEvent(this.connection, context.log, dir, event);
    }));
    this.push(context.history.onDidChange(async () => this.connection.post({ type: 'history', history: await context.history.forSpec(specPath) })));
  }

  reveal(focusDir?: string): void {
    if (focusDir && focusDir !== this.focusDir) {
      this.focusDir = focusDir;
      void this.sendAll();
    }
    this.panel.reveal(undefined, false);
  }

  private async sendAll(): Promise<void> {
    const history = await this.context.history.forSpec(this.specPath);
    const dir = this.context.sweeps.running(this.specPath)?.dir ?? this.focusDir ?? history[0]?.dir;
    const sweep = dir ? shownSnapshot(this.context, dir) : undefined;
    this.shownDir = sweep?.dir;
    const experiment = sweep?.experiment ?? history[0]?.experiment ?? path.basename(this.specPath, '.dropout.json');
    this.connection.post({ type: 'show', view: 'panel', experiment, specPath: this.specPath, sweeps: sweep ? [sweep] : [], history });
  }
}

/** One panel per spec, beside the editor; restored after a reload by the serializer. */
export class ExperimentPanels extends DisposableObject implements vscode.WebviewPanelSerializer<{ specPath?: string }> {
  private readonly panels = new Map<string, ExperimentPanel>();

  constructor(private readonly context: ViewContext) {
    super();
    this.push(vscode.window.registerWebviewPanelSerializer(panelViewType, this));
    this.push({ dispose: () => this.panels.forEach((panel) => panel.dispose()) });
  }

  activeSweep(): string | undefined {
    return [...this.panels.values()].find((panel) => panel.panel.active)?.shownDir;
  }

  open(specPath: string, focusDir?: string): void {
    const existing = this.panels.get(specPath);
    if (existing) {
      existing.reveal(focusDir);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      panelViewType, this.title(specPath), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.context.extensionUri));
    this.adopt(panel, specPath, focusDir);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: { specPath?: string } | undefined): Promise<void> {
    const specPath = state?.specPath;
    if (typeof specPath !== 'string' || !specPath.endsWith('.dropout.json')) {
      panel.dispose(); // nothing to restore it from
      return;
    }
    this.adopt(panel, specPath);
  }

  private adopt(panel: vscode.WebviewPanel, specPath: string, focusDir?: string): void {
    panel.title = this.title(specPath);
    const experimentPanel = new ExperimentPanel(panel, specPath, this.context, focusDir);
    this.panels.set(specPath, experimentPanel);
    panel.onDidDispose(() => {
      this.panels.delete(specPath);
      experimentPanel.dispose();
    });
  }

  private title(specPath: string): string {
    return `Dropout Lab: ${path.basename(specPath, '.dropout.json')}`;
  }
}

/** The activity bar view: compact charts of the running (or last) sweep and the workspace's recent sweeps. */
export class SweepsSideView extends DisposableObject implements vscode.WebviewViewProvider {
  private connection: SideViewConnection | undefined;

  constructor(private readonly context: ViewContext) {
    super();
    this.push(vscode.window.registerWebviewViewProvider(sideViewId, this));
    this.push(context.sweeps.onDidEvent(({ dir, event }) => this.connection && forwardEvent(this.connection, context.log, dir, event)));
    this.push(context.history.onDidChange(async () => this.connection?.post({ type: 'history', history: (await context.history.list()).slice(0, 30) })));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.context.extensionUri);
    const connection = new ViewConnection<ToSideViewMessage, FromSideViewMessage>(view.webview, this.context.log, isFromSideViewMessage, {
      onReady: () => void this.sendAll(connection),
      onMessage: (message) => void handleSideViewMessage(this.context, message),
    });
    this.connection = connection;
    view.webview.html = webviewHtml(view.webview, this.context.extensionUri, 'side', 'Dropout Lab sweeps');
    view.onDidDispose(() => {
      connection.dispose();
      if (this.connection === connection) this.connection = undefined;
    });
  }

  private async sendAll(connection: SideViewConnection): Promise<void> {
    const history = (await this.context.history.list()).slice(0, 30);
    const dir = this.context.sweeps.runningDirs()[0] ?? history[0]?.dir;
    const sweep = dir ? shownSnapshot(this.context, dir) : undefined;
    connection.post({ type: 'show', view: 'side', sweeps: sweep ? [sweep] : [], history });
  }
}
