/** The bundles' sizes and the extension's activation cost outside VS Code (scripts/bench-activate.cjs). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root } from './options';

export interface ExtensionFigures {
  bundleKB: Record<string, number>;
  /** `require('dist/extension.js')` with a stub `vscode` module, in a fresh process. */
  requireMs?: number;
  /** `activate(fakeContext)` after the require; absent when activation needs more of VS Code than the stub has. */
  activateMs?: number;
  note: string;
}

/** Needs `npm run build` first. */
export function measureExtension(): ExtensionFigures {
  const bundleKB: Record<string, number> = {};
  for (const name of ['extension.js', 'trainer.js', 'cli.js', 'webview.js']) {
    const file = path.join(root, 'dist', name);
    if (fs.existsSync(file)) bundleKB[name] = Math.round(fs.statSync(file).size / 102.4) / 10;
  }
  const out = spawnSync(process.execPath, [path.join(root, 'scripts', 'bench-activate.cjs'), path.join(root, 'dist', 'extension.js')], { encoding: 'utf8' });
  try {
    const figures = JSON.parse(out.stdout.trim().split('\n').pop() ?? '');
    return { bundleKB, ...figures };
  } catch {
    return { bundleKB, note: `activation not measured: ${out.stderr.split('\n')[0]}` };
  }
}
