import * as os from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_LIMITS, type ResourceLimits } from '../engine/model/estimate';
import { backendChoices, type BackendChoice } from '../core/backend';
import { executorFromSetting } from './executorSetting';
import { resolveRunsRoot } from './runsFolder';

const section = 'dropoutLab';

export function backendSetting(): BackendChoice {
  const value = vscode.workspace.getConfiguration(section).get<string>('backend', 'auto');
  return backendChoices.includes(value as BackendChoice) ? (value as BackendChoice) : 'auto';
}

/**
 * `dropoutLab.executor`: '' (the local pool) or a Redis URL; throws, naming the setting, on anything else. In
 * Restricted Mode VS Code ignores a workspace's value (package.json: restrictedConfigurations), and no sweep runs.
 */
export function executorSetting(): string {
  return executorFromSetting(vscode.workspace.getConfiguration(section).get<unknown>('executor', ''));
}

/** 0 means one per core. */
export function maxParallelTrainers(): number {
  const value = vscode.workspace.getConfiguration(section).get<number>('maxParallelTrainers', 0);
  return Number.isInteger(value) && value > 0 ? value : os.availableParallelism();
}

/** `dropoutLab.limits.*`; a value that is not a positive number falls back to the default. */
export function resourceLimits(): ResourceLimits {
  const configuration = vscode.workspace.getConfiguration(section);
  const positive = (key: string, fallback: number): number => {
    const value = configuration.get<number>(key, fallback);
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    maxParameters: positive('limits.maxParameters', DEFAULT_LIMITS.maxParameters),
    maxMemoryMB: positive('limits.maxMemoryMB', DEFAULT_LIMITS.maxMemoryMB),
  };
}

export function codeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration(section).get<boolean>('codeLens.enabled', true);
}

/**
 * The runs root for a spec: the `runsFolder` setting (relative to the spec's workspace folder, confined to it), else
 * next to the spec. Throws, saying why, when the setting leads outside the workspace.
 */
export function runsRootFor(specPath: string): string {
  const configured = vscode.workspace.getConfiguration(section).get<string>('runsFolder', '');
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(specPath))?.uri.fsPath;
  const { root, error } = resolveRunsRoot(configured, specPath, folder);
  if (error !== undefined) throw new Error(error);
  return root;
}

export function onSettingsChanged(listener: (event: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(section)) listener(event);
  });
}
