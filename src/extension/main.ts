/**
 * Activation: everything here is light. TF.js never loads in the extension host; sweeps train in trainer
 * child processes started by the runner. Every disposable is owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { SpecCodeLensProvider } from './codeLens';
import { offerToResume, registerCommands, resumeInterruptedSweep, runExperiment } from './commands';
import { SpecDiagnostics } from './diagnostics';
import { nativeBackendRoot, registerNativeBackendCommand } from './nativeBackendCommand';
import { registerRedisPasswordCommand } from './redisPasswordCommand';
import { SweepHistory } from './history';
import { SweepService } from './sweepService';
import { ModuleSpaces } from './moduleSpaces';
import { ExperimentPanels, SweepsSideView, type ViewContext } from './views';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Dropout Lab', { log: true });
  const trainerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'trainer.js').fsPath;
  const sweeps = new SweepService(trainerPath, nativeBackendRoot(context), log, context.secrets);
  const moduleSpaces = new ModuleSpaces(trainerPath);
  const history = new SweepHistory();
  const diagnostics = new SpecDiagnostics();
  const commandContext = {
    sweeps, moduleSpaces, history, diagnostics, log,
    openPanel: (specPath: string, dir?: string) => panels.open(specPath, dir), activePanelSweep: () => panels.activeSweep(),
  };
  const viewContext: ViewContext = {
    extensionUri: context.extensionUri, log, sweeps, history,
    openPanel: commandContext.openPanel,
    runSpec: (specPath) => runExperiment(commandContext, vscode.Uri.file(specPath)),
    resumeSweep: (dir) => resumeInterruptedSweep(commandContext, dir),
  };
  const panels = new ExperimentPanels(viewContext);
  context.subscriptions.push(
    log, sweeps, moduleSpaces, history, panels,
    new SweepsSideView(viewContext),
    diagnostics,
    new SpecCodeLensProvider(sweeps, history, moduleSpaces),
    sweeps.onDidEvent(({ event }) => {
      if (event.type === 'sweepStarted' || event.type === 'sweepEnded') history.invalidate();
    }),
    ...registerCommands(commandContext),
    registerNativeBackendCommand(context, log),
    registerRedisPasswordCommand(context.secrets, log),
  );
  log.info(`Dropout Lab activated (VS Code ${vscode.version})`);
  void offerToResume(commandContext);
}

export function deactivate(): void {
  // Running sweeps are cancelled by SweepService.dispose via context.subscriptions.
}
