/**
 * The checks between a valid spec and its first trainer: the data (a CSV is read whole here, so a bad cell is
 * reported at its line and column, not as a failed trial; an image folder is decoded, a bad image named), the
 * model's shapes against the data (a layer list's, for every structure its hyperparameters give, positioned at the
 * layer) and the resource limits (positioned at the spec field to change). The CLI and the extension both call this
 * before they start a sweep.
 */
import * as path from 'node:path';
import { loadCsv } from './datasets/csv';
import { loadImages } from './datasets/images';
import { DatasetError, type DataFiles, type DecodedImages } from './datasets/types';
import { checkLimits, loadedDatasetShape, specDatasetShape, type DatasetShape, type ResourceLimits } from './model/estimate';
import { problemAt } from './spec/positions';
import { taskOf, type CsvDataset, type ExperimentSpec, type SpecProblem } from '../core/spec';
import { errorMessage } from '../core/errors';
import { isHpRef } from '../core/hyperparameters';
import { inputMismatch, outputMismatch, type ImportedModel } from './model/kerasTopology';
import { pretrainedWeights, readModelFile } from './model/modelFile';
import { ownGridProblem, resolveImportedSpec } from './model/modelSpace';
import { suggest } from './spec/messages';

/** A problem in the spec file or in a data file it names. */
export interface FileProblem extends SpecProblem {
  /** The spec as the caller named it, or the CSV joined to the spec's folder. */
  file: string;
}

function dataProblem(error: DatasetError, dataset: CsvDataset, specFile: string, specText: string): FileProblem {
  const csvFile = path.join(path.dirname(specFile), dataset.path);
  const location = error.location;
  if (location?.line !== undefined && location.character !== undefined && !location.specField) {
    return {
      file: csvFile, path: '', message: error.detail, severity: 'error',
      offset: location.offset ?? 0, length: 0, line: location.line, column: location.character,
    };
  }
  // About the spec's field, or about the file as a whole (empty, too few rows): shown at the spec's field.
  const field = location?.specField ?? 'path';
  const message = location?.specField === 'target' || location?.specField === 'path' ? error.detail : `${csvFile}: ${error.detail}`;
  return { file: specFile, ...problemAt(specText, ['dataset', field], message) };
}

/**
 * An image-folder problem, at the spec's dataset field it names (else `path`), with the image or class folder at
 * fault as a path from the spec's folder, as it is named in the spec.
 */
function imagesProblem(error: DatasetError, specFile: string, specText: string): FileProblem {
  const location = error.location;
  const specDir = path.resolve(path.dirname(specFile));
  const where = location?.file && location.specField !== 'path' ? `${path.join(path.dirname(specFile), path.relative(specDir, location.file))}: ` : '';
  return { file: specFile, ...problemAt(specText, ['dataset', location?.specField ?? 'path'], `${where}${error.detail}`) };
}

/** A data file or folder the system refuses to read (permissions, a directory named like a file…) as a DatasetError. */
function unreadable(error: unknown, what: string, dataPath: string): DatasetError {
  if (!(error as NodeJS.ErrnoException).code) throw error;
  return new DatasetError(`cannot read the ${what}: ${errorMessage(error)}`, { file: dataPath, specField: 'path' });
}

/** `files` whose image-cache writes wait for `commit()`: a spec refused by a later check leaves no runs folder behind. */
function heldCacheWrites(files: DataFiles): { files: DataFiles; commit: () => void } {
  const cache = files.imageCache;
  if (!cache) return { files, commit: () => undefined };
  const writes: Array<() => void> = [];
  const held = { read: cache.read, write: (key: string, images: DecodedImages) => void writes.push(() => cache.write(key, images)) };
  return { files: { ...files, imageCache: held }, commit: () => writes.forEach((write) => write()) };
}

/**
 * Every problem that stops the spec from running; [] when a sweep may start. An image folder is decoded into
 * `files.imageCache` (when given) only then, so the sweep's trainers read it.
 */
