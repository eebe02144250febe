import * as fs from 'node:fs';
import { writeFileAtomically } from './atomic';
import { modelFiles } from './layout';

/**
 * Writes a model as `<dir>/model.json` + `<dir>/weights.bin`. The weights file is written before model.json, each
 * through a temporary file and a rename: a reader that finds model.json finds its weights complete.
 */
export function writeModelFiles(dir: string, model: { modelJson: string; weights: Uint8Array }): void {
  const files = modelFiles(dir);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomically(files.weights, model.weights);
  writeFileAtomically(files.json, model.modelJson);
}
