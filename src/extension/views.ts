/**
 * The two webviews — the experiment panel (one per spec) and the side view — and what they share: turning the
 * run store and the live sweeps into HostMessages, and acting on WebviewMessages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { assertNever } from '../core/assertNever';
import type { HostMessage, SweepSnapshot, WebviewMessage } from '../protocol/webview';
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

/** Webview requests that every view handles the same way. `dir` always comes from a webview: checked first. */
async function handleCommonMessage(context: ViewContext, connection: ViewConnection, message: WebviewMessage, specPath?: string): Promise<void> {
  if ('dir' in message && !(await context.history.isKnown(message.dir)) && !context.sweeps.runningDirs().includes(message.dir)) {
    context.log.warn(`a webview named an unknown sweep folder, ignored: ${message.dir}`);
    return;
  }
  switch (message.type) {
    case 'ready':
      return;
    case 'run':
      if (specPath) await context.runSpec(specPath);
      return;
    case 'stop': {
      const sweep = snapshot(context.log, message.dir);
      if (sweep) context.sweeps.stop(sweep.specPath);
      return;
    }
    case 'openSweep': {
      const sweep = snapshot(context.log, message.dir);
      if (sweep) context.openPanel(sweep.specPath, sweep.dir);
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
    case 'resumeSweep':
      await context.resumeSweep(message.dir);
      return;
    case 'exportModel':
      await vscode.commands.executeCommand('dropoutLab.exportBestModel', message.dir);
      return;
    case 'savePng':
      await savePng(message.name, message.dataUrl);
      return;
    default:
      assertNever(message, 'webview message');
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
  private readonly connection: ViewConnection;
  private focusDir: string | undefined;
  /** The sweep the panel shows (what Export Best Model exports when the panel is active). */
  shownDir: string | undefined;

  constructor(readonly panel: vscode.WebviewPanel, readonly specPath: string, private readonly context: ViewContext, focusDir?: string) {
    super();
    this.focusDir = focusDir;
    this.push(panel);
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'dropout.svg');
    this.connection = this.push(new ViewConnection(panel.webview, context.log, {
      onReady: () => void this.sendAll(),
      onMessage: (message) => void handleCommonMessage(context, this.connection, message, specPath),
    }));
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'panel', panel.title);
    this.push(context.sweeps.onDidEvent(({ specPath: eventSpec, dir, event }) => {
      if (path.resolve(eventSpec) !== path.resolve(specPath)) return;
      if (event.type === 'sweepStarted') {
        this.focusDir = dir;
        const sweep = snapshot(context.log, dir);
        if (sweep) this.connection.post({ type: 'sweepStarted', sweep });
      } else this.connection.postEvent(dir, event);
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
    const sweep = dir ? snapshot(this.context.log, dir) : undefined;
    this.shownDir = sweep?.dir;
    const experiment = sweep?.experiment ?? history[0]?.experiment ?? path.basename(this.specPath, '.dropout.json');
    const message: HostMessage = { type: 'show', view: 'panel', experiment, specPath: this.specPath, sweeps: sweep ? [sweep] : [], history };
    this.connection.post(message);
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
  private connection: ViewConnection | undefined;

  constructor(private readonly context: ViewContext) {
    super();
    this.push(vscode.window.registerWebviewViewProvider(sideViewId, this));
    this.push(context.sweeps.onDidEvent(({ dir, event }) => {
      if (!this.connection) return;
      if (event.type === 'sweepStarted') {
        const sweep = snapshot(context.log, dir);
        if (sweep) this.connection.post({ type: 'sweepStarted', sweep });
      } else this.connection.postEvent(dir, event);
    }));
    this.push(context.history.onDidChange(async () => this.connection?.post({ type: 'history', history: (await context.history.list()).slice(0, 30) })));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.context.extensionUri);
    const connection = new ViewConnection(view.webview, this.context.log, {
      onReady: () => void this.sendAll(connection),
      onMessage: (message) => void handleCommonMessage(this.context, connection, message),
    });
    this.connection = connection;
    view.webview.html = webviewHtml(view.webview, this.context.extensionUri, 'side', 'Dropout Lab sweeps');
    view.onDidDispose(() => {
      connection.dispose();
      if (this.connection === connection) this.connection = undefined;
    });
  }

  private async sendAll(connection: ViewConnection): Promise<void> {
    const history = (await this.context.history.list()).slice(0, 30);
    const dir = this.context.sweeps.runningDirs()[0] ?? history[0]?.dir;
    const sweep = dir ? snapshot(this.context.log, dir) : undefined;
    connection.post({ type: 'show', view: 'side', sweeps: sweep ? [sweep] : [], history });
  }
}
