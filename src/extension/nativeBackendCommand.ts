/**
 * "Dropout Lab: Install Native TensorFlow Backend": npm-installs tfjs-node (the version of the bundled tfjs-core)
 * into the extension's global storage, checks in a child process that it loads, and from then on the runner hands
 * its folder to every trainer. Nothing of TF.js loads in the extension host.
 */
import * as vscode from 'vscode';
import { dependencies } from '../../package.json';
import { findInstalledTfjsNode, installTfjsNode, NativeInstallError, tfjsNodePackage, verifyTfjsNode } from '../runner/nativeBackend';
import { errorMessage } from '../core/errors';

/** tfjs-node must match the tfjs-core the trainer bundles; both come from package.json. */
const tfjsVersion = dependencies['@tensorflow/tfjs-core'];

export function nativeBackendRoot(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.globalStorageUri, 'tfjs-node').fsPath;
}

export function registerNativeBackendCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('dropoutLab.installNativeBackend', async () => {
    const root = nativeBackendRoot(context);
    const existing = findInstalledTfjsNode(root);
    if (existing) {
      const choice = await vscode.window.showInformationMessage(
        `${tfjsNodePackage} ${existing.version} is installed in ${root}; sweeps use it when the backend setting is auto or tensorflow.`, 'Reinstall');
      if (choice !== 'Reinstall') return;
    }
    const packageSpec = `${tfjsNodePackage}@${tfjsVersion}`;
    log.info(`installing ${packageSpec} into ${root}`);
    try {
      const installed = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Installing ${packageSpec} (downloads libtensorflow, ~100 MB)`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          const result = await installTfjsNode({
            root, packageSpec, signal: abort.signal,
            onOutput: (line) => {
              log.info(`npm: ${line}`);
              progress.report({ message: line.replace(/^npm (?:error|warn|notice)\s*/, '').slice(0, 120) });
            },
          });
          progress.report({ message: 'checking that it loads…' });
          const problem = await verifyTfjsNode(result);
          if (problem) throw new NativeInstallError(problem, '');
          return result;
        },
      );
      log.info(`${tfjsNodePackage} ${installed.version} installed at ${installed.modulePath}`);
      void vscode.window.showInformationMessage(
        `Native TensorFlow backend installed (${tfjsNodePackage} ${installed.version}). New sweeps train on it; running sweeps keep their backend.`);
    } catch (error) {
      const message = errorMessage(error);
      log.error(`installing ${packageSpec} failed: ${message}`);
      const choice = await vscode.window.showErrorMessage(`Dropout Lab could not install the native TensorFlow backend: ${message}.`, 'Show Log');
      if (choice) log.show();
    }
  });
}
