import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { preflight, resolveSpecModel, type FileProblem } from '../engine/preflight';
import { workspaceFiles } from '../workspace/dataFiles';
import { parseSpec } from '../engine/spec/parse';
import { datasetCacheDir, experimentSlug } from '../store/layout';
import { imageCache } from '../store/datasetCache';
import { problemSelection, type SpecDiagnostics } from './diagnostics';
import type { SweepHistory } from './history';
import { exportBestModelInteractively, sweepToExport } from './modelExport';
import { resourceLimits, runsRootFor } from './settings';
import { findSpecFiles, isSpecUri, readSpecText } from './specFiles';
import type { SweepService } from './sweepService';
import type { ModuleSpaces } from './moduleSpaces';
import { resolveModuleSpec } from '../runner/moduleDiscovery';
import { experimentTemplate } from './template';
import { exportCsv } from './views';
import { errorMessage } from '../core/errors';

export interface CommandContext {
  sweeps: SweepService;
  moduleSpaces: ModuleSpaces;
  history: SweepHistory;
  diagnostics: SpecDiagnostics;
  log: vscode.LogOutputChannel;
  openPanel(specPath: string, dir?: string): void;
  /** The sweep the active experiment panel shows, if a panel is active. */
  activePanelSweep(): string | undefined;
}

/** The spec a command acts on: its argument, else the active editor's spec, else one the user picks. */
async function resolveSpec(arg: unknown, purpose: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && isSpecUri(arg)) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isSpecUri(active)) return active;
  const files = await findSpecFiles();
  if (files.length === 0) {
    const choice = await vscode.window.showInformationMessage('There is no *.dropout.json file in this workspace.', 'New Dropout Experiment');
    if (choice) await vscode.commands.executeCommand('dropoutLab.newExperiment');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri })),
    { placeHolder: `Experiment to ${purpose}` },
  );
  return picked?.uri;
}

async function revealProblem(problem: FileProblem): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(problem.file));
  const editor = await vscode.window.showTextDocument(document);
  const range = problemSelection(problem.file, problem);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
}

/**
 * Training reads workspace files (CSV), runs child processes and, for model.module, the workspace's own code: not in
 * a folder the user has not trusted.
 */
async function refusedInRestrictedMode(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return false;
  const choice = await vscode.window.showWarningMessage(
    'Dropout Lab runs no training in Restricted Mode, and no builder module (model.module). Stored results stay viewable; '
    + 'trust this folder to run experiments.', 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return true;
}

export async function runExperiment(context: CommandContext, uri: vscode.Uri, rates?: number[]): Promise<void> {
  const specPath = uri.fsPath;
  if (await refusedInRestrictedMode()) return;
  const running = context.sweeps.running(specPath);
  if (running) {
    const choice = await vscode.window.showWarningMessage(`${running.experiment} is already running.`, 'Show', 'Stop');
    if (choice === 'Show') context.openPanel(specPath, running.dir);
    if (choice === 'Stop') context.sweeps.stop(specPath);
    return;
  }
  const text = readSpecText(uri);
  const parsed = parseSpec(text);
  const { problems } = parsed;
  let spec = parsed.spec;
  let module: { path: string; sha256: string } | undefined;
  const errors: FileProblem[] = problems.filter((problem) => problem.severity === 'error').map((problem) => ({ file: specPath, ...problem }));
  // The data and the limits, checked here so that a bad CSV cell or a model too large never reaches a trainer. An image
  // folder is decoded into the runs folder's dataset cache, which the sweep's trainers then read.
  const cache = spec?.dataset.type === 'images' ? imageCache(datasetCacheDir(runsRootFor(specPath))) : undefined;
  const files = workspaceFiles(path.dirname(specPath), cache);
  if (spec && errors.length === 0) errors.push(...preflight(spec, specPath, text, resourceLimits(), files));
  // A builder module's space, discovered in a trainer process (cached by the module's hash), merged into the spec.
  if (spec?.model.module && errors.length === 0) {
    const moduleSpec = spec;
    const discovered = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Dropout Lab: discovering the hyperparameters of ${moduleSpec.model.module}` },
      () => context.moduleSpaces.discover(moduleSpec, specPath));
    const resolved = resolveModuleSpec(spec, specPath, text, discovered);
    if ('problems' in resolved) errors.push(...resolved.problems);
    else ({ spec, module } = resolved);
  }
  context.diagnostics.showPreflight(uri, spec ? errors : []);
  if (!spec || errors.length > 0) {
    const [first] = errors;
    const where = first
      ? `${path.basename(first.file)}:${first.line}:${first.column}${first.path ? ` ${first.path}` : ''}: ${first.message}`
      : 'the spec is invalid';
    const choice = await vscode.window.showErrorMessage(
      `Cannot run ${path.basename(specPath)}: ${errors.length} problem${errors.length === 1 ? '' : 's'}. First at ${where}`, 'Show Problem');
    if (choice && first) await revealProblem(first);
    return;
  }
  try {
    // The runner stores (and its trainers, resume and the views read) the spec with the model's own hyperparameters.
    const sweep = await context.sweeps.start(specPath, module ? spec : resolveSpecModel(spec, files), text, rates, module);
    context.history.invalidate();
    context.openPanel(specPath, sweep.dir);
  } catch (error) {
    context.log.error(`cannot start ${specPath}: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`Dropout Lab: cannot start the sweep: ${errorMessage(error)}`, 'Show Log').then((c) => c && context.log.show());
  }
}

