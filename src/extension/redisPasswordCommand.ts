/**
 * "Dropout Lab: Set Redis Password": keeps the password of the Redis named by `dropoutLab.executor` in VS Code's
 * SecretStorage (the OS keychain where there is one), never in settings, specs or the run store. SweepService puts
 * it into the URL it hands the runner when a sweep starts or resumes on that Redis.
 */
import * as vscode from 'vscode';
import { redisPasswordSecret } from './executorSetting';

export function registerRedisPasswordCommand(secrets: vscode.SecretStorage, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('dropoutLab.setRedisPassword', async () => {
    const stored = (await secrets.get(redisPasswordSecret)) !== undefined;
    const password = await vscode.window.showInputBox({
      title: 'Dropout Lab: Redis password',
      prompt: `The password of the Redis in the setting dropoutLab.executor, kept in VS Code's secret storage.`
        + (stored ? ' A password is stored: leave this empty to forget it.' : ''),
      password: true, ignoreFocusOut: true,
    });
    if (password === undefined) return;
    if (password === '') {
      if (!stored) return;
      await secrets.delete(redisPasswordSecret);
      log.info('the stored Redis password was forgotten');
      void vscode.window.showInformationMessage('Dropout Lab: the stored Redis password is forgotten.');
      return;
    }
    await secrets.store(redisPasswordSecret, password);
    log.info('a Redis password was stored in the secret storage');
    void vscode.window.showInformationMessage('Dropout Lab: the Redis password is stored; sweeps on dropoutLab.executor use it.');
  });
}
