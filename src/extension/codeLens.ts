import * as path from 'node:path';
import * as vscode from 'vscode';
import { configOf } from '../core/dropoutConfig';
import type { ParsedSpec } from '../core/spec';
import { resolveSpecModel } from '../engine/preflight';
import { workspaceFiles } from '../workspace/dataFiles';
import { codeLenses, type LensState } from './codeLensModel';
import { DisposableObject } from './disposable';
import type { SweepHistory } from './history';
import { codeLensEnabled, onSettingsChanged } from './settings';
import { isSpecUri, parseDocument } from './specFiles';
import type { SweepService } from './sweepService';
import type { ModuleSpaces } from './moduleSpaces';

/** Refreshes at most this often while a sweep streams epochs, so the lens text does not flicker. */
const refreshIntervalMs = 500;

export class SpecCodeLensProvider extends DisposableObject implements vscode.CodeLensProvider {
  private readonly changed = this.push(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly sweeps: SweepService, private readonly history: SweepHistory, private readonly moduleSpaces: ModuleSpaces) {
    super();
    this.push(vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.dropout.json' }, this));
    this.push(sweeps.onDidEvent(({ event }) => (event.type === 'sweepEnded' || event.type === 'sweepStarted' ? this.refreshNow() : this.refreshSoon())));
    this.push(history.onDidChange(() => this.refreshNow()));
    this.push(onSettingsChanged(() => this.refreshNow()));
    this.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshNow()));
    this.push(moduleSpaces.onDidChange(() => this.refreshNow()));
    this.push({ dispose: () => clearTimeout(this.refreshTimer) });
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!codeLensEnabled() || !isSpecUri(document.uri)) return [];
    const specPath = document.uri.fsPath;
    const running = this.sweeps.running(specPath);
    const [last] = await this.history.forSpec(specPath);
    const state: LensState = {
      running: running && {
        epoch: running.epoch, epochs: running.epochsPlanned, trialsDone: running.tally.progress.trialsDone, trialsTotal: running.trialsTotal,
      },
      last: last && {
        startedAt: last.startedAt, endedAt: last.endedAt, status: last.status, best: last.best && configOf(last.best), verdict: last.verdict?.lens,
      },
      trusted: vscode.workspace.isTrusted,
    };
    const parsed = withModelSpace(parseDocument(document), specPath);
    // A builder module is discovered only when trusted and not running (its names are then known), never here in the host.
    if (parsed.spec?.model.module && state.trusted && !running) state.module = this.moduleSpaces.lens(parsed.spec, specPath);
    return codeLenses(document.getText(), parsed, state).map((lens) => {
      const position = document.positionAt(lens.offset);
      return new vscode.CodeLens(new vscode.Range(position, position), {
        title: lens.title, command: lens.command, arguments: [document.uri, ...lens.args], tooltip: lens.tooltip,
      });
    });
  }

  private refreshNow(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.changed.fire();
  }

  private refreshSoon(): void {
    this.refreshTimer ??= setTimeout(() => this.refreshNow(), refreshIntervalMs);
  }
}

/**
 * With model.from, the spec with the model's dropout layers in its space, so the lens counts what Run will search (a
 * model that cannot be read keeps the spec as written: Run reports why).
 */
function withModelSpace(parsed: ParsedSpec, specPath: string): ParsedSpec {
  if (parsed.spec?.model.from === undefined) return parsed;
  try {
    return { ...parsed, spec: resolveSpecModel(parsed.spec, workspaceFiles(path.dirname(specPath))) };
  } catch {
    return parsed;
  }
}

export function specName(uri: vscode.Uri): string {
  return path.basename(uri.fsPath, '.dropout.json');
}
