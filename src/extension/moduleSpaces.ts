/**
 * Builder-module discoveries for the CodeLens and Run. The module's code runs only in a trainer process (never in
 * the extension host) and only in a trusted workspace; a discovery is cached by the module file's hash and the
 * dataset (what build() is told), so typing in the spec does not run it again, while an edited module is.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentSpec } from '../core/spec';
import { errorMessage } from '../core/errors';
import { discoverModuleSpace, type DiscoveryResult } from '../runner/moduleDiscovery';
import { datasetCacheDir, fileHash } from '../store/layout';
import type { ModuleLens } from './codeLensModel';
import { DisposableObject } from './disposable';
import { runsRootFor } from './settings';


export class ModuleSpaces extends DisposableObject {
  private readonly discoveries = new Map<string, Promise<DiscoveryResult>>();
  private readonly settled = new Map<string, DiscoveryResult>();
  private readonly changed = this.push(new vscode.EventEmitter<void>());
  /** A discovery the lens started has ended. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly trainerPath: string) {
    super();
  }

  /** The discovery of the spec's module: the cached one for this module content and dataset, else a new one. */
  discover(spec: ExperimentSpec, specPath: string): Promise<DiscoveryResult> {
    if (!vscode.workspace.isTrusted) return Promise.resolve({ problem: { message: 'builder modules run only in a trusted workspace' } });
    const key = cacheKey(spec, specPath);
    let discovery = this.discoveries.get(key);
    if (!discovery) {
      const specDir = path.dirname(specPath);
      discovery = discoverModuleSpace({ trainerPath: this.trainerPath, spec, specDir, dataCacheDir: datasetCacheDir(runsRootFor(specPath)) })
        .catch((error: unknown): DiscoveryResult => ({ problem: { message: errorMessage(error) } }));
      this.discoveries.set(key, discovery);
      void discovery.then((result) => {
        this.settled.set(key, result);
        this.changed.fire();
      });
    }
    return discovery;
  }

  /** For the lens, which never waits: what is known now, starting a discovery when none is cached. */
  lens(spec: ExperimentSpec, specPath: string): ModuleLens {
    const result = this.settled.get(cacheKey(spec, specPath));
    if (!result) {
      void this.discover(spec, specPath);
      return { kind: 'discovering' };
    }
    if ('problem' in result) return { kind: 'failed', message: result.problem.message };
    const searched = Object.entries(result.discovery.space).filter(([, entry]) => entry.type !== 'fixed').map(([name]) => name);
    return { kind: 'discovered', names: searched };
  }
}

/** The module's content and what build() is told (the dataset): the same key, the same space. */
function cacheKey(spec: ExperimentSpec, specPath: string): string {
  const file = path.resolve(path.dirname(specPath), spec.model.module ?? '');
  let hash: string;
  try {
    hash = fileHash(file);
  } catch {
    hash = 'unreadable';
  }
  return JSON.stringify([file, hash, spec.dataset, spec.training.seed]);
}