/** Runs the unfinished trials of an interrupted sweep into its own folder and shows it. */
export async function resumeInterruptedSweep(context: CommandContext, dir: string): Promise<void> {
  if (await refusedInRestrictedMode()) return;
  try {
    const sweep = await context.sweeps.resume(dir);
    context.history.invalidate();
    context.openPanel(sweep.specPath, sweep.dir);
  } catch (error) {
    context.log.error(`cannot resume ${dir}: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`Dropout Lab: cannot resume the sweep: ${errorMessage(error)}`, 'Show Log').then((c) => c && context.log.show());
  }
}

async function pickInterruptedSweep(context: CommandContext): Promise<string | undefined> {
  const interrupted = (await context.history.list()).filter((sweep) => sweep.status === 'interrupted');
  if (interrupted.length === 0) {
    void vscode.window.showInformationMessage('No interrupted Dropout Lab sweep in this workspace.');
    return undefined;
  }
  if (interrupted.length === 1) return interrupted[0].dir;
  const picked = await vscode.window.showQuickPick(
    interrupted.map((sweep) => ({
      label: sweep.experiment, description: `${sweep.startedAt} · ${sweep.trialCount} trials`, detail: sweep.dir, dir: sweep.dir,
    })),
    { placeHolder: 'Interrupted sweep to resume' },
  );
  return picked?.dir;
}

/** At startup: sweeps whose runner died (a crash, a killed window) are offered for resuming. */
export async function offerToResume(context: CommandContext): Promise<void> {
  if (!vscode.workspace.isTrusted) return; // they are listed as interrupted; resuming needs trust
  const interrupted = (await context.history.list()).filter((sweep) => sweep.status === 'interrupted');
  if (interrupted.length === 0) return;
  const names = [...new Set(interrupted.map((sweep) => sweep.experiment))].join(', ');
  const choice = await vscode.window.showInformationMessage(
    `Dropout Lab: ${interrupted.length === 1 ? 'a sweep was' : `${interrupted.length} sweeps were`} interrupted (${names}). `
      + 'Resume runs the trials that did not finish; finished epochs are kept.',
    'Resume');
  if (choice) await vscode.commands.executeCommand('dropoutLab.resumeSweep');
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const register = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
  return [
    register('dropoutLab.run', async (arg) => {
      const uri = await resolveSpec(arg, 'run');
      if (uri) await runExperiment(context, uri);
    }),
    register('dropoutLab.runRate', async (arg, rate) => {
      const uri = await resolveSpec(arg, 'run');
      if (uri && typeof rate === 'number') await runExperiment(context, uri, [rate]);
    }),
    register('dropoutLab.stop', async (arg) => {
      const uri = arg instanceof vscode.Uri ? arg : undefined;
      if (uri && context.sweeps.stop(uri.fsPath)) return;
      const dirs = context.sweeps.runningDirs();
      if (dirs.length === 0) {
        void vscode.window.showInformationMessage('No Dropout Lab sweep is running.');
        return;
      }
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && context.sweeps.stop(active.fsPath)) return;
      const specs = (await findSpecFiles()).filter((spec) => context.sweeps.running(spec.fsPath));
      const target = specs.length === 1
        ? specs[0]
        : (await vscode.window.showQuickPick(specs.map((spec) => ({ label: path.basename(spec.fsPath), spec })), { placeHolder: 'Sweep to stop' }))?.spec;
      if (target) context.sweeps.stop(target.fsPath);
    }),
    register('dropoutLab.resumeSweep', async (arg) => {
      const dir = typeof arg === 'string' ? arg : await pickInterruptedSweep(context);
      if (dir) await resumeInterruptedSweep(context, dir);
    }),
    register('dropoutLab.showResults', async (arg) => {
      const uri = await resolveSpec(arg, 'show');
      if (uri) context.openPanel(uri.fsPath);
    }),
    register('dropoutLab.exportCsv', async (arg) => {
      const uri = await resolveSpec(arg, 'export');
      if (!uri) return;
      const [latest] = await context.history.forSpec(uri.fsPath);
      if (!latest) {
        void vscode.window.showInformationMessage(`${path.basename(uri.fsPath)} has no stored sweep yet.`);
        return;
      }
      await exportCsv(latest.dir);
    }),
    register('dropoutLab.exportBestModel', async (arg) => {
      const dir = await sweepToExport(arg, context.history, context.activePanelSweep());
      if (dir) await exportBestModelInteractively(dir);
    }),
    register('dropoutLab.newExperiment', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showErrorMessage('Open a folder first: the experiment file and its runs live in the workspace.');
        return;
      }
      const name = await vscode.window.showInputBox({
        title: 'New Dropout Experiment', prompt: 'Experiment name', value: 'my-experiment',
        validateInput: (value) => (value.trim() ? undefined : 'A name is required'),
      });
      if (!name) return;
      let file = path.join(folder.uri.fsPath, `${experimentSlug(name)}.dropout.json`);
      for (let n = 2; fs.existsSync(file); n++) file = path.join(folder.uri.fsPath, `${experimentSlug(name)}-${n}.dropout.json`);
      fs.writeFileSync(file, experimentTemplate(name.trim()));
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    }),
  ];
}
