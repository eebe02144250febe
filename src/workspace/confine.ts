/** Path confinement: the one rule for "this path stays inside that folder", used for data files and the runs folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `target` is `folder` or lies under it (lexically: resolve symlinks first where they matter). */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** A path refused by `confinedPath`: the message says why, `file` is the path as resolved. */
export class ConfinedPathError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

/**
 * `relativePath` resolved against `folder`, refusing anything outside it (by `..`, an absolute path or a symbolic
 * link) and anything that is not a `kind`. `what` names the path in messages ("the data path", "the module path").
 */
export function confinedPath(folder: string, relativePath: string, what: string, kind: 'file' | 'folder' = 'file'): string {
  const resolved = path.resolve(folder, relativePath);
  if (!isInside(folder, resolved)) throw new ConfinedPathError(`${what} must stay inside the spec's folder ${folder}`, resolved);
  if (!fs.existsSync(resolved)) throw new ConfinedPathError(`${kind} not found: ${resolved}`, resolved);
  const realFile = fs.realpathSync(resolved);
  if (!isInside(fs.realpathSync(folder), realFile)) {
    throw new ConfinedPathError(`${what} leads outside the spec's folder ${folder} through a symbolic link (to ${realFile})`, resolved);
  }
  const stats = fs.statSync(realFile);
  if (kind === 'file' ? !stats.isFile() : !stats.isDirectory()) throw new ConfinedPathError(`not a ${kind}: ${resolved}`, resolved);
  return resolved;
}