export function preflight(spec: ExperimentSpec, specFile: string, specText: string, limits: ResourceLimits, dataFiles: DataFiles): FileProblem[] {
  const { files, commit } = heldCacheWrites(dataFiles);
  let shape: DatasetShape | undefined = specDatasetShape(spec);
  const { dataset } = spec;
  if (dataset.type === 'csv') {
    try {
      shape = loadedDatasetShape(loadCsv(dataset, spec.training.seed, files));
    } catch (error) {
      const problem = error instanceof DatasetError ? error : unreadable(error, 'CSV file', dataset.path);
      return [dataProblem(problem, dataset, specFile, specText)];
    }
  } else if (dataset.type === 'images') {
    try {
      shape = loadedDatasetShape(loadImages(dataset, spec.training.seed, files));
    } catch (error) {
      return [imagesProblem(error instanceof DatasetError ? error : unreadable(error, 'image folder', dataset.path), specFile, specText)];
    }
  }
  let sized = spec;
  if (spec.model.from !== undefined) {
    const checked = checkModelFrom(spec, shape!, files);
    if ('problem' in checked) return [{ file: specFile, ...problemAt(specText, checked.problem.path, checked.problem.message) }];
    // The estimate appends the output layer (checked to match the model's) to a layer list.
    sized = { ...spec, model: { ...spec.model, layers: checked.imported.layers.slice(0, -1) } };
  }
  const problems = checkLimits(sized, shape!, limits).map(({ path: field, message }) => ({
    file: specFile, ...problemAt(specText, spec.model.from !== undefined && field[1] === 'layers' ? ['model', 'from'] : field, message),
  }));
  if (problems.length === 0) commit();
  return problems;
}

/** The names `{ "hp": name }` fields of the spec refer to. */
function namesReferred(value: unknown, names = new Set<string>()): Set<string> {
  if (isHpRef(value)) names.add(value.hp);
  else if (typeof value === 'object' && value !== null) for (const child of Object.values(value)) namesReferred(child, names);
  return names;
}

/**
 * model.from read, converted and checked against the data (input shape, output layer and task), its dropout layers
 * named, every sweep.space entry used, and with `weights: "pretrained"` its weights decoded and mapped: the model,
 * or the first problem, at model.from (or at the sweep.space entry to change).
 */
function checkModelFrom(
  spec: ExperimentSpec, shape: DatasetShape, files: DataFiles,
): { imported: ImportedModel } | { problem: { path: string[]; message: string } } {
  const from = spec.model.from!;
  const at = (message: string) => ({ problem: { path: ['model', 'from'], message } });
  try {
    const { imported, weights } = readModelFile(from, files, { weights: spec.model.weights === 'pretrained' });
    const mismatch = inputMismatch(imported, shape) ?? outputMismatch(imported, taskOf(spec.dataset), shape.outputUnits);
    if (mismatch) return at(`${from}: ${mismatch}`);
    const resolved = resolveImportedSpec(spec, imported);
    const known = new Set([...resolved.model.dropoutHps!, ...namesReferred({ ...spec, sweep: { ...spec.sweep, space: undefined } })]);
    for (const name of Object.keys(spec.sweep.space ?? {})) {
      if (known.has(name)) continue;
      const guess = suggest(name, [...known]);
      return {
        problem: {
          path: ['sweep', 'space', name],
          message: `the hyperparameter "${name}" is not used: no field refers to it and ${from} has no dropout layer it names `
            + `(${guess !== undefined ? `did you mean "${guess}"? ` : ''}its dropout layers are ${resolved.model.dropoutHps!.join(', ')}, `
            + `or by layer name: ${imported.dropoutLayers.map((layer) => layer.name).join(', ')})`,
        },
      };
    }
    const gridProblem = ownGridProblem(resolved, from);
    if (gridProblem) return { problem: gridProblem };
    if (weights) pretrainedWeights(imported, weights, from);
    return { imported };
  } catch (error) {
    const message = errorMessage(error);
    const entry = /^(?:sweep\.space\.|the hyperparameter ")([\w.-]+)/.exec(message)?.[1];
    if (entry && spec.sweep.space?.[entry]) return { problem: { path: ['sweep', 'space', entry], message } };
    // A random draw over the model's space (resolveModelSpace) asking for more configurations than it has.
    if (message.startsWith('cannot draw')) return { problem: { path: ['sweep', 'samples'], message: `${message}: use fewer samples` } };
    return at(error instanceof DatasetError ? error.detail : message);
  }
}

/**
 * The spec a sweep runs: with model.from, its dropout layers' hyperparameters merged into sweep.space (see
 * engine/model/modelSpace.ts). Call after a clean preflight (which reports what this would throw).
 */
export function resolveSpecModel(spec: ExperimentSpec, files: DataFiles): ExperimentSpec {
  if (spec.model.from === undefined) return spec;
  return resolveImportedSpec(spec, readModelFile(spec.model.from, files, { weights: false }).imported);
}
