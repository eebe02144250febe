/**
 * "Export Best Model": copies a sweep's `best-model/` (model.json + weights.bin, written by the trainer and the
 * runner) into a folder the user picks. Plain file copies: TF.js never loads in the extension host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportBestModel, findBestModel } from '../store/bestModel';
import { modelFiles } from '../store/layout';
import { readManifest } from '../store/reader';
import type { SweepHistory } from './history';
import { isSpecUri } from './specFiles';
import { errorMessage } from '../core/errors';

/**
 * The sweep to export: a folder the caller names (a panel's button), else the active panel's sweep, else one the
 * user picks among the stored sweeps (of the spec given as a Uri, or all) that have a best model.
 */
export async function sweepToExport(arg: unknown, history: SweepHistory, activePanelSweep: string | undefined): Promise<string | undefined> {
  if (typeof arg === 'string') return (await history.isKnown(arg)) ? arg : undefined;
  if (activePanelSweep) return activePanelSweep;
  const spec = arg instanceof vscode.Uri && isSpecUri(arg) ? arg.fsPath : undefined;
  const sweeps = (spec ? await history.forSpec(spec) : await history.list()).flatMap((sweep) => {
    const found = findBestModel(sweep.dir);
    return 'problem' in found ? [] : [{ sweep, choice: found.choice }];
  });
  if (sweeps.length === 0) {
    void vscode.window.showInformationMessage('No stored sweep has a best model yet: a sweep saves one when it ends.');
    return undefined;
  }
  if (sweeps.length === 1) return sweeps[0]!.sweep.dir;
  const picked = await vscode.window.showQuickPick(sweeps.map(({ sweep, choice }) => ({
    label: `${sweep.experiment} · ${sweep.startedAt.replace('T', ' ').slice(0, 19)}`,
    description: `${choice.trialId}, epoch ${choice.epoch}, ${choice.objective} ${choice.value.toFixed(4)}`,
    detail: vscode.workspace.asRelativePath(sweep.dir),
    dir: sweep.dir,
  })), { placeHolder: 'Sweep whose best model to export' });
  return picked?.dir;
}

/** Asks for a folder and copies the sweep's best model into it; a model.json already there is replaced only on request. */
export async function exportBestModelInteractively(sweepDir: string): Promise<void> {
  const found = findBestModel(sweepDir);
  if ('problem' in found) {
    void vscode.window.showWarningMessage(`Dropout Lab: ${found.problem}.`);
    return;
  }
  const manifest = readManifest(sweepDir);
  const [folder] = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export Here',
    title: `Export the best model of ${manifest.experiment} (trial ${found.choice.trialId})`,
    defaultUri: vscode.Uri.file(path.dirname(manifest.specPath)),
  }) ?? [];
  if (!folder) return;
  const target = folder.fsPath;
  const exists = fs.existsSync(modelFiles(target).json);
  if (exists && (await vscode.window.showWarningMessage(`${target} already holds a model.json.`, { modal: true }, 'Replace')) !== 'Replace') return;
  try {
    const { trialId, epoch, objective, value } = exportBestModel(sweepDir, target, exists);
    void vscode.window.showInformationMessage(
      `Exported the best model (trial ${trialId}, epoch ${epoch}, ${objective} ${value.toFixed(4)}) to ${target}: `
        + 'model.json + weights.bin for tf.loadLayersModel.');
  } catch (error) {
    void vscode.window.showErrorMessage(`Dropout Lab: cannot export the model: ${errorMessage(error)}`);
  }
}
