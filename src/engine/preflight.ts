/**
 * The checks between a valid spec and its first trainer: the data (a CSV is read whole here, so a bad cell is
 * reported at its line and column, not as a failed trial) and the resource limits (positioned at the spec field
 * to change). The CLI and the extension both call this before they start a sweep.
 */
import * as path from 'node:path';
import { loadCsv } from './datasets/csv';
import { DatasetError, type DataFiles } from './datasets/types';
import { checkLimits, loadedDatasetShape, specDatasetShape, type DatasetShape, type ResourceLimits } from './model/estimate';
import { problemAt } from './spec/positions';
import type { CsvDataset, ExperimentSpec, SpecProblem } from '../core/spec';
import { errorMessage } from '../core/errors';

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

/** Every problem that stops the spec from running; [] when a sweep may start. */
export function preflight(spec: ExperimentSpec, specFile: string, specText: string, limits: ResourceLimits, files: DataFiles): FileProblem[] {
  let shape: DatasetShape | undefined = specDatasetShape(spec);
  if (spec.dataset.type === 'csv') {
    try {
      shape = loadedDatasetShape(loadCsv(spec.dataset, spec.training.seed, files));
    } catch (error) {
      if (error instanceof DatasetError) return [dataProblem(error, spec.dataset, specFile, specText)];
      // A file the system refuses to read (permissions, a directory named like a file…).
      const code = (error as NodeJS.ErrnoException).code;
      if (!code) throw error;
      const unreadable = new DatasetError(`cannot read the CSV file: ${errorMessage(error)}`, { file: spec.dataset.path, specField: 'path' });
      return [dataProblem(unreadable, spec.dataset, specFile, specText)];
    }
  }
  return checkLimits(spec, shape!, limits).map(({ path: field, message }) => ({ file: specFile, ...problemAt(specText, field, message) }));
}
