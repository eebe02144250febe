/**
 * Where a spec's runs are stored in VS Code: the `dropoutLab.runsFolder` setting, confined to the workspace. A
 * workspace's settings may come from someone else; a runs folder outside it would let them make the extension
 * write anywhere the user can. Free of `vscode` so it is unit-tested directly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../workspace/confine';
import { defaultRunsRoot } from '../store/layout';

export type RunsRoot = { root: string; error?: undefined } | { root?: undefined; error: string };

/** The real path of `target`, following symlinks in the part of it that exists (the rest may not be created yet). */
function realPathOfNearest(target: string): string {
  const missing: string[] = [];
  let existing = target;
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    missing.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(fs.realpathSync(existing), ...missing);
}

/**
 * `configured`: the setting (empty: `.dropout/runs` next to the spec). A relative value resolves against the
 * spec's workspace folder (`workspaceFolder`, else the spec's folder); the result, symlinks followed, must stay
 * inside that folder, or an error says why.
 */
export function resolveRunsRoot(configured: string, specPath: string, workspaceFolder: string | undefined): RunsRoot {
  const value = configured.trim();
  if (!value) return { root: defaultRunsRoot(specPath) };
  const folder = path.resolve(workspaceFolder ?? path.dirname(specPath));
  const root = path.resolve(folder, value);
  if (!isInside(folder, root) || !isInside(realPathOfNearest(folder), realPathOfNearest(root))) {
    return { error: `the setting dropoutLab.runsFolder ("${value}") leads outside the workspace folder ${folder}; runs are stored inside the workspace only` };
  }
  return { root };
}
