/** Path confinement: the one rule for "this path stays inside that folder", used for data files and the runs folder. */
import * as path from 'node:path';

/** Whether `target` is `folder` or lies under it (lexically: resolve symlinks first where they matter). */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
