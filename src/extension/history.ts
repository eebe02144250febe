/**
 * The sweeps of the workspace: every run store the workspace's specs write to, listed from their manifests.
 * Refreshed when a sweep starts or ends and when run folders change on disk (e.g. a CLI run).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SweepListItem } from '../core/records';
import { listSweeps } from '../store/reader';
import { DisposableObject } from './disposable';
import { findSpecFiles } from './specFiles';
import { runsRootFor } from './settings';

export class SweepHistory extends DisposableObject {
  private readonly emitter = this.push(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private cached: SweepListItem[] | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor() {
    super();
    const watcher = this.push(vscode.workspace.createFileSystemWatcher('**/sweep.json'));
    this.push(watcher.onDidCreate(() => this.invalidate()));
    this.push(watcher.onDidChange(() => this.invalidate()));
    this.push(watcher.onDidDelete(() => this.invalidate()));
    this.push({ dispose: () => clearTimeout(this.refreshTimer) });
  }

  /** Newest first. */
  async list(): Promise<SweepListItem[]> {
    if (!this.cached) {
      // A spec whose runs folder setting leads outside the workspace has no runs: starting one was refused.
      const roots = new Set((await findSpecFiles()).flatMap((uri) => {
        try {
          return [runsRootFor(uri.fsPath)];
        } catch {
          return [];
        }
      }));
      this.cached = [...roots].flatMap((root) => listSweeps(root)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    }
    return this.cached;
  }

  async forSpec(specPath: string): Promise<SweepListItem[]> {
    return (await this.list()).filter((sweep) => path.resolve(sweep.specPath) === path.resolve(specPath));
  }

  /** Whether `dir` is a sweep folder this workspace knows: webviews may only name those. */
  async isKnown(dir: string): Promise<boolean> {
    return (await this.list()).some((sweep) => sweep.dir === dir);
  }

  /** Coalesces bursts (a manifest is rewritten several times per sweep). */
  invalidate(): void {
    this.cached = undefined;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.emitter.fire(), 200);
  }
}
